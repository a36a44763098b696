"""``weir.autolog()`` and the ``Autologger`` base class every framework integration builds on.

A plugin module (``weir_myfw``) needs three things::

    from weir.plugins import hookimpl
    from weir.plugins.autolog import Autologger, configure_autolog

    class MyFwAutologger(Autologger):
        name = "myfw"                      # weir.myfw, mlflow.autologging tag, config key
        module = "myfw"                    # the import that triggers patching
        supported = ("myfw >= 1.2, < 3",)  # checked against installed metadata, never imported

        def _patch(self, module, config, patches):
            patches.wrap(module.Model, "fit", _log_fit)

    def _log_fit(call):                    # see weir.plugins.calls
        weir.log_params(call.instance.params)
        yield
        weir.log_metric("loss", call.instance.loss_)

    @hookimpl
    def register_autologgers(register):
        register(MyFwAutologger())

    def autolog(log_models=True, disable=False, exclusive=False, silent=False, **flags):
        configure_autolog("myfw", log_models=log_models, disable=disable,
                          exclusive=exclusive, silent=silent, **flags)

``weir.autolog()`` configures every registered integration the same way, including frameworks
imported after the call: patching runs in a wrapt post-import hook, and the hook is guarded so a
failure can never break the user's ``import``.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import ModuleType
from typing import Any, ClassVar

from weir.plugins.calls import AUTOLOGGING_TAG, AutologCall, autologging_disabled, warn_once
from weir.plugins.patching import Patches
from weir.plugins.safety import AutologgingWarning, is_strict, warn
from weir.plugins.versions import VersionCheck, check_requirements

__all__ = [
    "AutologCall",
    "AutologConfig",
    "Autologger",
    "AutologgingWarning",
    "autolog",
    "autologging_disabled",
    "configure_autolog",
    "get_autolog_config",
    "get_autologger",
    "get_autologgers",
]

_logger = logging.getLogger("weir.autolog")
_lock = threading.RLock()


@dataclass(frozen=True)
class AutologConfig:
    """The autologging flags of one integration (MLflow's names and defaults).

    Integration-specific flags (``max_tuning_runs``...) live in ``options`` and read as attributes
    too: ``config.max_tuning_runs``. ``config.get(key, default)`` works for both kinds.
    """

    log_input_examples: bool = False
    log_model_signatures: bool = True
    log_models: bool = True
    log_datasets: bool = True
    log_traces: bool = True
    disable: bool = False
    exclusive: bool = False
    disable_for_unsupported_versions: bool = False
    silent: bool = False
    extra_tags: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    globally_configured: bool = False

    def __getattr__(self, name: str) -> Any:
        options = self.__dict__.get("options", {})
        if name in options:
            return options[name]
        raise AttributeError(f"autolog config has no flag {name!r}")

    def get(self, key: str, default: Any = None) -> Any:
        """A flag by name, looking at common flags then integration options."""
        if key in _COMMON_FLAGS:
            return getattr(self, key)
        return self.options.get(key, default)

    def as_dict(self) -> dict[str, Any]:
        """Common flags and options in one flat dict."""
        values = {name: getattr(self, name) for name in _COMMON_FLAGS}
        values["extra_tags"] = dict(self.extra_tags)
        values.update(self.options)
        return values


_COMMON_FLAGS = tuple(
    f.name for f in fields(AutologConfig) if f.name not in ("options", "globally_configured")
)


class Autologger:
    """Base class of a framework integration. Subclass it, set the class attributes, write ``_patch``.

    :cvar name: integration name (``"sklearn"``): the ``mlflow.autologging`` tag, the key of
        ``get_autolog_config``, and the name ``weir.autolog(exclude_flavors=[...])`` uses.
    :cvar module: module whose import triggers patching (``"sklearn"``); never imported by weir itself.
    :cvar supported: requirement strings the plugin works with, e.g. ``("scikit-learn >= 1.3, < 2",)``;
        several entries are alternatives (``tensorflow`` / ``tensorflow-cpu``). Outside: one warning,
        and the integration is skipped. Empty: no check.
    :cvar tested: optional narrower ranges the plugin's CI tests; outside them (but inside
        ``supported``) weir warns once and still patches, unless ``disable_for_unsupported_versions``.
    :cvar options: integration-specific flags and their defaults (``{"max_tuning_runs": 5}``).
    :cvar aliases: other names ``weir.autolog(exclude_flavors=[...])`` knows it by (the Keras
        integration is also ``"tensorflow"``).
    """

    name: ClassVar[str] = ""
    module: ClassVar[str] = ""
    supported: ClassVar[tuple[str, ...]] = ()
    tested: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[Mapping[str, Any]] = {}
    aliases: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        if not self.name or not self.module:
            raise TypeError(f"{type(self).__name__} must set the class attributes 'name' and 'module'")
        self._patches: Patches | None = None
        self._lock = threading.RLock()
        self.plugin: str | None = None  # entry-point name of the plugin that registered it
        self.status = "not configured"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} ({self.status})>"

    @property
    def is_instrumented(self) -> bool:
        return self._patches is not None

    @property
    def patches(self) -> Patches | None:
        """The live patches while instrumented."""
        return self._patches

    def version_check(self) -> VersionCheck:
        """Installed framework version(s) against ``supported``, from metadata (no import)."""
        return check_requirements(self.supported)

    def instrument(self, config: AutologConfig | None = None) -> None:
        """Patch the framework (importing ``module``). Idempotent: a second call does nothing."""
        with self._lock:
            if self._patches is not None:
                return
            module = importlib.import_module(self.module)
            patches = Patches(self.name)
            try:
                self._patch(module, config or get_autolog_config(self.name) or AutologConfig(), patches)
            except BaseException:
                patches.revert()
                raise
            self._patches = patches
            self.status = "enabled"

    def uninstrument(self) -> None:
        """Revert every patch ``instrument`` made, exactly. Idempotent."""
        with self._lock:
            patches, self._patches = self._patches, None
            if patches is not None:
                patches.revert()

    def _patch(self, module: ModuleType, config: AutologConfig, patches: Patches) -> None:
        """Install the integration's patches with ``patches.wrap(owner, name, wrapper)``.

        :param module: the imported framework module (``self.module``).
        :param config: the configuration at patch time; wrappers should read ``call.config``,
            which is current at call time.
        :param patches: the recorder; everything patched through it is reverted by ``uninstrument``.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement _patch(module, config, patches)")


# --- registry ------------------------------------------------------------------------------------

_autologgers: dict[str, Autologger] = {}
_registry_plugins: frozenset[str] | None = None
_configs: dict[str, AutologConfig] = {}
_explicit: set[str] = set()  # configured through the integration's own autolog()
_hooked: set[str] = set()  # integrations with a pending or fired post-import hook
_global_config: AutologConfig | None = None


def get_autologgers() -> dict[str, Autologger]:
    """Every registered integration by name (collected through ``register_autologgers``)."""
    global _registry_plugins
    from weir.plugins.manager import collect_registrations, get_plugin_manager

    pm = get_plugin_manager()
    plugins = frozenset(name for name, _ in pm.list_name_plugin())
    if plugins == _registry_plugins:
        return dict(_autologgers)
    with _lock:
        found: dict[str, Autologger] = {}
        for plugin_name, items in collect_registrations("register_autologgers", _as_autologger):
            for autologger in items:
                if autologger.name in found:
                    warn(
                        autologger.name,
                        f"plugin {plugin_name!r} registers autolog integration {autologger.name!r}, already "
                        f"registered by plugin {found[autologger.name].plugin!r}; the second one is ignored",
                    )
                    continue
                existing = _autologgers.get(autologger.name)
                if existing is not None and type(existing) is type(autologger):
                    autologger = existing  # keep the live instance and its patches
                autologger.plugin = plugin_name
                found[autologger.name] = autologger
        for name, old in _autologgers.items():
            if name not in found:
                old.uninstrument()  # its plugin is gone
        _autologgers.clear()
        _autologgers.update(found)
        _registry_plugins = plugins
        return dict(_autologgers)


def _as_autologger(item: Any) -> Autologger:
    autologger = item() if isinstance(item, type) and issubclass(item, Autologger) else item
    if not isinstance(autologger, Autologger):
        raise TypeError(f"register() expects an Autologger instance or subclass, got {item!r}")
    return autologger


def get_autologger(name: str) -> Autologger:
    """The registered integration called ``name``; raises a WeirException naming what is installed."""
    autologger = get_autologgers().get(name)
    if autologger is None:
        from weir.exceptions import WeirException

        known = ", ".join(sorted(get_autologgers())) or "none"
        raise WeirException.invalid_parameter_value(
            f"no autolog integration named {name!r} is registered (registered: {known}); is its plugin "
            "installed, and not excluded by WEIR_LOAD_PLUGINS / WEIR_DISABLE_PLUGINS?"
        )
    return autologger


def get_autolog_config(name: str) -> AutologConfig | None:
    """The current flags of integration ``name``, or None if it was never configured."""
    return _configs.get(name)


def _all_patch_owners() -> list[Any]:
    owners: list[Any] = []
    for autologger in _autologgers.values():
        for record in autologger.patches or ():
            if record.owner not in owners:
                owners.append(record.owner)
    return owners


# --- configuration -------------------------------------------------------------------------------


def _build_config(autologger: Autologger, flags: Mapping[str, Any], *, globally: bool) -> AutologConfig:
    common = {key: flags[key] for key in _COMMON_FLAGS if key in flags}
    unknown = set(flags) - set(_COMMON_FLAGS) - set(autologger.options)
    if unknown:
        raise TypeError(f"autolog for {autologger.name!r} got unknown flag(s): {', '.join(sorted(unknown))}")
    extra_tags = common.get("extra_tags")
    if extra_tags is None:
        common["extra_tags"] = {}
    elif not isinstance(extra_tags, Mapping):
        from weir.exceptions import WeirException

        raise WeirException.invalid_parameter_value(
            f"extra_tags must be a dict of tag names to values, got {type(extra_tags).__name__}"
        )
    else:
        tags = {str(k): str(v) for k, v in extra_tags.items()}
        if AUTOLOGGING_TAG in tags:
            del tags[AUTOLOGGING_TAG]
            warn(autologger.name, f"extra_tags may not set {AUTOLOGGING_TAG!r}; it is ignored")
        common["extra_tags"] = tags
    options = {**autologger.options, **{k: v for k, v in flags.items() if k in autologger.options}}
    return AutologConfig(**common, options=options, globally_configured=globally)


def configure_autolog(integration: str | Autologger, **flags: Any) -> None:
    """Enable, reconfigure or (``disable=True``) disable one integration: the body of a plugin's ``autolog()``.

    :param integration: the integration name (``"sklearn"``) or its ``Autologger`` instance (which is
        used even if no plugin registered it, e.g. in a plugin's own tests).
    :param flags: the common flags (``log_models``, ``disable``, ``exclusive``, ``silent``,
        ``extra_tags``...) and the integration's ``options``; unknown names raise TypeError.

    Patches are installed now if the framework is already imported, otherwise when it is. A call
    here takes precedence over ``weir.autolog()`` for this integration, as in MLflow.
    """
    with _lock:
        autologger = _resolve(integration)
        _explicit.add(autologger.name)
        _apply(autologger, _build_config(autologger, flags, globally=False))


def _resolve(integration: str | Autologger) -> Autologger:
    if isinstance(integration, Autologger):
        registered = get_autologgers().get(integration.name)
        if registered is not None and registered is not integration and type(registered) is type(integration):
            return registered
        if registered is None:
            _autologgers[integration.name] = integration
        return integration
    return get_autologger(integration)


def _apply(autologger: Autologger, config: AutologConfig) -> None:
    name = autologger.name
    _configs[name] = config
    if config.disable:
        autologger.uninstrument()
        autologger.status = "disabled"
        return
    check = autologger.version_check()
    if not check.is_installed:
        autologger.uninstrument()
        autologger.status = "framework not installed"
        _logger.debug("%s autologging skipped: %s is not installed", name, " or ".join(autologger.supported))
        return
    if check.conflicts:
        autologger.uninstrument()
        autologger.status = f"unsupported version ({check.found})"
        warn_once(
            name,
            f"unsupported:{check.found}",
            f"{_owner_label(autologger)} supports {' or '.join(autologger.supported)}; {'; '.join(check.conflicts)}. "
            f"Autologging is disabled for {name}.",
            silent=config.silent,
        )
        return
    if autologger.tested:
        tested = check_requirements(autologger.tested)
        if tested.conflicts:
            if config.disable_for_unsupported_versions:
                autologger.uninstrument()
                autologger.status = f"untested version ({tested.found}), disabled"
                return
            warn_once(
                name,
                f"untested:{tested.found}",
                f"{_owner_label(autologger)} is tested with {' or '.join(autologger.tested)}; found "
                f"{tested.found}. Autologging may not work as expected.",
                silent=config.silent,
            )
    if autologger.is_instrumented:
        autologger.status = "enabled"
        return
    autologger.status = "waiting for import"
    if autologger.module in sys.modules:
        _on_import(autologger)
    elif name not in _hooked:
        import wrapt

        _hooked.add(name)
        wrapt.register_post_import_hook(lambda _module, n=name: _fire_hook(n), autologger.module)


def _fire_hook(name: str) -> None:
    _hooked.discard(name)
    autologger = _autologgers.get(name)
    if autologger is not None:
        _on_import(autologger, from_hook=True)


def _owner_label(autologger: Autologger) -> str:
    from weir.plugins.manager import distribution_of

    dist = distribution_of(autologger.plugin) if autologger.plugin else None
    return dist[0] if dist else f"the {autologger.name} integration"


def _on_import(autologger: Autologger, *, from_hook: bool = False) -> None:
    """Patch the framework now; never let an exception escape into the user's import."""
    config = _configs.get(autologger.name)
    if config is None or config.disable or autologger.status != "waiting for import":
        return  # disabled since the hook was registered (wrapt cannot cancel a pending hook)
    try:
        autologger.instrument(config)
    except Exception as exc:
        autologger.status = f"failed: {type(exc).__name__}: {exc}"
        if is_strict() and not from_hook:
            raise
        warn(
            autologger.name,
            f"patching {autologger.module} failed, autologging is off for it: {type(exc).__name__}: {exc}",
            silent=config.silent,
        )


def autolog(
    log_input_examples: bool = False,
    log_model_signatures: bool = True,
    log_models: bool = True,
    log_datasets: bool = True,
    log_traces: bool = True,
    disable: bool = False,
    exclusive: bool = False,
    disable_for_unsupported_versions: bool = False,
    silent: bool = False,
    extra_tags: dict[str, str] | None = None,
    exclude_flavors: list[str] | None = None,
) -> None:
    """Turn on autologging for every installed framework integration (MLflow's ``mlflow.autolog``).

    Applies to frameworks already imported and to those imported later. Integrations configured
    through their own ``autolog()`` (``weir.sklearn.autolog(...)``) keep that configuration, except
    that ``disable=True`` turns every integration off.

    :param log_input_examples: log a few training rows as the model's input example.
    :param log_model_signatures: infer and log the model signature.
    :param log_models: log the trained model (if False, examples and signatures are skipped too).
    :param log_datasets: log training/evaluation datasets as run inputs.
    :param log_traces: accepted for MLflow compatibility (tracing integrations).
    :param disable: revert all patches and stop autologging.
    :param exclusive: do not log into runs the user started; only into runs autologging creates.
    :param disable_for_unsupported_versions: skip integrations whose framework version is outside
        the plugin's tested range (versions outside its supported range are always skipped).
    :param silent: no warnings or logs from weir's autologging.
    :param extra_tags: tags added to every run autologging creates.
    :param exclude_flavors: integration names to leave untouched (``["sklearn"]``).
    """
    global _global_config
    flags = {
        "log_input_examples": log_input_examples,
        "log_model_signatures": log_model_signatures,
        "log_models": log_models,
        "log_datasets": log_datasets,
        "log_traces": log_traces,
        "disable": disable,
        "exclusive": exclusive,
        "disable_for_unsupported_versions": disable_for_unsupported_versions,
        "silent": silent,
        "extra_tags": extra_tags,
    }
    excluded = set(exclude_flavors or ())
    if extra_tags is not None and not isinstance(extra_tags, Mapping):
        from weir.exceptions import WeirException

        raise WeirException.invalid_parameter_value(
            f"extra_tags must be a dict of tag names to values, got {type(extra_tags).__name__}"
        )
    with _lock:
        for name, autologger in get_autologgers().items():
            if (
                name in excluded
                or excluded.intersection(autologger.aliases)
                or (name in _explicit and not disable)
            ):
                continue
            try:
                if disable:
                    _explicit.discard(name)
                _apply(autologger, _build_config(autologger, flags, globally=True))
            except Exception as exc:
                if is_strict():
                    raise
                warn(name, f"configuring autologging failed: {type(exc).__name__}: {exc}", silent=silent)
        _global_config = AutologConfig(
            **{**flags, "extra_tags": dict(extra_tags or {})}, options={}, globally_configured=True
        )
        _notify_configured(_global_config)


def _notify_configured(config: AutologConfig) -> None:
    from weir.plugins.manager import call_each

    call_each("autolog_configured", config=config)


def latest_global_config() -> AutologConfig | None:
    """The configuration of the last ``weir.autolog()`` call, if any."""
    return _global_config


def _reset_for_tests() -> None:
    """Disable and forget every integration (the pytest fixtures use this)."""
    global _registry_plugins, _global_config
    with _lock:
        for autologger in _autologgers.values():
            autologger.uninstrument()
            autologger.status = "not configured"
        _autologgers.clear()
        _configs.clear()
        _explicit.clear()
        _registry_plugins = None
        _global_config = None


def with_config(config: AutologConfig, **changes: Any) -> AutologConfig:
    """A copy of ``config`` with some flags changed (options included)."""
    common = {k: v for k, v in changes.items() if k in _COMMON_FLAGS}
    options = {**config.options, **{k: v for k, v in changes.items() if k not in _COMMON_FLAGS}}
    return replace(config, **common, options=options)


AutologgingWarning = AutologgingWarning
