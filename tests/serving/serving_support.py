"""Shared helpers for the scoring-server tests: a small in-process model with MLflow's pyfunc contract."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from weir.exceptions import WeirException
from weir.types import ColSpec, Schema

FEATURES = ["a", "b", "c"]


class _Metadata:
    def __init__(self, schema: Schema | None) -> None:
        self._schema = schema

    def get_input_schema(self) -> Schema | None:
        return self._schema


class WeightedSumModel:
    """Predicts ``a + 2b + 3c`` times the ``scale`` param; enforces its column schema like pyfunc does.

    It raises on a row whose ``a`` is negative, standing in for a model that fails on some input.
    """

    def __init__(self) -> None:
        self.metadata = _Metadata(Schema([ColSpec("double", name) for name in FEATURES]))
        self.calls: list = []

    def predict(self, data, params=None):
        self.calls.append((data, params))
        if isinstance(data, dict):
            data = pd.DataFrame(data)
        if not isinstance(data, pd.DataFrame):
            raise WeirException("Expected a DataFrame", "INVALID_PARAMETER_VALUE")
        missing = [name for name in FEATURES if name not in data.columns]
        if missing:
            raise WeirException(
                f"Model is missing inputs {missing}. Note that there were extra inputs: "
                f"{[c for c in data.columns if c not in FEATURES]}",
                "INVALID_PARAMETER_VALUE",
            )
        for name in FEATURES:
            if data[name].dtype.kind != "f":
                raise WeirException(
                    f"Incompatible input types for column {name}. Can not safely convert "
                    f"{data[name].dtype} to float64.",
                    "INVALID_PARAMETER_VALUE",
                )
        if (data["a"] < 0).any():
            raise ValueError("negative a is not supported")
        scale = (params or {}).get("scale", 1.0)
        return (data["a"] + 2 * data["b"] + 3 * data["c"]).to_numpy() * scale


def make_test_client(app):
    """starlette's TestClient; its notice about preferring httpx2 over httpx is irrelevant here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        from starlette.testclient import TestClient
    return TestClient(app)


def expected(frame: pd.DataFrame, scale: float = 1.0) -> list[float]:
    return list(np.asarray(frame["a"] + 2 * frame["b"] + 3 * frame["c"]) * scale)
