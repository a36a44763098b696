"""Models from code: a Python script that builds the model and hands it over with ``set_model``.

    # my_model.py
    import weir
    class Echo(weir.pyfunc.PythonModel):
        def predict(self, model_input, params=None):
            return model_input
    weir.models.set_model(Echo())

    weir.pyfunc.log_model(name="model", python_model="my_model.py")

The script is copied into the model directory and run again at load time; nothing is pickled.
Inside the script, ``weir.models.ModelConfig().get("key")`` reads the ``model_config`` given to
``save_model``/``load_model``.
"""

from __future__ import annotations

import contextvars
import importlib.util
import os
import sys
import threading
import uuid
from typing import Any

import yaml

from weir.exceptions import WeirException

__all__ = ["ModelConfig", "load_model_from_code", "set_model"]

_lock = threading.Lock()
_model: Any = None
_config: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "weir_model_config", default=None
)


def set_model(model: Any) -> None:
    """Declare the model a models-from-code script produces (a PythonModel or a callable)."""
    global _model
    if isinstance(model, str) or not (callable(model) or hasattr(model, "predict")):
        raise WeirException.invalid_parameter_value(
            "set_model() takes a PythonModel instance or a callable (a function taking model_input), "
            f"got {type(model).__name__}"
        )
    _model = model


class ModelConfig:
    """Read-only access, from inside a models-from-code script, to the ``model_config`` in use."""

    def __init__(self, development_config: dict[str, Any] | str | None = None) -> None:
        config = _config.get()
        if config is None:
            config = development_config
        if isinstance(config, (str, os.PathLike)):
            with open(config, encoding="utf-8") as f:
                config = yaml.safe_load(f) or {}
        if config is None:
            raise WeirException.invalid_parameter_value(
                "No model_config was given; pass model_config to save_model/load_model or a development_config"
            )
        self._config = dict(config)

    def get(self, key: str, default: Any = None) -> Any:
        if key not in self._config and default is None:
            raise KeyError(f"Key {key!r} is not in the model config (keys: {sorted(self._config)})")
        return self._config.get(key, default)

    def to_dict(self) -> dict[str, Any]:
        return dict(self._config)


def load_model_from_code(code_path: str, model_config: dict[str, Any] | str | None = None) -> Any:
    """Run the script at ``code_path`` and return the object it passed to ``set_model``."""
    global _model
    if isinstance(model_config, (str, os.PathLike)):
        with open(model_config, encoding="utf-8") as f:
            model_config = yaml.safe_load(f) or {}
    with _lock:
        previous = _model
        _model = None
        token = _config.set(model_config)
        module_name = f"weir_model_code_{uuid.uuid4().hex}"
        try:
            spec = importlib.util.spec_from_file_location(module_name, code_path)
            if spec is None or spec.loader is None:
                raise WeirException.invalid_parameter_value(f"{code_path} is not a Python file")
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except FileNotFoundError:
                raise WeirException(
                    f"The model code file {code_path} does not exist", "RESOURCE_DOES_NOT_EXIST"
                ) from None
            except WeirException:
                raise
            except Exception as exc:
                raise WeirException(
                    f"Running the model code {code_path} failed: {type(exc).__name__}: {exc}"
                ) from exc
            model = _model
        finally:
            _config.reset(token)
            _model = previous
    if model is None:
        raise WeirException.invalid_parameter_value(
            f"The model code {code_path} did not call weir.models.set_model(model)"
        )
    return model
