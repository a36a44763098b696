"""Loading any model with a ``python_function`` flavor as a generic ``PyFuncModel``.

    >>> model = weir.pyfunc.load_model("runs:/<run_id>/model")
    >>> model.predict(df)        # input checked against the signature first

The MLmodel's ``loader_module`` names a module with ``_load_pyfunc(data_path[, model_config])``.
MLflow writes ``mlflow.sklearn``, weir plugins write ``weir_sklearn`` or ``weir.sklearn``; both
resolve to the installed weir plugin, so MLflow-saved models load without MLflow.
"""

from __future__ import annotations

import importlib
import inspect
import os
import platform
import sys
import warnings
from types import ModuleType
from typing import Any

from weir.exceptions import WeirException
from weir.models.model import MLMODEL_FILE_NAME, Model

__all__ = [
    "CODE",
    "DATA",
    "ENV",
    "FLAVOR_NAME",
    "MAIN",
    "MODEL_CONFIG",
    "PY_VERSION",
    "PyFuncModel",
    "add_to_model",
    "get_model_dependencies",
    "import_loader_module",
    "load_model",
]

FLAVOR_NAME = "python_function"
MAIN = "loader_module"
CODE = "code"
DATA = "data"
ENV = "env"
PY_VERSION = "python_version"
MODEL_CONFIG = "config"


def add_to_model(
    model: Model,
    loader_module: str,
    data: str | None = None,
    code: str | None = None,
    conda_env: str | None = None,
    python_env: str | None = None,
    model_config: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Model:
    """Add a ``python_function`` flavor to ``model`` (MLflow's ``mlflow.pyfunc.add_to_model``).

    ``conda_env``/``python_env`` are file names inside the model dir. Extra keyword arguments are
    stored in the flavor as they are (``model_path``, ``predict_fn``, ``python_model``...).
    """
    params: dict[str, Any] = dict(kwargs)
    params[MAIN] = loader_module
    params[PY_VERSION] = platform.python_version()
    params[CODE] = code or None
    if data:
        params[DATA] = data
    if conda_env or python_env:
        env = params.get(ENV) if isinstance(params.get(ENV), dict) else {}
        if conda_env:
            env["conda"] = conda_env
        if python_env:
            env["virtualenv"] = python_env
        params[ENV] = env
    if model_config:
        params[MODEL_CONFIG] = model_config
    return model.add_flavor(FLAVOR_NAME, **params)


# --- loader modules ----------------------------------------------------------------------------


def _registry_import(name: str) -> tuple[ModuleType | None, Exception | None]:
    try:
        from weir.plugins.flavors import import_loader_module as registry_import
    except ImportError:
        return None, None
    try:
        return registry_import(name), None
    except (ImportError, LookupError, WeirException) as exc:
        return None, exc


def import_loader_module(name: str) -> ModuleType:
    """The module behind an MLmodel ``loader_module`` value.

    Order: the plugin host's flavor registry; ``mlflow.X``/``weir.X``/``weir_X`` as ``weir.X``
    (plugins resolve there); then the name as written.
    """
    if not isinstance(name, str) or not name:
        raise WeirException.invalid_parameter_value(
            f"Invalid loader_module {name!r} in the python_function flavor"
        )
    module, registry_error = _registry_import(name)
    if module is not None:
        return module
    candidates: list[str] = []
    head, _, rest = name.partition(".")
    if head in ("mlflow", "weir") and rest:
        candidates.append(f"weir.{rest}")
    elif head.startswith("weir_") and not rest:
        candidates.append(f"weir.{head[len('weir_') :]}")
    candidates.append(name)
    errors = []
    for candidate in candidates:
        try:
            return importlib.import_module(candidate)
        except ImportError as exc:
            errors.append(f"{candidate}: {exc}")
        if candidate.startswith("weir.") and candidate.count(".") == 1:
            import weir

            try:
                plugin = getattr(weir, candidate.split(".", 1)[1])
            except AttributeError:
                continue
            if isinstance(plugin, ModuleType):
                return plugin
    if type(registry_error).__name__ == "MissingFlavorError":
        # the flavor registry's message names the plugin to install
        raise WeirException(str(registry_error), "RESOURCE_DOES_NOT_EXIST") from registry_error
    raise WeirException(
        f"Cannot import the model's loader module {name!r} (tried {', '.join(candidates)}). "
        f"Install the weir plugin for this flavor. Details: {'; '.join(errors)}",
        "RESOURCE_DOES_NOT_EXIST",
    )


def _call_loader(module: ModuleType, data_path: str, model_config: dict[str, Any] | None) -> Any:
    loader = getattr(module, "_load_pyfunc", None)
    if loader is None:
        raise WeirException(f"Loader module {module.__name__!r} has no _load_pyfunc(data_path) function")
    if model_config:
        try:
            accepts_config = len(inspect.signature(loader).parameters) >= 2
        except (TypeError, ValueError):
            accepts_config = True
        if accepts_config:
            return loader(data_path, model_config)
        warnings.warn(
            f"{module.__name__}._load_pyfunc does not take a model_config; it is ignored", stacklevel=3
        )
    return loader(data_path)


# --- PyFuncModel --------------------------------------------------------------------------------


class PyFuncModel:
    """A loaded model with one ``predict(data, params=None)``, whatever its framework."""

    def __init__(
        self,
        model_meta: Model,
        model_impl: Any,
        predict_fn: str = "predict",
        loader_module: str | None = None,
        model_config: dict[str, Any] | None = None,
    ) -> None:
        if not hasattr(model_impl, predict_fn):
            raise WeirException(
                f"The loaded model of type {type(model_impl).__name__} has no {predict_fn}() method"
            )
        self._model_meta = model_meta
        self._model_impl = model_impl
        self._predict_fn = getattr(model_impl, predict_fn)
        self._predict_fn_name = predict_fn
        self.loader_module = loader_module
        self.model_config = model_config or {}
        try:
            self._passes_params = "params" in inspect.signature(self._predict_fn).parameters
        except (TypeError, ValueError):
            self._passes_params = False

    @property
    def metadata(self) -> Model:
        return self._model_meta

    @property
    def model_id(self) -> str | None:
        return getattr(self._model_meta, "model_id", None)

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """Check ``data`` and ``params`` against the signature, then run the model."""
        from weir.models.enforcement import enforce_schema, validate_params

        signature = self._model_meta.signature
        if signature is not None:
            data = enforce_schema(data, signature.inputs)
            params = validate_params(params, signature.params)
        elif params and not self._passes_params:
            warnings.warn("This model's predict takes no params; they are ignored", stacklevel=2)
            params = None
        if self._passes_params:
            return self._predict_fn(data, params=params)
        return self._predict_fn(data)

    def unwrap_python_model(self) -> Any:
        """The user's ``PythonModel`` instance behind a custom pyfunc model."""
        python_model = getattr(self._model_impl, "python_model", None)
        if python_model is None:
            raise WeirException("unwrap_python_model() only works for models saved with a python_model")
        return python_model

    def get_raw_model(self) -> Any:
        """The underlying framework object (the PythonModel for custom models)."""
        raw = getattr(self._model_impl, "get_raw_model", None)
        if callable(raw):
            return raw()
        return getattr(self._model_impl, "python_model", self._model_impl)

    def __repr__(self) -> str:
        flavor = self._model_meta.flavors.get(FLAVOR_NAME, {})
        lines = ["weir.pyfunc.loaded_model:"]
        if self._model_meta.artifact_path:
            lines.append(f"  artifact_path: {self._model_meta.artifact_path}")
        lines.append(f"  flavor: {flavor.get(MAIN)}")
        if self._model_meta.run_id:
            lines.append(f"  run_id: {self._model_meta.run_id}")
        return "\n".join(lines) + "\n"


def _pyfunc_conf(model: Model, source: str) -> dict[str, Any]:
    conf = model.flavors.get(FLAVOR_NAME)
    if conf is None:
        raise WeirException(
            f'{source} has no "{FLAVOR_NAME}" flavor (flavors: {sorted(model.flavors)}), so it cannot be '
            "loaded as a pyfunc model; use the load_model of its own flavor instead",
            "RESOURCE_DOES_NOT_EXIST",
        )
    if not conf.get(MAIN):
        raise WeirException.invalid_parameter_value(f'{source}: the "{FLAVOR_NAME}" flavor has no {MAIN}')
    return conf


def _add_code_to_path(local_path: str, conf: dict[str, Any]) -> None:
    """Put the model's ``code/`` dir (its code_paths) first on sys.path, as MLflow does."""
    code = conf.get(CODE)
    if not code:
        return
    code_dir = os.path.join(local_path, code)
    if os.path.isdir(code_dir) and code_dir not in sys.path:
        sys.path.insert(0, code_dir)


def load_model(
    model_uri: str | os.PathLike,
    suppress_warnings: bool = False,
    dst_path: str | os.PathLike | None = None,
    model_config: dict[str, Any] | str | None = None,
) -> PyFuncModel:
    """Load the model at ``model_uri`` (path, file:, runs:/, models:/) as a ``PyFuncModel``."""
    from weir.models.uri import download_model

    local_path = download_model(model_uri, dst_path=dst_path)
    if not os.path.isdir(local_path):
        local_path = os.path.dirname(local_path)
    mlmodel_file = os.path.join(local_path, MLMODEL_FILE_NAME)
    model_meta = Model.load(local_path)
    if (model_meta.metadata or {}).get("mlflow.model.isExternal"):
        raise WeirException(f"{mlmodel_file} describes an external model, which cannot be loaded")
    conf = _pyfunc_conf(model_meta, mlmodel_file)
    saved_python = conf.get(PY_VERSION)
    if (
        not suppress_warnings
        and saved_python
        and saved_python.split(".")[:2] != platform.python_version().split(".")[:2]
    ):
        warnings.warn(
            f"The model was saved with Python {saved_python}; this is Python {platform.python_version()}, "
            "which may not load it correctly",
            stacklevel=2,
        )
    if isinstance(model_config, (str, os.PathLike)):
        import yaml

        with open(model_config, encoding="utf-8") as f:
            model_config = yaml.safe_load(f) or {}
    config = {**(conf.get(MODEL_CONFIG) or {}), **(model_config or {})} or None
    _add_code_to_path(local_path, conf)
    data_path = os.path.join(local_path, conf[DATA]) if conf.get(DATA) else local_path
    try:
        module = import_loader_module(conf[MAIN])
    except WeirException as exc:
        raise WeirException(f"{mlmodel_file}: {exc.message}", exc.error_code) from exc
    impl = _call_loader(module, data_path, config)
    return PyFuncModel(
        model_meta,
        impl,
        predict_fn=conf.get("predict_fn") or "predict",
        loader_module=conf[MAIN],
        model_config=config,
    )


def get_model_dependencies(model_uri: str | os.PathLike, format: str = "pip") -> str:  # noqa: A002
    """Path of the model's requirements.txt (``format="pip"``) or conda.yaml (``"conda"``)."""
    from weir.models.environment import CONDA_ENV_FILE, REQUIREMENTS_FILE
    from weir.models.uri import download_model

    local_path = download_model(model_uri)
    if format not in ("pip", "conda"):
        raise WeirException.invalid_parameter_value(f"format must be 'pip' or 'conda', got {format!r}")
    model_meta = Model.load(local_path)
    env = (model_meta.flavors.get(FLAVOR_NAME) or {}).get(ENV)
    if format == "conda":
        name = env.get("conda") if isinstance(env, dict) else (env or CONDA_ENV_FILE)
    else:
        name = REQUIREMENTS_FILE
    path = os.path.join(local_path, name)
    if not os.path.exists(path):
        raise WeirException(f"The model at {model_uri!r} has no {name}", "RESOURCE_DOES_NOT_EXIST")
    return path
