"""The ``lightgbm`` model flavor: save, log and load LightGBM models in MLflow's format.

    weir.lightgbm.save_model(booster, "model_dir")                 # model.lgb, LightGBM's text format
    weir.lightgbm.save_model(LGBMClassifier().fit(X, y), "clf")    # model.pkl (cloudpickle)
    weir.lightgbm.load_model("model_dir")                          # the same class back
    weir.pyfunc.load_model("model_dir").predict(frame_or_array)

MLmodel keys are MLflow's (``data``, ``model_class``, ``lgb_version``, ``serialization_format``,
``skops_trusted_types``, ``code``; pyfunc ``loader_module: mlflow.lightgbm``, ``data``), so MLflow
loads weir's models and weir loads MLflow's, including the ``model.skops`` files MLflow 3.17 writes
for scikit-learn API models. lightgbm is imported only inside these functions.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from weir.exceptions import WeirException

from weir_lightgbm import _serialization as ser

FLAVOR_NAME = "lightgbm"
PYFUNC_LOADER_MODULE = "mlflow.lightgbm"
DEFAULT_SERIALIZATION_FORMAT = ser.CLOUDPICKLE


def get_default_pip_requirements(include_cloudpickle: bool = False, include_skops: bool = False) -> list[str]:
    """weir and lightgbm pinned to the installed versions, plus the serializer a model needs."""
    from weir.models.environment import default_requirements

    packages = ["lightgbm"]
    if include_cloudpickle:
        packages.append("cloudpickle")
    if include_skops:
        packages.append("skops")
    return default_requirements(packages)


def get_default_conda_env(include_cloudpickle: bool = False, include_skops: bool = False) -> dict[str, Any]:
    """The conda environment written to ``conda.yaml`` by default."""
    from weir.models.environment import resolve_requirements

    return resolve_requirements(get_default_pip_requirements(include_cloudpickle, include_skops))[0]


def _class_path(model: Any) -> str:
    cls = type(model)
    return f"{cls.__module__}.{cls.__qualname__}"


def save_model(
    lgb_model: Any,
    path: str | os.PathLike,
    conda_env: dict[str, Any] | str | None = None,
    code_paths: list[str] | None = None,
    mlflow_model: Any = None,
    signature: Any = None,
    input_example: Any = None,
    pip_requirements: list[str] | str | None = None,
    extra_pip_requirements: list[str] | str | None = None,
    metadata: dict[str, Any] | None = None,
    serialization_format: str = DEFAULT_SERIALIZATION_FORMAT,
    skops_trusted_types: list[str] | None = None,
) -> None:
    """Save a LightGBM ``Booster`` or scikit-learn API model as an MLflow model directory at ``path``.

    A Booster is written in LightGBM's text format (``model.lgb``); an ``LGBMModel`` with
    ``serialization_format`` ``cloudpickle`` (default), ``pickle`` or ``skops``.
    """
    import lightgbm
    from weir.models import Model
    from weir.models.saving import (
        copy_code_paths,
        finish_model,
        new_model_directory,
        save_example_and_signature,
    )

    ser.check_format(serialization_format)
    is_booster = isinstance(lgb_model, lightgbm.Booster)
    if not is_booster and not isinstance(lgb_model, lightgbm.LGBMModel):
        raise WeirException.invalid_parameter_value(
            f"weir.lightgbm saves a lightgbm.Booster or a scikit-learn API model (LGBMModel), "
            f"got {type(lgb_model).__name__}"
        )
    with new_model_directory(path) as model_dir:
        model = mlflow_model if mlflow_model is not None else Model()
        save_example_and_signature(model, model_dir, input_example, signature, lgb_model.predict, FLAVOR_NAME)
        code = copy_code_paths(code_paths, model_dir)
        data = ser.file_name(is_booster, serialization_format)
        trusted = None
        if is_booster:
            lgb_model.save_model(str(model_dir / data))
        else:
            trusted = ser.write_estimator(
                lgb_model, model_dir / data, serialization_format, skops_trusted_types
            )
        finish_model(
            model,
            model_dir,
            flavor=FLAVOR_NAME,
            flavor_conf={
                "lgb_version": lightgbm.__version__,
                "data": data,
                "model_class": _class_path(lgb_model),
                "serialization_format": serialization_format,
                "skops_trusted_types": trusted,
            },
            loader_module=PYFUNC_LOADER_MODULE,
            data=data,
            code=code,
            default_pip_requirements=get_default_pip_requirements(
                include_cloudpickle=not is_booster and serialization_format == ser.CLOUDPICKLE,
                include_skops=not is_booster and serialization_format == ser.SKOPS,
            ),
            conda_env=conda_env,
            pip_requirements=pip_requirements,
            extra_pip_requirements=extra_pip_requirements,
            metadata=metadata,
        )


def log_model(
    lgb_model: Any,
    artifact_path: str | None = None,
    conda_env: dict[str, Any] | str | None = None,
    code_paths: list[str] | None = None,
    registered_model_name: str | None = None,
    signature: Any = None,
    input_example: Any = None,
    await_registration_for: int = 300,
    pip_requirements: list[str] | str | None = None,
    extra_pip_requirements: list[str] | str | None = None,
    metadata: dict[str, Any] | None = None,
    name: str | None = None,
    serialization_format: str = DEFAULT_SERIALIZATION_FORMAT,
    skops_trusted_types: list[str] | None = None,
) -> Any:
    """Log ``lgb_model`` to the active run (``name`` or the older ``artifact_path``); see ``save_model``.

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
        lgb_model=lgb_model,
        conda_env=conda_env,
        code_paths=code_paths,
        signature=signature,
        input_example=input_example,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        serialization_format=serialization_format,
        skops_trusted_types=skops_trusted_types,
    )


def _load_from_dir(model_dir: Path, skops_trusted_types: list[str] | None = None) -> Any:
    from weir.models.saving import model_file, read_flavor

    conf = read_flavor(model_dir, FLAVOR_NAME)
    source = model_file(model_dir, conf.get("data") or ser.BOOSTER_FILE)
    if conf.get("model_class", ser.BOOSTER_CLASS) == ser.BOOSTER_CLASS:
        import lightgbm

        return lightgbm.Booster(model_file=str(source))
    trusted = skops_trusted_types if skops_trusted_types is not None else conf.get("skops_trusted_types")
    # MLflow's rule: a scikit-learn API model without the key was written by cloudpickle.
    return ser.read_estimator(source, conf.get("serialization_format") or ser.CLOUDPICKLE, trusted)


def load_model(
    model_uri: str, dst_path: str | None = None, skops_trusted_types: list[str] | None = None
) -> Any:
    """Load the LightGBM model at ``model_uri`` (path, ``file:``, ``runs:/``, ``models:/``) as the
    class it was saved as (``Booster``, ``LGBMClassifier``...).

    skops files load the types recorded at save time, or ``skops_trusted_types`` when given.
    """
    from weir.models.uri import download_model

    local = Path(download_model(model_uri, dst_path=dst_path))
    return _load_from_dir(local.parent if local.is_file() else local, skops_trusted_types)


class LightGBMPyfuncModel:
    """What ``weir.pyfunc.load_model`` wraps: ``predict`` on a DataFrame or an ndarray."""

    def __init__(self, lgb_model: Any) -> None:
        self.lgb_model = lgb_model

    def get_raw_model(self) -> Any:
        return self.lgb_model

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        return self.lgb_model.predict(data, **(params or {}))


def _load_pyfunc(path: str, model_config: dict[str, Any] | None = None) -> LightGBMPyfuncModel:
    """pyfunc loader entry (``loader_module``): ``path`` is the model file or the model dir."""
    target = Path(path)
    return LightGBMPyfuncModel(_load_from_dir(target.parent if target.is_file() else target))


__all__ = [
    "FLAVOR_NAME",
    "LightGBMPyfuncModel",
    "get_default_conda_env",
    "get_default_pip_requirements",
    "load_model",
    "log_model",
    "save_model",
]
