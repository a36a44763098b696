"""The model flavor registry: which installed module saves, loads and pyfunc-loads each flavor.

A plugin registers its flavors through the ``register_flavors`` hook::

    @hookimpl
    def register_flavors(register):
        register(Flavor(name="sklearn", module="weir_sklearn",
                        aliases=("mlflow.sklearn", "weir.sklearn")))

pyfunc calls ``import_loader_module(loader_module)`` with the ``loader_module`` an MLmodel file
names (``mlflow.sklearn``, ``weir.sklearn`` or ``weir_sklearn``) and gets the installed plugin
module, whose ``_load_pyfunc(path)`` it then calls.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
import warnings
from dataclasses import dataclass
from types import ModuleType

__all__ = ["Flavor", "MissingFlavorError", "get_flavor", "get_flavors", "import_loader_module"]

_lock = threading.Lock()
_flavors: dict[str, Flavor] = {}
_built_from: frozenset[str] | None = None


class MissingFlavorError(ModuleNotFoundError):
    """A model needs a flavor whose plugin is not installed; the message names the distribution."""


@dataclass(frozen=True)
class Flavor:
    """A model flavor a plugin provides.

    :ivar name: the MLmodel ``flavors`` key (``"sklearn"``); also ``weir.<name>``.
    :ivar module: the importable module with ``save_model``, ``log_model``, ``load_model`` and
        ``_load_pyfunc`` (``"weir_sklearn"``). It is imported only when a model of this flavor is used.
    :ivar aliases: other ``loader_module`` names that mean this flavor (``"mlflow.sklearn"``,
        ``"weir.sklearn"``), so MLmodel files written by MLflow load through the plugin.
    :ivar distribution: the distribution to install for it (``"weir-sklearn"``), for error messages;
        filled from the registering plugin's metadata when left empty.
    :ivar pyfunc: whether ``module`` provides ``_load_pyfunc`` (models load with ``weir.pyfunc``).
    """

    name: str
    module: str
    aliases: tuple[str, ...] = ()
    distribution: str | None = None
    pyfunc: bool = True
    plugin: str | None = None

    def __post_init__(self) -> None:
        if not self.name or not isinstance(self.name, str):
            raise ValueError(f"a flavor needs a non-empty name, got {self.name!r}")
        if not self.module or not isinstance(self.module, str):
            raise ValueError(f"flavor {self.name!r} needs the name of its module, got {self.module!r}")
        if isinstance(self.aliases, str):
            object.__setattr__(self, "aliases", (self.aliases,))

    @property
    def loader_names(self) -> tuple[str, ...]:
        """Every ``loader_module`` value that resolves to this flavor."""
        return (self.module, f"weir.{self.name}", f"mlflow.{self.name}", *self.aliases)


def _as_flavor(item: object) -> Flavor:
    if not isinstance(item, Flavor):
        raise TypeError(f"register() expects a weir.plugins.flavors.Flavor, got {item!r}")
    return item


def get_flavors() -> dict[str, Flavor]:
    """Every registered flavor by name (collected through ``register_flavors``)."""
    global _built_from
    from weir.plugins.manager import PluginWarning, collect_registrations, distribution_of, get_plugin_manager

    pm = get_plugin_manager()
    plugins = frozenset(name for name, _ in pm.list_name_plugin())
    if plugins == _built_from:
        return dict(_flavors)
    with _lock:
        found: dict[str, Flavor] = {}
        for plugin_name, items in collect_registrations("register_flavors", _as_flavor):
            dist = distribution_of(plugin_name)
            for flavor in items:
                if flavor.name in found:
                    warnings.warn(
                        f"weir plugin {plugin_name!r} registers flavor {flavor.name!r}, already registered "
                        f"by plugin {found[flavor.name].plugin!r}; the second one is ignored",
                        PluginWarning,
                        stacklevel=2,
                    )
                    continue
                found[flavor.name] = Flavor(
                    name=flavor.name,
                    module=flavor.module,
                    aliases=tuple(flavor.aliases),
                    distribution=flavor.distribution or (dist[0] if dist else None),
                    pyfunc=flavor.pyfunc,
                    plugin=plugin_name,
                )
        _flavors.clear()
        _flavors.update(found)
        _built_from = plugins
        return dict(_flavors)


def get_flavor(name: str) -> Flavor | None:
    """The flavor registered as ``name`` (``"sklearn"``), or None."""
    return get_flavors().get(name)


def _flavor_for_loader(loader_module: str) -> Flavor | None:
    for flavor in get_flavors().values():
        if loader_module in flavor.loader_names:
            return flavor
    return None


def import_loader_module(loader_module: str) -> ModuleType:
    """Import the module that loads models whose MLmodel says ``loader_module: <loader_module>``.

    ``mlflow.sklearn``, ``weir.sklearn`` and the plugin's own ``weir_sklearn`` all map to the
    installed plugin's module. ``mlflow.<core module>`` maps to ``weir.<core module>`` when weir
    has it (``mlflow.pyfunc.model``). Raises ``MissingFlavorError`` naming the distribution to install.
    """
    flavor = _flavor_for_loader(loader_module)
    if flavor is not None:
        return importlib.import_module(flavor.module)
    head, _, rest = loader_module.partition(".")
    if head in ("mlflow", "weir") and rest:
        core_name = f"weir.{rest}"
        if _module_exists(core_name):
            return importlib.import_module(core_name)
        flavor_name = rest.split(".")[0]
        from weir.plugins.manager import KNOWN_PLUGIN_DISTRIBUTIONS

        distribution = KNOWN_PLUGIN_DISTRIBUTIONS.get(
            flavor_name, f"a weir plugin for the {flavor_name!r} flavor"
        )
        hint = f": pip install {distribution}" if flavor_name in KNOWN_PLUGIN_DISTRIBUTIONS else ""
        raise MissingFlavorError(
            f"loading a model with loader_module {loader_module!r} needs the flavor {flavor_name!r}, "
            f"which no installed plugin provides; install {distribution}{hint}",
            name=loader_module,
        )
    try:
        return importlib.import_module(loader_module)
    except ModuleNotFoundError as exc:
        if exc.name != loader_module.split(".")[0] and exc.name != loader_module:
            raise
        raise MissingFlavorError(
            f"loading a model with loader_module {loader_module!r} needs that module, which is not "
            "installed, and no weir plugin registers a flavor for it",
            name=loader_module,
        ) from exc


def _module_exists(name: str) -> bool:
    """A real module of that name (not a plugin module aliased as ``weir.<plugin>`` in sys.modules)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    return spec is not None and spec.name == name


def _reset() -> None:
    global _built_from
    with _lock:
        _flavors.clear()
        _built_from = None
