"""The import finder behind ``import weir.sklearn``: ``weir.<name>`` is an alias of a plugin module.

``install()`` is called by ``weir/__init__.py``; it only appends an object to ``sys.meta_path``
(this module imports nothing heavy). The finder sits last, so weir's real submodules are found by
the normal path finder first; it only wakes up for ``weir.<name>`` that is not a file of weir, and
only then are plugins loaded. ``sys.modules["weir.sklearn"] is weir_sklearn`` after the import.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["PluginAliasFinder", "install"]


class _AliasLoader:
    """Hands the already-imported plugin module to the import system under the ``weir.`` name."""

    def __init__(self, module: Any) -> None:
        self._module = module
        self._spec = getattr(module, "__spec__", None)

    def create_module(self, spec: Any) -> Any:
        return self._module

    def exec_module(self, module: Any) -> None:
        # the import system stamped our alias spec on the module: give it its real identity back
        if self._spec is not None:
            module.__spec__ = self._spec


class PluginAliasFinder:
    """A ``sys.meta_path`` finder (the ``importlib.abc.MetaPathFinder`` protocol) for ``weir.<plugin>``."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if not fullname.startswith("weir.") or fullname.count(".") != 1:
            return None
        name = fullname[len("weir.") :]
        from importlib.machinery import ModuleSpec

        from weir.plugins.manager import PluginNotInstalledError, resolve_plugin_module

        try:
            module = resolve_plugin_module(name)
        except PluginNotInstalledError as exc:
            raise ModuleNotFoundError(str(exc), name=fullname) from None
        if module is None:
            return None
        return ModuleSpec(fullname, _AliasLoader(module))

    def invalidate_caches(self) -> None:
        pass


_finder = PluginAliasFinder()


def install() -> None:
    """Append the finder to ``sys.meta_path`` once."""
    if not any(isinstance(finder, PluginAliasFinder) for finder in sys.meta_path):
        sys.meta_path.append(_finder)
