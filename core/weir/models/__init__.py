"""Saved models: the MLmodel format, signatures, input examples, environments and model URIs.

    >>> from weir.models import Model, ModelSignature, infer_signature
    >>> Model.load("path/to/model").signature

Names load lazily so ``import weir.models`` stays cheap (no numpy, pandas or yaml until used).
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "Model": "weir.models.model",
    "ModelInfo": "weir.models.model",
    "MLMODEL_FILE_NAME": "weir.models.model",
    "get_model_info": "weir.models.model",
    "ModelSignature": "weir.models.signature",
    "infer_signature": "weir.models.signature",
    "set_model": "weir.models.from_code",
    "ModelConfig": "weir.models.from_code",
    "download_model": "weir.models.uri",
    "resolve_model_uri": "weir.models.uri",
    "validate_schema": "weir.models.enforcement",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'weir.models' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
