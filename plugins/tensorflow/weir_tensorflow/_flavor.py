"""The ``keras`` model flavor (Keras 3): save, log and load Keras models in MLflow's format.

    weir.keras.save_model(model, "model_dir", signature=sig, input_example=X[:5])
    info = weir.keras.log_model(model, name="model")
    same = weir.keras.load_model(info.model_uri)          # a keras.Model
    pyfunc = weir.pyfunc.load_model("model_dir")          # predict on numpy / pandas / dict input

A model directory holds ``data/model.keras`` (``Model.save``) and ``data/keras_module.txt``; the
MLmodel ``keras`` flavor carries MLflow's keys (``data``, ``keras_version``, ``keras_backend``,
``save_exported_model``) and pyfunc's ``loader_module`` is ``mlflow.keras``, so MLflow loads
weir's models. Models MLflow saved with the ``tensorflow`` flavor (``model_type: keras``; a
``.keras``, ``.h5`` or SavedModel file under ``data/``) load here too, as do TF2-module SavedModels.
Keras and TensorFlow are imported only inside these functions.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from weir.exceptions import WeirException

FLAVOR_NAME = "keras"
TF_FLAVOR_NAME = "tensorflow"
PYFUNC_LOADER_MODULE = "mlflow.keras"
DATA_DIR = "data"
MODEL_STEM = "model"
KERAS_MODULE_FILE = "keras_module.txt"
SAVE_FORMAT_FILE = "save_format.txt"
CUSTOM_OBJECTS_FILES = ("global_custom_objects.cloudpickle", "custom_objects.cloudpickle")
_INVALID = "INVALID_PARAMETER_VALUE"
_BACKEND_DISTRIBUTIONS = {
    "tensorflow": ("tensorflow", "tensorflow-cpu"),
    "jax": ("jax",),
    "torch": ("torch",),
}


def _backend_distribution() -> str | None:
    """The installed distribution of Keras' backend (``tensorflow-cpu``...), if any."""
    import keras
    from weir.models.environment import _installed_version

    for dist in _BACKEND_DISTRIBUTIONS.get(keras.backend.backend(), ()):
        if _installed_version(dist):
            return dist
    return None


def get_default_pip_requirements() -> list[str]:
    """weir, keras and the backend package (``tensorflow`` / ``tensorflow-cpu``...) pinned as installed."""
    from weir.models.environment import default_requirements

    backend = _backend_distribution()
    return default_requirements(["keras", *([backend] if backend else [])])


def get_default_conda_env() -> dict[str, Any]:
    """The conda environment written to ``conda.yaml`` by default."""
    from weir.models.environment import resolve_requirements

    return resolve_requirements(get_default_pip_requirements())[0]


def _check_keras_model(model: Any) -> None:
    import keras

    if not isinstance(model, keras.Model):
        raise WeirException(
            f"weir.keras saves keras.Model instances (Keras 3, tf.keras on TensorFlow >= 2.16); "
            f"got {type(model).__module__}.{type(model).__qualname__}",
            _INVALID,
        )


def _check_signature(signature: Any, exported: bool) -> None:
    """MLflow's rule for Keras 3 signatures: TensorSpec inputs whose first dimension is -1."""
    if signature is None or signature is False:
        if exported:
            raise WeirException("save_exported_model=True needs a signature (TensorSpec inputs)", _INVALID)
        return
    from weir.types.schema import TensorSpec

    inputs = list(signature.inputs.inputs) if signature.inputs is not None else []
    if not inputs:
        raise WeirException("The model signature's input schema must contain at least one field.", _INVALID)
    for spec in inputs:
        if not isinstance(spec, TensorSpec):
            raise WeirException(
                "All fields in a Keras model signature's input schema must be TensorSpecs "
                f"(got {type(spec).__name__}); build it with infer_signature(numpy_array, ...)",
                _INVALID,
            )
        if not spec.shape or spec.shape[0] != -1:
            raise WeirException(
                f"The first dimension of every Keras input in the signature must be -1 (the batch), "
                f"got shape {list(spec.shape)}",
                _INVALID,
            )


def _export(model: Any, target: Path, signature: Any) -> None:
    """Write the model as a TF SavedModel with one ``serve`` endpoint (MLflow's exported format)."""
    import keras

    try:
        import tensorflow as tf
    except ImportError:
        raise WeirException(
            "save_exported_model=True needs TensorFlow installed (pip install tensorflow-cpu)", _INVALID
        ) from None
    specs = [
        tf.TensorSpec(shape=[None if d == -1 else d for d in spec.shape], dtype=spec.type)
        for spec in signature.inputs.inputs
    ]
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint(name="serve", fn=model.call, input_signature=specs)
    archive.write_out(str(target))


def save_model(
    model: Any,
    path: str | os.PathLike,
    save_exported_model: bool = False,
    conda_env: dict[str, Any] | str | None = None,
    mlflow_model: Any = None,
    signature: Any = None,
    input_example: Any = None,
    pip_requirements: list[str] | str | None = None,
    extra_pip_requirements: list[str] | str | None = None,
    save_model_kwargs: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    code_paths: list[str] | None = None,
) -> None:
    """Save a ``keras.Model`` as an MLflow model directory at ``path`` (absent or empty).

    The model goes to ``data/model.keras`` (``save_model_kwargs`` are passed to ``Model.save``),
    or with ``save_exported_model`` to a TF SavedModel ``data/model`` serving ``model.call`` (needs
    a signature). A given signature must have TensorSpec inputs with a first dimension of -1; with
    an input example and no signature one is inferred from ``model.predict(example)``.
    """
    import keras
    from weir.models import Model
    from weir.models.saving import (
        copy_code_paths,
        finish_model,
        new_model_directory,
        save_example_and_signature,
    )

    _check_keras_model(model)
    _check_signature(signature, save_exported_model)
    if save_model_kwargs is not None and not isinstance(save_model_kwargs, dict):
        raise WeirException(
            f"save_model_kwargs must be a dict, got {type(save_model_kwargs).__name__}", _INVALID
        )
    with new_model_directory(path) as model_dir:
        mlmodel = mlflow_model if mlflow_model is not None else Model()
        save_example_and_signature(
            mlmodel, model_dir, input_example, signature, predict=_predictor(model), flavor=FLAVOR_NAME
        )
        code = copy_code_paths(code_paths, model_dir)
        data = model_dir / DATA_DIR
        data.mkdir()
        (data / KERAS_MODULE_FILE).write_text("keras", encoding="utf-8")
        if save_exported_model:
            _export(model, data / MODEL_STEM, mlmodel.signature)
        else:
            model.save(str(data / f"{MODEL_STEM}.keras"), **(save_model_kwargs or {}))
        finish_model(
            mlmodel,
            model_dir,
            flavor=FLAVOR_NAME,
            flavor_conf={
                "data": DATA_DIR,
                "keras_version": keras.__version__,
                "keras_backend": keras.backend.backend(),
                "save_exported_model": bool(save_exported_model),
            },
            loader_module=PYFUNC_LOADER_MODULE,
            data=None,  # MLflow's keras pyfunc entry has no data key: the loader gets the model dir
            code=code,
            default_pip_requirements=get_default_pip_requirements(),
            conda_env=conda_env,
            pip_requirements=pip_requirements,
            extra_pip_requirements=extra_pip_requirements,
            metadata=metadata,
        )


def _predictor(model: Any):
    def predict(example: Any) -> Any:
        import keras

        if hasattr(example, "to_numpy"):
            example = example.to_numpy()
        return keras.ops.convert_to_numpy(model.predict(example, verbose=0))

    return predict


def log_model(
    model: Any,
    artifact_path: str | None = None,
    save_exported_model: bool = False,
    conda_env: dict[str, Any] | str | None = None,
    signature: Any = None,
    input_example: Any = None,
    registered_model_name: str | None = None,
    await_registration_for: int = 300,
    pip_requirements: list[str] | str | None = None,
    extra_pip_requirements: list[str] | str | None = None,
    save_model_kwargs: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    name: str | None = None,
    code_paths: list[str] | None = None,
    keras_model_kwargs: dict[str, Any] | None = None,
) -> Any:
    """Log a ``keras.Model`` to the active run (``name`` or the older ``artifact_path``); see ``save_model``.

    ``keras_model_kwargs`` (``mlflow.tensorflow``'s name) is an alias of ``save_model_kwargs``.
    Returns the ``ModelInfo``; ``registered_model_name`` also registers the model.
    """
    import sys

    from weir.models import Model

    if keras_model_kwargs:
        save_model_kwargs = {**keras_model_kwargs, **(save_model_kwargs or {})}
    return Model.log(
        artifact_path=artifact_path,
        name=name,
        flavor=sys.modules[__name__],
        registered_model_name=registered_model_name,
        await_registration_for=await_registration_for,
        metadata=metadata,
        model=model,
        save_exported_model=save_exported_model,
        conda_env=conda_env,
        signature=signature,
        input_example=input_example,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        save_model_kwargs=save_model_kwargs,
        code_paths=code_paths,
    )


# --- loading -------------------------------------------------------------------------------------


def _model_dir_of(path: str | os.PathLike) -> Path:
    """The directory holding ``MLmodel``: ``path`` itself, or its parent (pyfunc passes ``data/``)."""
    target = Path(path)
    if target.is_file():
        target = target.parent
    if (target / "MLmodel").is_file():
        return target
    if (target.parent / "MLmodel").is_file():
        return target.parent
    raise WeirException(
        f"Cannot find an MLmodel file for the model at {str(path)!r}", "RESOURCE_DOES_NOT_EXIST"
    )


def _flavor_entry(model_dir: Path) -> tuple[str, dict[str, Any], Any]:
    """``(flavor name, its MLmodel entry, the Model)``: ``keras`` first, else MLflow's ``tensorflow``."""
    from weir.models import Model
    from weir.models.saving import read_flavor

    mlmodel = Model.load(str(model_dir))
    for flavor in (FLAVOR_NAME, TF_FLAVOR_NAME):
        if flavor in mlmodel.flavors:
            return flavor, read_flavor(model_dir, flavor), mlmodel
    raise WeirException(
        f"The model in {str(model_dir)!r} has neither a 'keras' nor a 'tensorflow' flavor "
        f"(flavors: {', '.join(mlmodel.flavors) or 'none'})",
        "RESOURCE_DOES_NOT_EXIST",
    )


def _inside(model_dir: Path, relative: str) -> Path:
    root = model_dir.resolve()
    candidate = (root / relative).resolve()
    if candidate != root and root not in candidate.parents:
        raise WeirException(f"The model path {relative!r} points outside {str(root)!r}", _INVALID)
    return candidate


def _saved_custom_objects(data_dir: Path, custom_objects: dict[str, Any] | None) -> dict[str, Any] | None:
    """Custom objects MLflow's tensorflow flavor pickled next to the model, overridden by the caller's."""
    found: dict[str, Any] = {}
    for name in CUSTOM_OBJECTS_FILES:
        file = data_dir / name
        if file.is_file():
            try:
                import cloudpickle
            except ImportError:
                raise WeirException(
                    f"The model stores custom objects in {name}, which needs cloudpickle: pip install cloudpickle",
                    _INVALID,
                ) from None
            with open(file, "rb") as f:
                found.update(cloudpickle.load(f))
    found.update(custom_objects or {})
    return found or None


def _load_saved_model(directory: Path) -> Any:
    try:
        import tensorflow as tf
    except ImportError:
        raise WeirException(
            f"The model at {str(directory)!r} is a TensorFlow SavedModel; loading it needs TensorFlow "
            "(pip install tensorflow-cpu)",
            _INVALID,
        ) from None
    return tf.saved_model.load(str(directory))


def _load_native(
    model_dir: Path, custom_objects: dict[str, Any] | None = None, **load_kwargs: Any
) -> tuple[Any, str]:
    """The model object and how to call it: ``"keras"`` (a keras.Model), ``"serve"`` or ``"savedmodel"``."""
    import keras

    flavor, conf, _ = _flavor_entry(model_dir)
    if flavor == TF_FLAVOR_NAME and conf.get("model_type", "keras") != "keras":
        if conf.get("model_type") == "tf2-module":
            return _load_saved_model(
                _inside(model_dir, conf.get("saved_model_dir") or "tf2model")
            ), "savedmodel"
        raise WeirException(
            f"TensorFlow models of type {conf.get('model_type')!r} (TF1 estimators) are not supported by weir",
            _INVALID,
        )
    data_dir = _inside(model_dir, conf.get("data") or DATA_DIR)
    stem = data_dir / MODEL_STEM if data_dir.is_dir() else data_dir
    if flavor == FLAVOR_NAME and conf.get("save_exported_model"):
        return _load_saved_model(stem), "serve"
    objects = _saved_custom_objects(data_dir, custom_objects) if data_dir.is_dir() else custom_objects
    save_format = conf.get("save_format")
    if save_format is None and (data_dir / SAVE_FORMAT_FILE).is_file():
        save_format = (data_dir / SAVE_FORMAT_FILE).read_text(encoding="utf-8").strip()
    candidates = [stem.with_name(stem.name + ext) for ext in (".keras", ".h5")]
    if save_format == "h5":
        candidates.reverse()
    for file in candidates:
        if file.is_file():
            return keras.saving.load_model(str(file), custom_objects=objects, **load_kwargs), "keras"
    if (stem / "saved_model.pb").is_file():
        # A tf.keras (Keras 2) SavedModel: Keras 3 cannot rebuild it, TensorFlow can still serve it.
        return _load_saved_model(stem), "savedmodel"
    raise WeirException(
        f"No Keras model file (model.keras, model.h5 or a SavedModel) under {str(data_dir)!r}",
        "RESOURCE_DOES_NOT_EXIST",
    )


def load_model(
    model_uri: str,
    dst_path: str | None = None,
    custom_objects: dict[str, Any] | None = None,
    load_model_kwargs: dict[str, Any] | None = None,
    keras_model_kwargs: dict[str, Any] | None = None,
    saved_model_kwargs: dict[str, Any] | None = None,
) -> Any:
    """Load the Keras model at ``model_uri`` (path, ``file:``, ``runs:/``, ``models:/``).

    Reads weir's and MLflow's ``keras`` flavor and MLflow's ``tensorflow`` flavor. Returns a
    ``keras.Model``; exported models and TensorFlow SavedModels come back as the object
    ``tf.saved_model.load`` returns. ``load_model_kwargs`` (or ``keras_model_kwargs``, the
    ``mlflow.tensorflow`` name) go to ``keras.saving.load_model``; ``saved_model_kwargs`` is
    accepted for ``mlflow.tensorflow`` compatibility.
    """
    from weir.models.uri import download_model

    kwargs = {**(keras_model_kwargs or {}), **(load_model_kwargs or {})}
    local = Path(download_model(model_uri, dst_path=dst_path))
    model, _ = _load_native(_model_dir_of(local), custom_objects, **kwargs)
    return model


class KerasPyfuncModel:
    """What ``weir.pyfunc.load_model`` wraps: ``predict`` on numpy, pandas, lists or dicts of arrays.

    A DataFrame gives a DataFrame with the same index (MLflow's behaviour); anything else a numpy
    array (or a dict of arrays for multi-output models).
    """

    def __init__(self, model: Any, kind: str = "keras") -> None:
        self.model = model
        self.kind = kind

    def get_raw_model(self) -> Any:
        return self.model

    def _call(self, data: Any) -> Any:
        if self.kind == "keras":
            return self.model.predict(data, verbose=0)
        if self.kind == "serve":
            return _to_numpy(self.model.serve(data))
        serving = getattr(self.model, "signatures", {}).get("serving_default")
        if serving is None:
            return _to_numpy(self.model(data))
        return _call_serving_signature(serving, data)

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        import numpy as np

        try:
            import pandas as pd
        except ImportError:  # pandas is optional: without it there are no DataFrames to handle
            pd = None
        if pd is not None and isinstance(data, pd.DataFrame):
            result = _to_numpy(self._call(data.to_numpy()))
            if isinstance(result, dict):
                return {k: pd.DataFrame(v, index=data.index) for k, v in result.items()}
            return pd.DataFrame(result, index=data.index)
        if pd is not None and isinstance(data, pd.Series):
            data = data.to_numpy()
        if not isinstance(data, (np.ndarray, list, tuple, dict)):
            raise WeirException(
                f"Keras pyfunc models take a numpy array, pandas DataFrame, list or dict of arrays; "
                f"got {type(data).__name__}",
                _INVALID,
            )
        if isinstance(data, (list, tuple)) and not all(hasattr(item, "shape") for item in data):
            data = np.asarray(data)  # rows as nested lists; a list of arrays stays (one per model input)
        return _to_numpy(self._call(data))


def _call_serving_signature(serving: Any, data: Any) -> Any:
    """Feed numpy data to a SavedModel's ``serving_default`` signature (named tensors in, out)."""
    import numpy as np
    import tensorflow as tf

    specs = serving.structured_input_signature[1]
    if isinstance(data, dict):
        feed = {name: tf.constant(np.asarray(data[name]), dtype=spec.dtype) for name, spec in specs.items()}
    elif len(specs) == 1:
        ((name, spec),) = specs.items()
        feed = {name: tf.constant(np.asarray(data), dtype=spec.dtype)}
    else:
        raise WeirException(
            f"This SavedModel takes named inputs {sorted(specs)}; pass a dict of arrays", _INVALID
        )
    result = _to_numpy(serving(**feed))
    if isinstance(result, dict) and len(result) == 1:
        return next(iter(result.values()))
    return result


def _to_numpy(value: Any) -> Any:
    import numpy as np

    if isinstance(value, dict):
        return {k: _to_numpy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_numpy(v) for v in value]
    if hasattr(value, "numpy"):
        return value.numpy()
    return np.asarray(value)


def _load_pyfunc(path: str, model_config: dict[str, Any] | None = None) -> KerasPyfuncModel:
    """pyfunc loader entry (``loader_module``): ``path`` is the model dir or its ``data`` dir."""
    model, kind = _load_native(_model_dir_of(path), compile=False)
    return KerasPyfuncModel(model, kind)


__all__ = [
    "FLAVOR_NAME",
    "KerasPyfuncModel",
    "get_default_conda_env",
    "get_default_pip_requirements",
    "load_model",
    "log_model",
    "save_model",
]
