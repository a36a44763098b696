"""The ``sklearn`` model flavor: save, log and load scikit-learn estimators in MLflow's format.

    weir.sklearn.save_model(model, "model_dir", signature=sig, input_example=X[:5])
    info = weir.sklearn.log_model(model, artifact_path="model")
    same = weir.sklearn.load_model(info.model_uri)
    pyfunc = weir.pyfunc.load_model("model_dir")      # predict (or pyfunc_predict_fn)

The MLmodel file carries MLflow's keys (``pickled_model``, ``sklearn_version``,
``serialization_format``, ``code``, ``skops_trusted_types``; pyfunc ``loader_module:
mlflow.sklearn``, ``model_path``, ``predict_fn``), so MLflow loads weir's models and weir loads
MLflow's. sklearn is imported only inside these functions.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from weir.exceptions import WeirException

from weir_sklearn import _serialization as ser

FLAVOR_NAME = "sklearn"
# MLflow's loader module: MLflow resolves it natively, weir maps it to this plugin.
PYFUNC_LOADER_MODULE = "mlflow.sklearn"
PYFUNC_PREDICT_FNS: tuple[str, ...] = (
    "predict",
    "predict_proba",
    "predict_log_proba",
    "predict_joint_log_proba",
    "score",
)
_INVALID = "INVALID_PARAMETER_VALUE"


def get_default_pip_requirements(serialization_format: str = ser.CLOUDPICKLE) -> list[str]:
    """weir and scikit-learn pinned to the installed versions, plus the serializer's package."""
    from weir.models.environment import default_requirements

    packages = ["scikit-learn"]
    if serialization_format == ser.CLOUDPICKLE:
        packages.append("cloudpickle")
    elif serialization_format == ser.SKOPS:
        packages.append("skops")
    return default_requirements(packages)


def get_default_conda_env(serialization_format: str = ser.CLOUDPICKLE) -> dict[str, Any]:
    """The conda environment written to ``conda.yaml`` by default."""
    from weir.models.environment import resolve_requirements

    return resolve_requirements(get_default_pip_requirements(serialization_format))[0]


def _copy_code_paths(code_paths: list[str] | None, model_dir: Path) -> str | None:
    """Copy user code into ``<model>/code`` (prepended to sys.path at load); return ``"code"``."""
    if not code_paths:
        return None
    if isinstance(code_paths, (str, os.PathLike)):
        raise WeirException("code_paths must be a list of paths, not a single path", _INVALID)
    target = model_dir / "code"
    target.mkdir()
    for source in map(Path, code_paths):
        if source.is_dir():
            shutil.copytree(source, target / source.name)
        elif source.is_file():
            shutil.copy2(source, target / source.name)
        else:
            raise WeirException(f"code path {str(source)!r} does not exist", _INVALID)
    return "code"


def _infer_signature(sk_model: Any, example: Any, predict_fn: str) -> Any:
    from weir.models.signature import infer_signature
    from weir.plugins.safety import warn

    try:
        return infer_signature(example, getattr(sk_model, predict_fn)(example))
    except Exception as exc:  # the model is still saved, only without a signature
        warn(FLAVOR_NAME, f"could not infer a signature from the input example: {type(exc).__name__}: {exc}")
        return None


def save_model(
    sk_model: Any,
    path: str | os.PathLike,
    conda_env: dict[str, Any] | str | None = None,
    code_paths: list[str] | None = None,
    mlflow_model: Any = None,
    serialization_format: str = ser.CLOUDPICKLE,
    signature: Any = None,
    input_example: Any = None,
    pip_requirements: list[str] | str | None = None,
    extra_pip_requirements: list[str] | str | None = None,
    pyfunc_predict_fn: str = "predict",
    metadata: dict[str, Any] | None = None,
    skops_trusted_types: list[str] | None = None,
) -> None:
    """Save ``sk_model`` as an MLflow model directory at ``path`` (which must not exist yet).

    ``serialization_format`` is ``cloudpickle`` (default), ``pickle`` or ``skops``. With skops the
    types the model needs are recorded as trusted (or ``skops_trusted_types`` when given, which
    must cover them). ``pyfunc_predict_fn`` picks the method the pyfunc wrapper calls.
    """
    import sklearn
    from weir.models import Model, environment
    from weir.models.input_example import save_input_example
    from weir.pyfunc import add_to_model

    ser.check_format(serialization_format)
    if pyfunc_predict_fn not in PYFUNC_PREDICT_FNS:
        raise WeirException(
            f"pyfunc_predict_fn must be one of {', '.join(PYFUNC_PREDICT_FNS)}, got {pyfunc_predict_fn!r}",
            _INVALID,
        )
    # A transformer without predict can still be saved (as MLflow allows); a chosen method must exist.
    if pyfunc_predict_fn != "predict" and not callable(getattr(sk_model, pyfunc_predict_fn, None)):
        raise WeirException(
            f"{type(sk_model).__name__} has no method {pyfunc_predict_fn!r} (pyfunc_predict_fn)", _INVALID
        )
    path = Path(path).absolute()
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise WeirException(f"Path {str(path)!r} already exists and is not empty", "RESOURCE_ALREADY_EXISTS")
    path.mkdir(parents=True, exist_ok=True)
    try:
        model = mlflow_model if mlflow_model is not None else Model()
        if metadata is not None:
            model.metadata = metadata
        example = save_input_example(model, input_example, str(path)) if input_example is not None else None
        # MLflow's rule: no signature given + an example = infer one; signature=False = none at all.
        if signature is None and example is not None:
            signature = _infer_signature(sk_model, example, pyfunc_predict_fn)
        if signature is not None and signature is not False:
            model.signature = signature
        code_dir = _copy_code_paths(code_paths, path)
        file_name, trusted = ser.dump_estimator(sk_model, path, serialization_format, skops_trusted_types)
        env = environment.write_environment_files(
            str(path),
            default_pip_requirements=get_default_pip_requirements(serialization_format),
            conda_env=conda_env,
            pip_requirements=pip_requirements,
            extra_pip_requirements=extra_pip_requirements,
        )
        add_to_model(
            model,
            loader_module=PYFUNC_LOADER_MODULE,
            model_path=file_name,
            predict_fn=pyfunc_predict_fn,
            code=code_dir,
            env=env,
        )
        model.add_flavor(
            FLAVOR_NAME,
            pickled_model=file_name,
            sklearn_version=sklearn.__version__,
            serialization_format=serialization_format,
            code=code_dir,
            skops_trusted_types=trusted,
        )
        model.save(str(path / "MLmodel"))
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)  # never leave a half-written model behind
        raise


def log_model(
    sk_model: Any,
    artifact_path: str | None = None,
    conda_env: dict[str, Any] | str | None = None,
    code_paths: list[str] | None = None,
    serialization_format: str = ser.CLOUDPICKLE,
    registered_model_name: str | None = None,
    signature: Any = None,
    input_example: Any = None,
    await_registration_for: int = 300,
    pip_requirements: list[str] | str | None = None,
    extra_pip_requirements: list[str] | str | None = None,
    pyfunc_predict_fn: str = "predict",
    metadata: dict[str, Any] | None = None,
    name: str | None = None,
    skops_trusted_types: list[str] | None = None,
) -> Any:
    """Log ``sk_model`` to the active run (``name`` or the older ``artifact_path``); see ``save_model``.

    Returns the ``ModelInfo`` of the logged model; ``registered_model_name`` also registers it.
    """
    import sys

    from weir.models import Model

    return Model.log(
        artifact_path=artifact_path,
        name=name,
        flavor=sys.modules[__name__],
        registered_model_name=registered_model_name,
        await_registration_for=await_registration_for,
        metadata=metadata,
        sk_model=sk_model,
        conda_env=conda_env,
        code_paths=code_paths,
        serialization_format=serialization_format,
        signature=signature,
        input_example=input_example,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        pyfunc_predict_fn=pyfunc_predict_fn,
        skops_trusted_types=skops_trusted_types,
    )


def _flavor_conf(model_dir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    from weir.models import Model

    model = Model.load(str(model_dir))
    return model.flavors.get(FLAVOR_NAME) or {}, model.flavors.get("python_function") or {}


def _load_from_dir(model_dir: Path, skops_trusted_types: list[str] | None = None) -> Any:
    sk_conf, py_conf = _flavor_conf(model_dir)
    # MLflow's rule: a model without the key was written by pickle.
    serialization_format = sk_conf.get("serialization_format", ser.PICKLE)
    relative = sk_conf.get("pickled_model") or py_conf.get("model_path") or py_conf.get("data")
    if not relative:
        raise WeirException(
            f"The MLmodel in {str(model_dir)!r} names no sklearn model file (pickled_model)",
            "RESOURCE_DOES_NOT_EXIST",
        )
    model_file = ser.resolve_model_file(model_dir, relative)
    trusted = skops_trusted_types if skops_trusted_types is not None else sk_conf.get("skops_trusted_types")
    return ser.load_estimator(model_file, serialization_format, trusted)


def load_model(
    model_uri: str, dst_path: str | None = None, skops_trusted_types: list[str] | None = None
) -> Any:
    """Load the scikit-learn estimator saved at ``model_uri`` (path, ``file:``, ``runs:/``, ``models:/``).

    skops models load the types trusted at save time, or ``skops_trusted_types`` when given.
    """
    from weir.models.uri import download_model

    local = Path(download_model(model_uri, dst_path=dst_path))
    model_dir = local.parent if local.is_file() else local
    return _load_from_dir(model_dir, skops_trusted_types)


class SklearnPyfuncModel:
    """What ``weir.pyfunc.load_model`` wraps: calls the configured predict function."""

    def __init__(self, sk_model: Any, predict_fn: str = "predict") -> None:
        self.sklearn_model = sk_model
        self.predict_fn = predict_fn
        for name in PYFUNC_PREDICT_FNS[1:]:
            method = getattr(sk_model, name, None)
            if callable(method):
                setattr(self, name, method)

    def get_raw_model(self) -> Any:
        return self.sklearn_model

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        return getattr(self.sklearn_model, self.predict_fn)(data)


def _load_pyfunc(path: str, model_config: dict[str, Any] | None = None) -> SklearnPyfuncModel:
    """pyfunc loader entry (``loader_module``): ``path`` is the model dir or the model file."""
    target = Path(path)
    model_dir = target.parent if target.is_file() else target
    _, py_conf = _flavor_conf(model_dir)
    return SklearnPyfuncModel(_load_from_dir(model_dir), py_conf.get("predict_fn", "predict"))


__all__ = [
    "FLAVOR_NAME",
    "SklearnPyfuncModel",
    "get_default_conda_env",
    "get_default_pip_requirements",
    "load_model",
    "log_model",
    "save_model",
]
