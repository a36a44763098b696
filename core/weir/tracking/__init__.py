"""Experiment tracking: the fluent API lives in ``weir.tracking.fluent``, the client in
``weir.tracking.client``. Names are loaded on first use to keep ``import weir.tracking`` light."""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "WeirClient": "weir.tracking.client",
    "MlflowClient": "weir.tracking.client",
    "MLflowClient": "weir.tracking.client",
    "get_tracking_uri": "weir.tracking.uri",
    "set_tracking_uri": "weir.tracking.uri",
    "get_registry_uri": "weir.tracking.uri",
    "set_registry_uri": "weir.tracking.uri",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'weir.tracking' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
