"""Custom Python models: subclass ``PythonModel``, save or log it, load it back anywhere.

    class AddN(weir.pyfunc.PythonModel):
        def load_context(self, context):
            self.n = int(open(context.artifacts["n"]).read())

        def predict(self, context, model_input, params=None):
            return model_input + self.n

    weir.pyfunc.save_model("add_n", python_model=AddN(), artifacts={"n": "n.txt"})
    weir.pyfunc.load_model("add_n").predict(df)

The instance is pickled with cloudpickle into ``python_model.pkl``; artifacts are copied under
``artifacts/`` and their local paths handed to ``load_context``; ``code_paths`` are copied under
``code/`` and put on ``sys.path`` at load. ``python_model`` may also be the path of a script that
calls ``weir.models.set_model(obj)`` (models from code): then nothing is pickled.
This module is also the ``loader_module`` written into the MLmodel (``_load_pyfunc``).
"""

from __future__ import annotations

import inspect
import os
import shutil
import warnings
from typing import Any

from weir.exceptions import WeirException
from weir.models.model import MLMODEL_FILE_NAME, Model, ModelInfo
from weir.pyfunc.loader import FLAVOR_NAME, add_to_model

__all__ = ["PythonModel", "PythonModelContext", "log_model", "save_model"]

LOADER_MODULE = "weir.pyfunc.model"
PYTHON_MODEL_FILE = "python_model.pkl"
ARTIFACTS_DIR = "artifacts"
CODE_DIR = "code"
CONFIG_KEY_PYTHON_MODEL = "python_model"
CONFIG_KEY_ARTIFACTS = "artifacts"
CONFIG_KEY_CLOUDPICKLE_VERSION = "cloudpickle_version"
MODEL_CODE_PATH = "model_code_path"


class PythonModel:
    """Base class for custom models: override ``predict`` and optionally ``load_context``.

    ``predict`` may be written ``predict(self, context, model_input, params=None)`` (MLflow 2) or
    ``predict(self, model_input, params=None)`` (MLflow 3); weir inspects which one you wrote.
    """

    def load_context(self, context: PythonModelContext) -> None:
        """Called once at load time, with the artifacts' local paths and the model config."""

    def predict(
        self, context: PythonModelContext, model_input: Any, params: dict[str, Any] | None = None
    ) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement predict()")


class PythonModelContext:
    """What ``load_context`` and ``predict`` receive: ``artifacts`` (name -> local path), ``model_config``."""

    def __init__(
        self, artifacts: dict[str, str] | None = None, model_config: dict[str, Any] | None = None
    ) -> None:
        self._artifacts = dict(artifacts or {})
        self._model_config = dict(model_config or {})

    @property
    def artifacts(self) -> dict[str, str]:
        return self._artifacts

    @property
    def model_config(self) -> dict[str, Any]:
        return self._model_config

    def __repr__(self) -> str:
        return f"PythonModelContext(artifacts={self._artifacts!r}, model_config={self._model_config!r})"


class _FunctionPythonModel(PythonModel):
    """A plain function ``f(model_input)`` used as a model."""

    def __init__(self, func: Any) -> None:
        self.func = func

    def predict(self, model_input: Any, params: dict[str, Any] | None = None) -> Any:
        if params and "params" in _parameters(self.func):
            return self.func(model_input, params=params)
        return self.func(model_input)


def _parameters(func: Any) -> dict[str, inspect.Parameter]:
    try:
        return dict(inspect.signature(func).parameters)
    except (TypeError, ValueError):
        return {}


class _PythonModelWrapper:
    """Adapts a PythonModel to the pyfunc ``predict(data, params=None)`` contract."""

    def __init__(self, python_model: Any, context: PythonModelContext, signature: Any = None) -> None:
        self.python_model = python_model
        self.context = context
        self.signature = signature
        parameters = _parameters(python_model.predict)
        self._wants_context = "context" in parameters or (
            # predict(self, ctx, data) written with other names: three positional parameters
            len([p for p in parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)])
            >= 3
        )
        self._takes_params = "params" in parameters or any(
            p.kind is p.VAR_KEYWORD for p in parameters.values()
        )

    def predict(self, model_input: Any, params: dict[str, Any] | None = None) -> Any:
        args = (self.context, model_input) if self._wants_context else (model_input,)
        if self._takes_params:
            return self.python_model.predict(*args, params=params)
        return self.python_model.predict(*args)

    def get_raw_model(self) -> Any:
        return self.python_model


# --- saving ------------------------------------------------------------------------------------


def _prepare_dir(path: str) -> None:
    if os.path.exists(path) and (not os.path.isdir(path) or os.listdir(path)):
        raise WeirException(f"Path '{path}' already exists and is not empty", "RESOURCE_ALREADY_EXISTS")
    os.makedirs(path, exist_ok=True)


def _copy_code_paths(code_paths: list[str] | None, path: str) -> str | None:
    if not code_paths:
        return None
    if isinstance(code_paths, (str, os.PathLike)):
        raise WeirException.invalid_parameter_value("code_paths must be a list of paths, not a single string")
    target = os.path.join(path, CODE_DIR)
    os.makedirs(target, exist_ok=True)
    for code_path in code_paths:
        source = os.fspath(code_path)
        if not os.path.exists(source):
            raise WeirException.invalid_parameter_value(f"code path {source!r} does not exist")
        destination = os.path.join(target, os.path.basename(os.path.normpath(source)))
        if os.path.isdir(source):
            shutil.copytree(
                source, destination, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, destination)
    return CODE_DIR


def _copy_artifacts(artifacts: dict[str, str] | None, path: str) -> dict[str, dict[str, str]]:
    if not artifacts:
        return {}
    if not isinstance(artifacts, dict):
        raise WeirException.invalid_parameter_value("artifacts must be a dict of name -> path or URI")
    from weir.models.uri import download_model

    target_root = os.path.join(path, ARTIFACTS_DIR)
    os.makedirs(target_root, exist_ok=True)
    saved: dict[str, dict[str, str]] = {}
    for name, uri in artifacts.items():
        uri = os.fspath(uri)
        try:
            local = download_model(uri, dst_path=target_root)
        except WeirException as exc:
            raise WeirException.invalid_parameter_value(
                f"Artifact {name!r} at {uri!r} could not be copied: {exc.message}"
            ) from None
        relative = os.path.relpath(local, path).replace(os.sep, "/")
        saved[name] = {"path": relative, "uri": uri}
    return saved


def _infer_signature_from_example(path: str, example: Any, model_config: dict[str, Any] | None) -> Any:
    from weir.models.signature import ModelSignature, infer_signature

    signature = infer_signature(example)
    try:
        impl = _load_pyfunc(path, model_config)
        output = impl.predict(example)
        if output is not None:
            signature = ModelSignature(signature.inputs, infer_signature(output).inputs, signature.params)
    except Exception as exc:  # an example the model cannot score still documents the input
        warnings.warn(
            f"Could not infer the model's output schema from the input example: {exc}", stacklevel=3
        )
    return signature


def save_model(
    path: str | os.PathLike,
    loader_module: str | None = None,
    data_path: str | os.PathLike | None = None,
    code_paths: list[str] | None = None,
    infer_code_paths: bool = False,
    conda_env: dict[str, Any] | str | None = None,
    mlflow_model: Model | None = None,
    python_model: Any = None,
    artifacts: dict[str, str] | None = None,
    signature: Any = None,
    input_example: Any = None,
    pip_requirements: list[str] | str | None = None,
    extra_pip_requirements: list[str] | str | None = None,
    metadata: dict[str, Any] | None = None,
    model_config: dict[str, Any] | str | None = None,
    **kwargs: Any,
) -> None:
    """Save a custom pyfunc model to a local directory.

    Either ``python_model`` (a PythonModel, a function, or the path of a models-from-code script)
    with optional ``artifacts``, or ``loader_module`` with optional ``data_path``.
    """
    from weir.models.environment import default_requirements, write_environment_files
    from weir.models.input_example import save_input_example

    if (python_model is None) == (loader_module is None):
        raise WeirException.invalid_parameter_value(
            "Give exactly one of python_model (a PythonModel, a function or a code file path) and loader_module"
        )
    if loader_module is not None and artifacts:
        raise WeirException.invalid_parameter_value("artifacts can only be used with python_model")
    path = os.path.abspath(os.fspath(path))
    _prepare_dir(path)
    model = mlflow_model if mlflow_model is not None else Model()
    if metadata is not None:
        model.metadata = metadata
    if isinstance(model_config, (str, os.PathLike)):
        import yaml

        with open(model_config, encoding="utf-8") as f:
            model_config = yaml.safe_load(f) or {}
    try:
        code = _copy_code_paths(code_paths, path)
        flavor: dict[str, Any] = {}
        packages: list[str] = []
        if loader_module is not None:
            if data_path is not None:
                source = os.fspath(data_path)
                if not os.path.exists(source):
                    raise WeirException.invalid_parameter_value(f"data_path {source!r} does not exist")
                name = os.path.basename(os.path.normpath(source))
                (shutil.copytree if os.path.isdir(source) else shutil.copy2)(source, os.path.join(path, name))
                flavor["data"] = name
            module = loader_module
        else:
            module = LOADER_MODULE
            if isinstance(python_model, (str, os.PathLike)):
                flavor[MODEL_CODE_PATH] = _save_model_code(os.fspath(python_model), path, model_config)
            else:
                import cloudpickle

                if not (hasattr(python_model, "predict") or callable(python_model)):
                    raise WeirException.invalid_parameter_value(
                        "python_model must be a PythonModel, a callable or a .py path, "
                        f"got {type(python_model).__name__}"
                    )
                with open(os.path.join(path, PYTHON_MODEL_FILE), "wb") as f:
                    cloudpickle.dump(python_model, f)
                flavor[CONFIG_KEY_PYTHON_MODEL] = PYTHON_MODEL_FILE
                flavor[CONFIG_KEY_CLOUDPICKLE_VERSION] = cloudpickle.__version__
                packages.append("cloudpickle")
            saved_artifacts = _copy_artifacts(artifacts, path)
            if saved_artifacts:
                flavor[CONFIG_KEY_ARTIFACTS] = saved_artifacts
        env = write_environment_files(
            path,
            default_requirements(packages),
            pip_requirements=pip_requirements,
            extra_pip_requirements=extra_pip_requirements,
            conda_env=conda_env,
        )
        add_to_model(
            model,
            loader_module=module,
            code=code,
            model_config=model_config or None,
            env=env,
            **flavor,
            **kwargs,
        )
        example = save_input_example(model, input_example, path)
        if signature is None and example is not None and python_model is not None:
            model.save(os.path.join(path, MLMODEL_FILE_NAME))  # the loader reads it
            model.model_size_bytes = None
            signature = _infer_signature_from_example(path, example, model_config)
        model.signature = signature
        model.save(os.path.join(path, MLMODEL_FILE_NAME))
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise


def _save_model_code(code_path: str, path: str, model_config: dict[str, Any] | None) -> str:
    from weir.models.from_code import load_model_from_code

    if not code_path.endswith(".py") or not os.path.isfile(code_path):
        raise WeirException.invalid_parameter_value(
            f"python_model given as a path must be an existing .py file that calls set_model(); got {code_path!r}"
        )
    load_model_from_code(code_path, model_config)  # fail now, not at load, if it does not set a model
    name = os.path.basename(code_path)
    shutil.copy2(code_path, os.path.join(path, name))
    return name


def log_model(
    artifact_path: str | None = None,
    loader_module: str | None = None,
    data_path: str | None = None,
    code_paths: list[str] | None = None,
    conda_env: dict[str, Any] | str | None = None,
    python_model: Any = None,
    artifacts: dict[str, str] | None = None,
    registered_model_name: str | None = None,
    signature: Any = None,
    input_example: Any = None,
    await_registration_for: int = 300,
    pip_requirements: list[str] | str | None = None,
    extra_pip_requirements: list[str] | str | None = None,
    metadata: dict[str, Any] | None = None,
    model_config: dict[str, Any] | str | None = None,
    name: str | None = None,
    **kwargs: Any,
) -> ModelInfo:
    """Save a custom pyfunc model into the active run (one is started if needed); returns ModelInfo."""
    import weir.pyfunc.model as flavor

    return Model.log(
        artifact_path=artifact_path,
        name=name,
        flavor=flavor,
        registered_model_name=registered_model_name,
        await_registration_for=await_registration_for,
        metadata=metadata,
        loader_module=loader_module,
        data_path=data_path,
        code_paths=code_paths,
        conda_env=conda_env,
        python_model=python_model,
        artifacts=artifacts,
        signature=signature,
        input_example=input_example,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        model_config=model_config,
        **kwargs,
    )


# --- loading -----------------------------------------------------------------------------------


def _load_python_model(model_path: str, conf: dict[str, Any], model_config: dict[str, Any] | None) -> Any:
    if conf.get(MODEL_CODE_PATH):
        from weir.models.from_code import load_model_from_code

        return load_model_from_code(
            os.path.join(model_path, os.path.basename(conf[MODEL_CODE_PATH])), model_config
        )
    file = conf.get(CONFIG_KEY_PYTHON_MODEL)
    if not file:
        raise WeirException(
            f"{os.path.join(model_path, MLMODEL_FILE_NAME)}: the python_function flavor names no python_model"
        )
    import cloudpickle

    saved_version = conf.get(CONFIG_KEY_CLOUDPICKLE_VERSION)
    if saved_version and saved_version != cloudpickle.__version__:
        warnings.warn(
            f"The model was pickled with cloudpickle {saved_version}; this is {cloudpickle.__version__}, which may not read it",
            stacklevel=3,
        )
    with open(os.path.join(model_path, file), "rb") as f:
        return cloudpickle.load(f)


def _load_pyfunc(model_path: str, model_config: dict[str, Any] | None = None) -> _PythonModelWrapper:
    """The pyfunc entry point named by ``loader_module: weir.pyfunc.model`` (and ``mlflow.pyfunc.model``)."""
    if os.path.isfile(model_path):
        model_path = os.path.dirname(model_path)
    meta = Model.load(model_path)
    conf = meta.flavors.get(FLAVOR_NAME) or {}
    python_model = _load_python_model(model_path, conf, model_config)
    if not hasattr(python_model, "predict") and callable(python_model):
        python_model = _FunctionPythonModel(python_model)
    artifacts = {
        name: os.path.join(model_path, info["path"] if isinstance(info, dict) else info)
        for name, info in (conf.get(CONFIG_KEY_ARTIFACTS) or {}).items()
    }
    config = {**(conf.get("config") or {}), **(model_config or {})}
    context = PythonModelContext(artifacts=artifacts, model_config=config)
    load_context = getattr(python_model, "load_context", None)
    if callable(load_context):
        load_context(context)
    return _PythonModelWrapper(python_model, context, meta.signature)
