"""The ``polynomial`` flavor: save, log and load tinypoly models, and load them through pyfunc.

A saved model is a directory with ``model.json`` (degree and coefficients) and an MLmodel file
holding two flavors: ``polynomial`` and ``python_function`` (``loader_module: weir_example_flavor``).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

FLAVOR_NAME = "polynomial"
_DATA_FILE = "model.json"


def save_model(
    poly_model: Any,
    path: str | os.PathLike,
    mlflow_model: Any = None,
    signature: Any = None,
    input_example: Any = None,
    metadata: dict[str, Any] | None = None,
) -> None:
    """Save a fitted ``tinypoly.PolynomialRegressor`` to a new directory ``path``."""
    import tinypoly
    from weir.exceptions import WeirException
    from weir.models import Model
    from weir.pyfunc import add_to_model

    if getattr(poly_model, "coefficients", None) is None:
        raise WeirException.invalid_parameter_value("save_model needs a fitted PolynomialRegressor")
    path = Path(path)
    if path.exists():
        raise WeirException(f"Path {str(path)!r} already exists", "RESOURCE_ALREADY_EXISTS")
    path.mkdir(parents=True)
    try:
        (path / _DATA_FILE).write_text(
            json.dumps({"degree": poly_model.degree, "coefficients": poly_model.coefficients})
        )
        model = mlflow_model if mlflow_model is not None else Model()
        if signature is not None:
            model.signature = signature
        if metadata is not None:
            model.metadata = metadata
        model.add_flavor(FLAVOR_NAME, data=_DATA_FILE, tinypoly_version=tinypoly.__version__)
        add_to_model(model, loader_module="weir_example_flavor", data=_DATA_FILE)
        model.save(str(path / "MLmodel"))
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)  # never leave a half-written model behind
        raise


def log_model(poly_model: Any, name: str = "model", artifact_path: str | None = None, **kwargs: Any) -> Any:
    """Log ``poly_model`` to the active run (started if none is); returns the ``ModelInfo``."""
    from weir.models import Model

    flavor = sys.modules["weir_example_flavor._flavor"]
    return Model.log(
        artifact_path=artifact_path,
        name=None if artifact_path else name,
        flavor=flavor,
        poly_model=poly_model,
        **kwargs,
    )


def _load_from_dir(model_dir: Path) -> Any:
    from tinypoly import PolynomialRegressor

    data = json.loads((model_dir / _DATA_FILE).read_text())
    model = PolynomialRegressor(degree=int(data["degree"]))
    model.coefficients = [float(c) for c in data["coefficients"]]
    return model


def load_model(model_uri: str, dst_path: str | None = None) -> Any:
    """Load the ``PolynomialRegressor`` saved at ``model_uri`` (path, ``runs:/``, ``models:/``)."""
    from weir.models import download_model

    local = Path(download_model(model_uri, dst_path=dst_path))
    return _load_from_dir(local.parent if local.is_file() else local)


class _PolynomialPyfunc:
    """What ``weir.pyfunc.load_model`` wraps: predicts a list (or a one-column frame) of x values."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def get_raw_model(self) -> Any:
        return self.model

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> list[float]:
        if hasattr(data, "iloc"):  # a pandas DataFrame or Series: use its first column
            data = data.iloc[:, 0] if getattr(data, "ndim", 1) == 2 else data
        return self.model.predict(list(data))


def _load_pyfunc(path: str, model_config: dict[str, Any] | None = None) -> _PolynomialPyfunc:
    """pyfunc loader entry: ``path`` is the model directory or its data file."""
    target = Path(path)
    return _PolynomialPyfunc(_load_from_dir(target.parent if target.is_file() else target))
