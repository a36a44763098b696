"""The ``xgboost`` model flavor: save, log and load XGBoost models in MLflow's format.

    weir.xgboost.save_model(booster, "model_dir")               # model.ubj, XGBoost's own format
    weir.xgboost.save_model(XGBClassifier().fit(X, y), "clf", model_format="json")
    weir.xgboost.load_model("model_dir")                       # the same class back
    weir.pyfunc.load_model("model_dir").predict(frame_or_array)

MLmodel keys are MLflow's (``data``, ``model_class``, ``model_format``, ``xgb_version``, ``code``;
pyfunc ``loader_module: mlflow.xgboost``, ``data``), so MLflow loads weir's models and weir loads
MLflow's. Models are written with XGBoost's ``save_model``: no pickle. xgboost is imported only
inside these functions.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

from weir.exceptions import WeirException

FLAVOR_NAME = "xgboost"
PYFUNC_LOADER_MODULE = "mlflow.xgboost"
MODEL_FORMATS: tuple[str, ...] = ("ubj", "json", "xgb")
DEFAULT_MODEL_FORMAT = "ubj"
DEFAULT_MODEL_CLASS = "xgboost.core.Booster"


def _framework_distribution() -> str:
    """``xgboost`` or ``xgboost-cpu``, whichever is installed (for the model's requirements)."""
    from weir.plugins.versions import installed_version

    if installed_version("xgboost") is None and installed_version("xgboost-cpu") is not None:
        return "xgboost-cpu"
    return "xgboost"


def get_default_pip_requirements() -> list[str]:
    """weir and xgboost pinned to the installed versions."""
    from weir.models.environment import default_requirements

    return default_requirements([_framework_distribution()])


def get_default_conda_env() -> dict[str, Any]:
    """The conda environment written to ``conda.yaml`` by default."""
    from weir.models.environment import resolve_requirements

    return resolve_requirements(get_default_pip_requirements())[0]


def check_model_format(model_format: str) -> str:
    """Return the format if XGBoost can write it, else raise naming the valid ones."""
    if model_format not in MODEL_FORMATS:
        raise WeirException.invalid_parameter_value(
            f"Unsupported XGBoost model_format {model_format!r}; use one of {', '.join(MODEL_FORMATS)}"
        )
    return model_format


def _class_path(model: Any) -> str:
    cls = type(model)
    return f"{cls.__module__}.{cls.__qualname__}"


def _check_model(xgb_model: Any) -> None:
    import xgboost

    if not isinstance(xgb_model, (xgboost.Booster, xgboost.XGBModel)):
        raise WeirException.invalid_parameter_value(
            f"weir.xgboost saves an xgboost.Booster or a scikit-learn API model (XGBModel), "
            f"got {type(xgb_model).__name__}"
        )


def save_model(
    xgb_model: Any,
    path: str | os.PathLike,
    conda_env: dict[str, Any] | str | None = None,
    code_paths: list[str] | None = None,
    mlflow_model: Any = None,
    signature: Any = None,
    input_example: Any = None,
    pip_requirements: list[str] | str | None = None,
    extra_pip_requirements: list[str] | str | None = None,
    model_format: str = DEFAULT_MODEL_FORMAT,
    metadata: dict[str, Any] | None = None,
) -> None:
    """Save an XGBoost ``Booster`` or scikit-learn API model as an MLflow model directory at ``path``.

    ``model_format`` is ``ubj`` (default, binary JSON), ``json`` or ``xgb`` (deprecated in XGBoost);
    ``path`` must not exist yet (or be empty).
    """
    import xgboost
    from weir.models import Model
    from weir.models.saving import (
        copy_code_paths,
        finish_model,
        new_model_directory,
        save_example_and_signature,
    )

    check_model_format(model_format)
    _check_model(xgb_model)
    with new_model_directory(path) as model_dir:
        model = mlflow_model if mlflow_model is not None else Model()
        save_example_and_signature(
            model, model_dir, input_example, signature, XGBoostPyfuncModel(xgb_model).predict, FLAVOR_NAME
        )
        code = copy_code_paths(code_paths, model_dir)
        data = f"model.{model_format}"
        xgb_model.save_model(str(model_dir / data))
        finish_model(
            model,
            model_dir,
            flavor=FLAVOR_NAME,
            flavor_conf={
                "xgb_version": xgboost.__version__,
                "data": data,
                "model_class": _class_path(xgb_model),
                "model_format": model_format,
            },
            loader_module=PYFUNC_LOADER_MODULE,
            data=data,
            code=code,
            default_pip_requirements=get_default_pip_requirements(),
            conda_env=conda_env,
            pip_requirements=pip_requirements,
            extra_pip_requirements=extra_pip_requirements,
            metadata=metadata,
        )


def log_model(
    xgb_model: Any,
    artifact_path: str | None = None,
    conda_env: dict[str, Any] | str | None = None,
    code_paths: list[str] | None = None,
    registered_model_name: str | None = None,
    signature: Any = None,
    input_example: Any = None,
    await_registration_for: int = 300,
    pip_requirements: list[str] | str | None = None,
    extra_pip_requirements: list[str] | str | None = None,
    model_format: str = DEFAULT_MODEL_FORMAT,
    metadata: dict[str, Any] | None = None,
    name: str | None = None,
) -> Any:
    """Log ``xgb_model`` to the active run (``name`` or the older ``artifact_path``); see ``save_model``.

    Returns the ``ModelInfo``; ``registered_model_name`` also registers it.
    """
    from weir.models import Model

    return Model.log(
        artifact_path=artifact_path,
        name=name,
        flavor=sys.modules[__name__],
        registered_model_name=registered_model_name,
        await_registration_for=await_registration_for,
        metadata=metadata,
        xgb_model=xgb_model,
        conda_env=conda_env,
        code_paths=code_paths,
        signature=signature,
        input_example=input_example,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        model_format=model_format,
    )


def _model_class(class_path: str) -> type:
    """Import the class an MLmodel names, refusing anything that is not an XGBoost model class."""
    import xgboost

    module_name, _, class_name = class_path.rpartition(".")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise WeirException(
            f"Cannot import the XGBoost model class {class_path!r} named in the MLmodel: {exc}",
            "RESOURCE_DOES_NOT_EXIST",
        ) from exc
    if not (isinstance(cls, type) and issubclass(cls, (xgboost.Booster, xgboost.XGBModel))):
        raise WeirException.invalid_parameter_value(
            f"The MLmodel names {class_path!r} as model_class, which is not an XGBoost model class"
        )
    return cls


def _load_from_dir(model_dir: Path) -> Any:
    from weir.models.saving import model_file, read_flavor

    conf = read_flavor(model_dir, FLAVOR_NAME)
    data = conf.get("data") or f"model.{conf.get('model_format', DEFAULT_MODEL_FORMAT)}"
    model = _model_class(conf.get("model_class", DEFAULT_MODEL_CLASS))()
    model.load_model(str(model_file(model_dir, data)))
    return model


def load_model(model_uri: str, dst_path: str | None = None) -> Any:
    """Load the XGBoost model at ``model_uri`` (path, ``file:``, ``runs:/``, ``models:/``) as the
    class it was saved as (``Booster``, ``XGBClassifier``...)."""
    from weir.models.uri import download_model

    local = Path(download_model(model_uri, dst_path=dst_path))
    return _load_from_dir(local.parent if local.is_file() else local)


class XGBoostPyfuncModel:
    """What ``weir.pyfunc.load_model`` wraps: ``predict`` on a DataFrame, ndarray or DMatrix.

    A Booster gets a DMatrix built from the input (an ndarray takes the Booster's feature names);
    a scikit-learn API model gets the input as is. ``params`` are passed to ``predict``.
    """

    def __init__(self, xgb_model: Any) -> None:
        self.xgb_model = xgb_model

    def get_raw_model(self) -> Any:
        return self.xgb_model

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        import xgboost

        params = params or {}
        model = self.xgb_model
        if not isinstance(model, xgboost.Booster):
            return model.predict(data, **params)
        if not isinstance(data, xgboost.DMatrix):
            names = model.feature_names if type(data).__module__.startswith("numpy") else None
            data = xgboost.DMatrix(data, feature_names=names)
        return model.predict(data, **params)


def _load_pyfunc(path: str, model_config: dict[str, Any] | None = None) -> XGBoostPyfuncModel:
    """pyfunc loader entry (``loader_module``): ``path`` is the model file or the model dir."""
    target = Path(path)
    return XGBoostPyfuncModel(_load_from_dir(target.parent if target.is_file() else target))


__all__ = [
    "FLAVOR_NAME",
    "MODEL_FORMATS",
    "XGBoostPyfuncModel",
    "get_default_conda_env",
    "get_default_pip_requirements",
    "load_model",
    "log_model",
    "save_model",
]
