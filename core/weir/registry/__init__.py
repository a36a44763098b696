"""The model registry, client side: ``WeirClient``'s registry methods (``weir.registry.client``),
``weir.register_model`` (``weir.registry.fluent``) and ``models:/`` resolution (``weir.registry.resolve``).

The storage itself is ``weir.store.registry``. Names load lazily so ``import weir.registry`` is cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "RegistryClientMixin": "weir.registry.client",
    "register_model": "weir.registry.fluent",
    "search_registered_models": "weir.registry.fluent",
    "search_model_versions": "weir.registry.fluent",
    "model_version_source": "weir.registry.resolve",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'weir.registry' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
