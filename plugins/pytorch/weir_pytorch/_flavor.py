"""The ``pytorch`` model flavor: save, log and load PyTorch modules in MLflow's format.

    weir.pytorch.save_model(net, "model_dir", input_example=X[:5])   # data/model.pth (torch.save)
    weir.pytorch.save_model(torch.jit.script(net), "scripted")        # TorchScript, torch.jit.save
    weir.pytorch.load_model("model_dir")                              # the nn.Module, in eval mode
    weir.pyfunc.load_model("model_dir").predict(frame_or_array)       # numpy out

MLmodel keys are MLflow's (``model_data: data``, ``pytorch_version``, ``code``, ``extra_files``;
pyfunc ``loader_module: mlflow.pytorch``, ``data: data``, ``pickle_module_name``,
``config: {device: null}``), so ``mlflow.pytorch.load_model`` reads weir's models and weir reads
MLflow's, including MLflow's ``torch.export`` format (``data/model.pt2``). torch is imported only
inside these functions. Loading a pickled model runs code from the file: load only models you trust.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any

from weir.exceptions import WeirException

FLAVOR_NAME = "pytorch"
PYFUNC_LOADER_MODULE = "mlflow.pytorch"
MODEL_DATA = "data"
MODEL_FILE = "model.pth"
EXPORTED_MODEL_FILE = "model.pt2"
PICKLE_MODULE_INFO_FILE = "pickle_module_info.txt"
EXTRA_FILES_DIR = "extra_files"
# MLflow's default pickle module; weir_pytorch.pickle_module writes the same bytes (see there).
DEFAULT_PICKLE_MODULE_NAME = "mlflow.pytorch.pickle_module"
_WEIR_PICKLE_MODULE = "weir_pytorch.pickle_module"
_CLOUDPICKLE_ALIASES = frozenset({DEFAULT_PICKLE_MODULE_NAME, _WEIR_PICKLE_MODULE})
DEVICE_ENV_VARS = ("WEIR_DEFAULT_PREDICTION_DEVICE", "MLFLOW_DEFAULT_PREDICTION_DEVICE")


def _torch_requirement() -> str:
    """``torch==X.Y.Z`` without a local label (``+cpu``), which PyPI cannot resolve."""
    from weir.plugins.versions import installed_version

    version = installed_version("torch")
    return f"torch=={version.split('+', 1)[0]}" if version else "torch"


def get_default_pip_requirements() -> list[str]:
    """weir, torch and cloudpickle (the default pickle module) pinned to the installed versions."""
    from weir.models.environment import default_requirements

    return [*default_requirements([]), _torch_requirement(), *default_requirements(["cloudpickle"], False)]


def get_default_conda_env() -> dict[str, Any]:
    """The conda environment written to ``conda.yaml`` by default."""
    from weir.models.environment import resolve_requirements

    return resolve_requirements(get_default_pip_requirements())[0]


def _pickle_module_for_save(pickle_module: Any) -> tuple[Any, str]:
    """The module ``torch.save`` uses and the name recorded for loading."""
    if pickle_module is None:
        from weir_pytorch import pickle_module as weir_pickle

        return weir_pickle, DEFAULT_PICKLE_MODULE_NAME
    name = getattr(pickle_module, "__name__", None)
    if not name or not hasattr(pickle_module, "Pickler"):
        raise WeirException.invalid_parameter_value(
            f"pickle_module must be a module with a Pickler class (like pickle or "
            f"weir_pytorch.pickle_module), got {pickle_module!r}"
        )
    if name == _WEIR_PICKLE_MODULE:
        name = DEFAULT_PICKLE_MODULE_NAME
    return pickle_module, name


def _import_pickle_module(name: str) -> Any:
    """The module named in ``pickle_module_info.txt``; MLflow's and weir's cloudpickle modules are one."""
    name = name.strip()
    if name in _CLOUDPICKLE_ALIASES:
        from weir_pytorch import pickle_module

        return pickle_module
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise WeirException(
            f"The model was pickled with the module {name!r}, which cannot be imported: {exc}",
            "RESOURCE_DOES_NOT_EXIST",
        ) from exc


def _check_model(pytorch_model: Any) -> None:
    import torch

    if not isinstance(pytorch_model, torch.nn.Module):
        raise WeirException.invalid_parameter_value(
            f"weir.pytorch saves a torch.nn.Module (or a torch.jit.ScriptModule), "
            f"got {type(pytorch_model).__name__}"
        )


def _float_dtype(model: Any) -> Any:
    """The floating dtype of the model's parameters (float32 when it has none)."""
    import torch

    for tensor in (*model.parameters(), *model.buffers()):
        if tensor.is_floating_point():
            return tensor.dtype
    return torch.float32


def _signature_predict(pytorch_model: Any) -> Any:
    """``predict`` for signature inference: eval mode and no_grad, the training flag put back after."""

    def predict(example: Any) -> Any:
        was_training = pytorch_model.training
        pytorch_model.eval()
        try:
            return PyTorchPyfuncModel(pytorch_model, device=None).predict(example)
        finally:
            pytorch_model.train(was_training)

    return predict


def _copy_extra_files(extra_files: list[str] | None, model_dir: Path) -> dict[str, Any]:
    """Copy ``extra_files`` (local paths or file: URIs) to ``extra_files/``; MLflow's flavor key."""
    if not extra_files:
        return {}
    if isinstance(extra_files, (str, os.PathLike)):
        raise WeirException.invalid_parameter_value("extra_files must be a list of paths, not a single path")
    from weir.models.uri import download_model

    target = model_dir / EXTRA_FILES_DIR
    target.mkdir()
    entries = []
    for uri in extra_files:
        local = Path(download_model(os.fspath(uri)))
        if not local.is_file():
            raise WeirException.invalid_parameter_value(f"extra file {os.fspath(uri)!r} is not a file")
        shutil.copy2(local, target / local.name)
        entries.append({"path": f"{EXTRA_FILES_DIR}/{local.name}"})
    return {"extra_files": entries}


def save_model(
    pytorch_model: Any,
    path: str | os.PathLike,
    conda_env: dict[str, Any] | str | None = None,
    mlflow_model: Any = None,
    code_paths: list[str] | None = None,
    pickle_module: Any = None,
    signature: Any = None,
    input_example: Any = None,
    requirements_file: str | None = None,
    extra_files: list[str] | None = None,
    pip_requirements: list[str] | str | None = None,
    extra_pip_requirements: list[str] | str | None = None,
    metadata: dict[str, Any] | None = None,
    serialization_format: str | None = None,
    **kwargs: Any,
) -> None:
    """Save ``pytorch_model`` as an MLflow model directory at ``path`` (absent or empty).

    A ``torch.nn.Module`` is pickled whole with ``torch.save`` (``pickle_module``, default
    cloudpickle, so classes defined in ``__main__`` load anywhere; classes from your own modules
    need ``code_paths``). A ``torch.jit.ScriptModule`` is saved with ``torch.jit.save`` and needs
    no Python code to load. ``kwargs`` go to ``torch.save``. ``serialization_format`` accepts only
    ``"pickle"`` (MLflow's ``"pt2"`` models load, but weir does not write them).
    """
    import torch
    from weir.models import Model
    from weir.models.saving import (
        copy_code_paths,
        finish_model,
        new_model_directory,
        save_example_and_signature,
    )

    if serialization_format not in (None, "pickle"):
        raise WeirException.invalid_parameter_value(
            f"weir.pytorch saves models with serialization_format='pickle' (whole model or TorchScript); "
            f"got {serialization_format!r}. Models MLflow saved as 'pt2' load with weir.pytorch.load_model."
        )
    if requirements_file is not None:
        raise WeirException.invalid_parameter_value(
            "requirements_file was removed from MLflow; use pip_requirements=<path> instead"
        )
    _check_model(pytorch_model)
    module, module_name = _pickle_module_for_save(pickle_module)
    with new_model_directory(path) as model_dir:
        model = mlflow_model if mlflow_model is not None else Model()
        save_example_and_signature(
            model, model_dir, input_example, signature, _signature_predict(pytorch_model), FLAVOR_NAME
        )
        code = copy_code_paths(code_paths, model_dir)
        data_dir = model_dir / MODEL_DATA
        data_dir.mkdir()
        (data_dir / PICKLE_MODULE_INFO_FILE).write_text(module_name)
        model_path = data_dir / MODEL_FILE
        if isinstance(pytorch_model, torch.jit.ScriptModule):
            torch.jit.save(pytorch_model, str(model_path))
        else:
            try:
                torch.save(pytorch_model, str(model_path), pickle_module=module, **kwargs)
            except (TypeError, AttributeError, *_pickling_errors(module)) as exc:
                raise WeirException.invalid_parameter_value(
                    f"Could not pickle {type(pytorch_model).__name__} with {module_name}: {exc}. "
                    "Remove unpicklable attributes (open files, generators, locks) or save a "
                    "TorchScript module (torch.jit.script(model))."
                ) from exc
        extra_conf = _copy_extra_files(extra_files, model_dir)
        finish_model(
            model,
            model_dir,
            flavor=FLAVOR_NAME,
            flavor_conf={"model_data": MODEL_DATA, "pytorch_version": str(torch.__version__), **extra_conf},
            loader_module=PYFUNC_LOADER_MODULE,
            data=MODEL_DATA,
            code=code,
            default_pip_requirements=get_default_pip_requirements(),
            conda_env=conda_env,
            pip_requirements=pip_requirements,
            extra_pip_requirements=extra_pip_requirements,
            metadata=metadata,
            pyfunc_conf={"pickle_module_name": module_name, "model_config": {"device": None}},
        )


def _pickling_errors(module: Any) -> tuple[type[BaseException], ...]:
    import pickle

    error = getattr(module, "PicklingError", pickle.PicklingError)
    return (error,) if isinstance(error, type) else (pickle.PicklingError,)


def log_model(
    pytorch_model: Any,
    artifact_path: str | None = None,
    conda_env: dict[str, Any] | str | None = None,
    code_paths: list[str] | None = None,
    pickle_module: Any = None,
    registered_model_name: str | None = None,
    signature: Any = None,
    input_example: Any = None,
    await_registration_for: int = 300,
    extra_files: list[str] | None = None,
    pip_requirements: list[str] | str | None = None,
    extra_pip_requirements: list[str] | str | None = None,
    metadata: dict[str, Any] | None = None,
    name: str | None = None,
    serialization_format: str | None = None,
    **kwargs: Any,
) -> Any:
    """Log ``pytorch_model`` to the active run (``name`` or the older ``artifact_path``); see ``save_model``.

    Returns the ``ModelInfo``; ``registered_model_name`` also registers the model.
    """
    from weir.models import Model

    return Model.log(
        artifact_path=artifact_path,
        name=name,
        flavor=sys.modules[__name__],
        registered_model_name=registered_model_name,
        await_registration_for=await_registration_for,
        metadata=metadata,
        pytorch_model=pytorch_model,
        conda_env=conda_env,
        code_paths=code_paths,
        pickle_module=pickle_module,
        signature=signature,
        input_example=input_example,
        extra_files=extra_files,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        serialization_format=serialization_format,
        **kwargs,
    )


def _is_torchscript_archive(path: Path) -> bool:
    """TorchScript archives hold compiled code (``constants.pkl``); torch.save archives do not."""
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        return any(name.endswith("/constants.pkl") or name == "constants.pkl" for name in archive.namelist())


def _load_from_data(data_path: Path, device: str | None = None, **kwargs: Any) -> Any:
    """Load the module stored in a flavor's ``model_data`` (a directory, or an old single file)."""
    import torch

    map_location = kwargs.pop("map_location", device)
    if data_path.is_dir():
        exported = data_path / EXPORTED_MODEL_FILE
        model_file = data_path / MODEL_FILE
        if not model_file.is_file() and exported.is_file():
            model = torch.export.load(str(exported)).module()
            if device is not None:
                model.to(device)
            return model
        if not model_file.is_file():
            raise WeirException(
                f"No {MODEL_FILE} or {EXPORTED_MODEL_FILE} in the model data directory {str(data_path)!r}",
                "RESOURCE_DOES_NOT_EXIST",
            )
        info = data_path / PICKLE_MODULE_INFO_FILE
        module_name = info.read_text() if info.is_file() else DEFAULT_PICKLE_MODULE_NAME
    elif data_path.is_file():
        model_file, module_name = data_path, DEFAULT_PICKLE_MODULE_NAME
    else:
        raise WeirException(f"The model data {str(data_path)!r} does not exist", "RESOURCE_DOES_NOT_EXIST")
    if _is_torchscript_archive(model_file):
        model = torch.jit.load(str(model_file), map_location=map_location)
    else:
        if "pickle_module" not in kwargs:
            kwargs["pickle_module"] = _import_pickle_module(module_name)
        kwargs.setdefault("weights_only", False)  # a whole pickled model, not only tensors
        model = torch.load(str(model_file), map_location=map_location, **kwargs)
    model.eval()
    return model


def _model_data_path(model_dir: Path, conf: dict[str, Any]) -> Path:
    relative = conf.get("model_data")
    if not relative or os.path.isabs(relative):
        raise WeirException(
            f"The pytorch flavor in {str(model_dir)!r} names no relative model_data path",
            "RESOURCE_DOES_NOT_EXIST",
        )
    root = model_dir.resolve()
    candidate = (root / relative).resolve()
    if root not in candidate.parents:
        raise WeirException.invalid_parameter_value(
            f"model_data {relative!r} points outside the model directory {str(root)!r}"
        )
    return candidate


def load_model(model_uri: str, dst_path: str | None = None, **kwargs: Any) -> Any:
    """Load the PyTorch module saved at ``model_uri`` (path, ``file:``, ``runs:/``, ``models:/``).

    Returns it in eval mode. ``kwargs`` go to ``torch.load`` (``map_location=...``).
    """
    from weir.models.saving import read_flavor
    from weir.models.uri import download_model

    local = Path(download_model(model_uri, dst_path=dst_path))
    model_dir = local.parent if local.is_file() else local
    conf = read_flavor(model_dir, FLAVOR_NAME)
    return _load_from_data(_model_data_path(model_dir, conf), **kwargs)


def _prediction_device(model_config: dict[str, Any] | None) -> str:
    import torch

    device = (model_config or {}).get("device")
    if device:
        return str(device)
    for name in DEVICE_ENV_VARS:
        if os.environ.get(name):
            return os.environ[name]
    return "cuda" if torch.cuda.is_available() else "cpu"


class PyTorchPyfuncModel:
    """What ``weir.pyfunc.load_model`` wraps: runs the module on a DataFrame or array, returns numpy.

    DataFrames become float tensors; floating arrays are cast to the model's float dtype (float32
    for most models) and integer arrays are kept (token ids). Prediction runs in eval mode under
    ``torch.no_grad()``; the model must return one tensor.
    """

    def __init__(self, pytorch_model: Any, device: str | None = "cpu") -> None:
        self.pytorch_model = pytorch_model
        self.device = device
        self._dtype = _float_dtype(pytorch_model)

    def get_raw_model(self) -> Any:
        return self.pytorch_model

    def _as_tensor(self, data: Any) -> Any:
        import numpy as np
        import torch

        if isinstance(data, torch.Tensor):
            tensor = data
        elif type(data).__name__ == "DataFrame" and hasattr(data, "to_numpy"):
            tensor = torch.from_numpy(np.ascontiguousarray(data.to_numpy(dtype=np.float32)))
            tensor = tensor.to(self._dtype)
        elif isinstance(data, np.ndarray):
            if data.dtype == object:
                data = data.astype(np.float32)
            tensor = torch.from_numpy(np.ascontiguousarray(data))
        else:
            raise TypeError(
                f"weir.pytorch models predict on a pandas.DataFrame, numpy.ndarray or torch.Tensor, "
                f"got {type(data).__name__}"
            )
        if tensor.is_floating_point() and tensor.dtype != self._dtype:
            tensor = tensor.to(self._dtype)
        return tensor.to(self.device) if self.device else tensor

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        import torch

        if params and "device" in params:
            raise ValueError(
                "device cannot be a predict parameter; give it at load time: "
                "weir.pyfunc.load_model(uri, model_config={'device': 'cuda'})"
            )
        inputs = self._as_tensor(data)
        if self.pytorch_model.training:
            _eval(self.pytorch_model)
        with torch.no_grad():
            output = self.pytorch_model(inputs, **(params or {}))
        if not isinstance(output, torch.Tensor):
            raise TypeError(
                f"the PyTorch model must return a single tensor for pyfunc predict, got {type(output).__name__}"
            )
        return output.detach().cpu().numpy()


def _eval(model: Any) -> None:
    """Eval mode; modules loaded from torch.export refuse mode switches (they have none to switch)."""
    try:
        model.eval()
    except NotImplementedError:
        pass


def _load_pyfunc(path: str, model_config: dict[str, Any] | None = None) -> PyTorchPyfuncModel:
    """pyfunc loader entry (``loader_module``): ``path`` is the model's ``data`` directory."""
    device = _prediction_device(model_config)
    return PyTorchPyfuncModel(_load_from_data(Path(path), device=device), device=device)


__all__ = [
    "DEFAULT_PICKLE_MODULE_NAME",
    "FLAVOR_NAME",
    "PyTorchPyfuncModel",
    "get_default_conda_env",
    "get_default_pip_requirements",
    "load_model",
    "log_model",
    "save_model",
]
