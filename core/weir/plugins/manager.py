"""Loading plugins into weir's single pluggy ``PluginManager``, and calling their hooks safely.

Built-in parts (``weir.plugins.builtin``) register first, through the same hooks as everyone.
Installed plugins come from the ``weir`` entry-point group and are loaded one by one, lazily (the
first time weir needs a store, a flavor, an autologger or ``weir.<plugin>``; never at
``import weir``): one that fails to import or register is skipped with a warning naming it, its
distribution and the error, and the rest keep working.

Environment:
- ``WEIR_LOAD_PLUGINS``: comma-separated entry-point names to load; empty string loads none.
- ``WEIR_DISABLE_PLUGINS``: comma-separated names to skip.
- ``WEIR_TRACE_PLUGINS=1``: print every hook call and its result to stderr.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import warnings
from collections.abc import Callable
from importlib import metadata
from types import ModuleType
from typing import Any

import pluggy

from weir.plugins import hookspecs

__all__ = [
    "ENTRY_POINT_GROUP",
    "KNOWN_PLUGIN_DISTRIBUTIONS",
    "PluginNotInstalledError",
    "PluginWarning",
    "call_each",
    "collect_registrations",
    "distribution_of",
    "get_plugin_manager",
    "register_plugin",
    "reset_plugin_manager",
    "resolve_plugin_module",
    "unregister_plugin",
]

ENTRY_POINT_GROUP = "weir"
BUILTIN_PLUGIN = "weir.builtin"

# weir.<name> for well-known frameworks -> the distribution that provides it
KNOWN_PLUGIN_DISTRIBUTIONS: dict[str, str] = {
    "sklearn": "weir-sklearn",
    "xgboost": "weir-xgboost",
    "lightgbm": "weir-lightgbm",
    "pytorch": "weir-pytorch",
    "tensorflow": "weir-tensorflow",
    "keras": "weir-tensorflow",
}

_lock = threading.RLock()
_manager: pluggy.PluginManager | None = None
_building = False  # True while plugins load, so a plugin importing weir.<x> cannot recurse into loading
# entry-point name -> (distribution name, version) for every plugin that loaded
loaded_plugins: dict[str, tuple[str, str]] = {}
# entry-point name -> error text for every plugin that failed to load
failed_plugins: dict[str, str] = {}
# entry-point name -> distribution label, for plugins installed but filtered out by the env vars
filtered_plugins: dict[str, str] = {}


class PluginWarning(UserWarning):
    """A plugin could not be loaded, or one of its hook implementations failed."""


class PluginNotInstalledError(AttributeError):
    """``weir.<name>`` names a framework whose plugin distribution is not installed (or not loaded)."""

    def __init__(self, message: str, *, name: str, distribution: str | None = None) -> None:
        super().__init__(message)
        self.plugin_name = name
        self.distribution = distribution


def _names_from_env(var: str) -> set[str] | None:
    value = os.environ.get(var)
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


def _dist_label(entry_point: metadata.EntryPoint) -> str:
    dist = entry_point.dist
    return f"{dist.metadata['Name']} {dist.version}" if dist is not None else "unknown distribution"


def plugin_entry_points() -> list[metadata.EntryPoint]:
    """Entry points in the ``weir`` group, after the WEIR_LOAD/DISABLE_PLUGINS filters."""
    selected = _names_from_env("WEIR_LOAD_PLUGINS")
    disabled = _names_from_env("WEIR_DISABLE_PLUGINS") or set()
    found = []
    seen = set()
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry_point.name in seen:
            continue
        seen.add(entry_point.name)
        if entry_point.name in disabled:
            filtered_plugins[entry_point.name] = (
                f"{_dist_label(entry_point)}, disabled by WEIR_DISABLE_PLUGINS"
            )
            continue
        if selected is not None and entry_point.name not in selected:
            filtered_plugins[entry_point.name] = f"{_dist_label(entry_point)}, not in WEIR_LOAD_PLUGINS"
            continue
        found.append(entry_point)
    return found


def _load_entry_point(pm: pluggy.PluginManager, entry_point: metadata.EntryPoint) -> None:
    dist = entry_point.dist
    try:
        plugin = entry_point.load()
        if pm.is_registered(plugin):
            return
        pm.register(plugin, name=entry_point.name)
    except Exception as exc:  # a broken plugin must not take weir down with it
        failed_plugins[entry_point.name] = f"{type(exc).__name__}: {exc}"
        warnings.warn(
            f"weir plugin {entry_point.name!r} ({_dist_label(entry_point)}) failed to load and is skipped: "
            f"{type(exc).__name__}: {exc}",
            PluginWarning,
            stacklevel=2,
        )
        return
    if dist is not None:
        loaded_plugins[entry_point.name] = (dist.metadata["Name"], dist.version)


def _trace_enabled() -> bool:
    return os.environ.get("WEIR_TRACE_PLUGINS", "").strip().lower() not in ("", "0", "false", "no")


def _enable_tracing(pm: pluggy.PluginManager) -> None:
    def before(hook_name: str, hook_impls: list, kwargs: dict) -> None:
        plugins = ", ".join(impl.plugin_name for impl in hook_impls)
        sys.stderr.write(f"weir: hook {hook_name}({_format_kwargs(kwargs)}) -> [{plugins}]\n")

    def after(outcome: Any, hook_name: str, hook_impls: list, kwargs: dict) -> None:
        try:
            result = outcome.get_result()
        except BaseException as exc:  # tracing reports, it never changes the outcome
            sys.stderr.write(f"weir: hook {hook_name} raised {type(exc).__name__}: {exc}\n")
            return
        sys.stderr.write(f"weir: hook {hook_name} returned {result!r}\n")

    pm.add_hookcall_monitoring(before, after)


def _format_kwargs(kwargs: dict) -> str:
    return ", ".join(f"{key}={value!r}" for key, value in kwargs.items())


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, built (and plugins loaded) on first use."""
    global _manager, _building
    if _manager is not None:
        return _manager
    with _lock:
        if _manager is not None:
            return _manager
        pm = pluggy.PluginManager("weir")
        pm.add_hookspecs(hookspecs)
        from weir.plugins import builtin

        pm.register(builtin, name=BUILTIN_PLUGIN)
        _building = True
        try:
            filtered_plugins.clear()
            for entry_point in plugin_entry_points():
                _load_entry_point(pm, entry_point)
        finally:
            _building = False
        if _trace_enabled():
            _enable_tracing(pm)
        _manager = pm
        return pm


def reset_plugin_manager() -> None:
    """Forget the manager so the next use reloads plugins (tests use this)."""
    global _manager
    with _lock:
        _manager = None
        loaded_plugins.clear()
        failed_plugins.clear()
        filtered_plugins.clear()


def distribution_of(plugin_name: str) -> tuple[str, str] | None:
    """``(distribution, version)`` of a loaded plugin; ``("weir", version)`` for built-ins."""
    if plugin_name in loaded_plugins:
        return loaded_plugins[plugin_name]
    if plugin_name == BUILTIN_PLUGIN:
        from weir.version import __version__

        return ("weir", __version__)
    return None


def _plugin_label(plugin_name: str) -> str:
    dist = distribution_of(plugin_name)
    return f"{plugin_name!r} ({dist[0]} {dist[1]})" if dist else repr(plugin_name)


def register_plugin(plugin: Any, name: str) -> None:
    """Register a plugin object at runtime (tests, notebooks); historic hooks are replayed to it."""
    pm = get_plugin_manager()
    pm.register(plugin, name=name)
    from weir.plugins.autolog import latest_global_config

    config = latest_global_config()
    if config is not None:
        for impl in pm.hook.autolog_configured.get_hookimpls():
            if impl.plugin is plugin:
                _call_impl("autolog_configured", impl, {"config": config})


def unregister_plugin(name: str) -> None:
    """Remove a plugin registered under ``name`` (no error if absent)."""
    pm = get_plugin_manager()
    plugin = pm.get_plugin(name)
    if plugin is not None:
        pm.unregister(plugin, name=name)


_FAILED = object()


def _call_impl(hook_name: str, impl: Any, kwargs: dict) -> Any:
    try:
        result = impl.function(*[kwargs[arg] for arg in impl.argnames])
    except Exception as exc:  # one plugin's bug must not hide the others
        if _trace_enabled():
            sys.stderr.write(
                f"weir: hook {hook_name} in {impl.plugin_name} raised {type(exc).__name__}: {exc}\n"
            )
        from weir.plugins.safety import is_strict

        if is_strict():
            raise
        warnings.warn(
            f"weir plugin {_plugin_label(impl.plugin_name)} failed in hook {hook_name} and is skipped: "
            f"{type(exc).__name__}: {exc}",
            PluginWarning,
            stacklevel=3,
        )
        return _FAILED
    if _trace_enabled():
        sys.stderr.write(f"weir: hook {hook_name} in {impl.plugin_name} returned {result!r}\n")
    return result


def _ordered_impls(hook_name: str) -> list[Any]:
    impls = [
        impl
        for impl in getattr(get_plugin_manager().hook, hook_name).get_hookimpls()
        if not (impl.hookwrapper or impl.wrapper)
    ]
    first = [impl for impl in impls if impl.tryfirst]
    last = [impl for impl in impls if impl.trylast]
    middle = [impl for impl in impls if not impl.tryfirst and not impl.trylast]
    return first + middle + last


def call_each(hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call every implementation of a collect hook on its own; ``[(plugin name, result)]``.

    Order: ``tryfirst`` implementations, then the rest in registration order (built-ins first),
    then ``trylast``. An implementation that raises is skipped with a ``PluginWarning`` naming the
    plugin, its distribution and the error (re-raised under ``WEIR_AUTOLOG_STRICT=1``).
    """
    results = []
    for impl in _ordered_impls(hook_name):
        if _trace_enabled():
            sys.stderr.write(f"weir: hook {hook_name}({_format_kwargs(kwargs)}) in {impl.plugin_name}\n")
        result = _call_impl(hook_name, impl, kwargs)
        if result is not _FAILED:
            results.append((impl.plugin_name, result))
    return results


def collect_registrations(
    hook_name: str, convert: Callable[[Any], Any] | None = None
) -> list[tuple[str, list]]:
    """Call a ``register_*`` hook one implementation at a time; ``[(plugin name, registered items)]``.

    Each implementation gets its own ``register`` callback. ``convert`` validates (and may transform)
    each item as it is registered; if it raises, the error is reported against that plugin. A plugin
    whose implementation raises contributes nothing, not even items it registered before failing.
    """
    collected = []
    for impl in _ordered_impls(hook_name):
        items: list = []

        def register(item: Any, _items: list = items) -> None:
            _items.append(convert(item) if convert is not None else item)

        result = _call_impl(hook_name, impl, {"register": register})
        if result is not _FAILED:
            collected.append((impl.plugin_name, items))
    return collected


def _plugin_module(plugin: Any) -> ModuleType:
    if isinstance(plugin, ModuleType):
        return plugin
    return sys.modules[type(plugin).__module__ if not isinstance(plugin, type) else plugin.__module__]


def resolve_plugin_module(name: str) -> ModuleType | None:
    """The module behind ``weir.<name>``: an installed plugin, or the module holding that flavor.

    Returns None if nothing provides ``name``. For well-known frameworks (``sklearn``, ``xgboost``,
    ``lightgbm``, ``pytorch``, ``tensorflow``, ``keras``) raises ``PluginNotInstalledError`` (an
    AttributeError) saying which distribution to install, or why the installed one did not load.
    """
    if _building or name.startswith("_"):
        return None
    pm = get_plugin_manager()
    plugin = pm.get_plugin(name)
    if plugin is not None and name != BUILTIN_PLUGIN:
        return _plugin_module(plugin)
    from weir.plugins.flavors import get_flavors

    flavor = get_flavors().get(name)
    if flavor is not None:
        return importlib.import_module(flavor.module)
    if name in failed_plugins:
        raise PluginNotInstalledError(
            f"weir.{name} comes from the plugin {name!r}, which failed to load: {failed_plugins[name]}",
            name=name,
        )
    if name in filtered_plugins:
        raise PluginNotInstalledError(
            f"weir.{name} comes from the plugin {name!r} ({filtered_plugins[name]})", name=name
        )
    distribution = KNOWN_PLUGIN_DISTRIBUTIONS.get(name)
    if distribution is not None:
        raise PluginNotInstalledError(
            f"weir.{name} needs the plugin distribution {distribution}: pip install {distribution}",
            name=name,
            distribution=distribution,
        )
    return None
