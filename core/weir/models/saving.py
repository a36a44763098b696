"""The steps every flavor's ``save_model`` and loader share, so a plugin handles only its model file.

    with new_model_directory(path) as model_dir:           # removed again if anything fails
        model = mlflow_model or Model()
        save_example_and_signature(model, model_dir, input_example, signature, predict=my_predict)
        code = copy_code_paths(code_paths, model_dir)
        booster.save_model(str(model_dir / "model.ubj"))
        finish_model(model, model_dir, flavor="xgboost", flavor_conf={...}, loader_module="mlflow.xgboost",
                     data="model.ubj", code=code, default_pip_requirements=[...], ...)

    conf = read_flavor(model_dir, "xgboost")               # its MLmodel entry; code/ put on sys.path
    booster.load_model(str(model_file(model_dir, conf["data"])))

Signature rules are MLflow's: ``signature=None`` with an input example infers one from
``predict(example)``; ``signature=False`` stores none.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from weir.exceptions import WeirException

__all__ = [
    "copy_code_paths",
    "finish_model",
    "model_file",
    "new_model_directory",
    "read_flavor",
    "save_example_and_signature",
]


@contextlib.contextmanager
def new_model_directory(path: str | os.PathLike) -> Iterator[Path]:
    """Create the model directory ``path`` (absent or empty) and remove it if the block raises."""
    target = Path(path).absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise WeirException(
            f"Path {str(target)!r} already exists and is not empty", "RESOURCE_ALREADY_EXISTS"
        )
    target.mkdir(parents=True, exist_ok=True)
    try:
        yield target
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # never leave a half-written model behind
        raise


def copy_code_paths(code_paths: Iterable[str | os.PathLike] | None, model_dir: Path) -> str | None:
    """Copy user code into ``<model_dir>/code`` (put on sys.path at load time); returns ``"code"``."""
    if not code_paths:
        return None
    if isinstance(code_paths, (str, os.PathLike)):
        raise WeirException.invalid_parameter_value("code_paths must be a list of paths, not a single path")
    destination = Path(model_dir) / "code"
    destination.mkdir()
    for entry in code_paths:
        source = Path(entry)
        if not source.exists():
            raise WeirException.invalid_parameter_value(f"code path {str(source)!r} does not exist")
        copy = shutil.copytree if source.is_dir() else shutil.copy2
        copy(source, destination / source.name)
    return "code"


def save_example_and_signature(
    model: Any,
    model_dir: Path,
    input_example: Any,
    signature: Any,
    predict: Callable[[Any], Any] | None,
    flavor: str = "model",
) -> None:
    """Save the input example and set ``model.signature`` (inferred from ``predict(example)``
    when ``signature`` is None; a failed inference is a warning and the model has no signature)."""
    from weir.models.input_example import save_input_example

    example = save_input_example(model, input_example, str(model_dir)) if input_example is not None else None
    if signature is None and example is not None and predict is not None:
        from weir.models.signature import infer_signature
        from weir.plugins.safety import warn

        try:
            signature = infer_signature(example, predict(example))
        except Exception as exc:  # the model is still saved, only without a signature
            warn(flavor, f"could not infer a signature from the input example: {type(exc).__name__}: {exc}")
            signature = None
    if signature is not None and signature is not False:
        model.signature = signature


def finish_model(
    model: Any,
    model_dir: Path,
    *,
    flavor: str,
    flavor_conf: dict[str, Any],
    loader_module: str,
    data: str | None,
    code: str | None,
    default_pip_requirements: list[str],
    conda_env: dict[str, Any] | str | None = None,
    pip_requirements: Iterable[str] | str | None = None,
    extra_pip_requirements: Iterable[str] | str | None = None,
    metadata: dict[str, Any] | None = None,
    pyfunc_conf: dict[str, Any] | None = None,
) -> None:
    """Write the environment files, add the flavor and ``python_function``, save ``MLmodel``."""
    from weir.models import environment
    from weir.pyfunc import add_to_model

    if metadata is not None:
        model.metadata = metadata
    env = environment.write_environment_files(
        str(model_dir),
        default_pip_requirements=default_pip_requirements,
        conda_env=conda_env,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
    )
    add_to_model(model, loader_module=loader_module, data=data, code=code, env=env, **(pyfunc_conf or {}))
    model.add_flavor(flavor, **flavor_conf, code=code)
    model.save(str(Path(model_dir) / "MLmodel"))


def read_flavor(model_dir: str | os.PathLike, flavor: str) -> dict[str, Any]:
    """The ``flavor`` entry of the MLmodel in ``model_dir``; its ``code`` dir goes on ``sys.path``."""
    import sys

    from weir.models import Model

    conf = Model.load(os.fspath(model_dir)).flavors.get(flavor)
    if conf is None:
        raise WeirException(
            f"The model in {os.fspath(model_dir)!r} has no {flavor!r} flavor", "RESOURCE_DOES_NOT_EXIST"
        )
    code = conf.get("code")
    if code:
        code_dir = os.path.join(os.fspath(model_dir), code)
        if code_dir not in sys.path:
            sys.path.insert(0, code_dir)
    return conf


def model_file(model_dir: str | os.PathLike, relative: str) -> Path:
    """``model_dir / relative`` as an existing file, refusing names that point outside the directory."""
    root = Path(model_dir).resolve()
    if not relative or os.path.isabs(relative):
        raise WeirException.invalid_parameter_value(f"The model file {relative!r} must be a relative path")
    candidate = (root / relative).resolve()
    if root not in candidate.parents:
        raise WeirException.invalid_parameter_value(
            f"The model file {relative!r} points outside the model directory {str(root)!r}"
        )
    if not candidate.is_file():
        raise WeirException(
            f"The model file {relative!r} does not exist in {str(root)!r}", "RESOURCE_DOES_NOT_EXIST"
        )
    return candidate
