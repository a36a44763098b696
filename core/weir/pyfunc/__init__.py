"""The generic ``python_function`` model flavor: load any model and call ``predict``.

    >>> model = weir.pyfunc.load_model("runs:/<run_id>/model")
    >>> model.predict(df)

Also custom models (``PythonModel``, ``save_model``, ``log_model``), ``add_to_model`` for flavor
authors, and ``spark_udf``. Names load lazily, so ``import weir.pyfunc`` is cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

FLAVOR_NAME = "python_function"
MAIN = "loader_module"
CODE = "code"
DATA = "data"
ENV = "env"
PY_VERSION = "python_version"
MODEL_CONFIG = "config"

_LAZY = {
    "load_model": "weir.pyfunc.loader",
    "PyFuncModel": "weir.pyfunc.loader",
    "add_to_model": "weir.pyfunc.loader",
    "get_model_dependencies": "weir.pyfunc.loader",
    "import_loader_module": "weir.pyfunc.loader",
    "PythonModel": "weir.pyfunc.model",
    "PythonModelContext": "weir.pyfunc.model",
    "save_model": "weir.pyfunc.model",
    "log_model": "weir.pyfunc.model",
    "spark_udf": "weir.pyfunc.spark",
}

__all__ = ["CODE", "DATA", "ENV", "FLAVOR_NAME", "MAIN", "MODEL_CONFIG", "PY_VERSION", *sorted(_LAZY)]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'weir.pyfunc' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
