"""The plugin host: pluggy hookspecs, plugin loading, and the autolog machinery plugins share.

Modules: ``hookspecs`` (markers and specs only), ``manager`` (loading, per-plugin isolation),
``flavors`` (model flavor registry), ``autolog`` (``weir.autolog`` and the ``Autologger`` base),
``patching`` (``Patches``: reversible wrapt patches), ``calls`` (what runs around a patched call),
``versions`` (framework version checks from installed metadata).

Attributes are imported lazily so that ``import weir`` (which installs the ``weir.<plugin>``
import finder from ``weir.plugins._finder``) does not pay for pluggy or wrapt.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "hookimpl": "weir.plugins.hookspecs",
    "hookspec": "weir.plugins.hookspecs",
    "Autologger": "weir.plugins.autolog",
    "AutologCall": "weir.plugins.calls",
    "AutologConfig": "weir.plugins.autolog",
    "configure_autolog": "weir.plugins.autolog",
    "get_autolog_config": "weir.plugins.autolog",
    "Flavor": "weir.plugins.flavors",
    "Patches": "weir.plugins.patching",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'weir.plugins' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
