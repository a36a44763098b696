"""Shared constants and a custom estimator for the weir-sklearn tests."""

from __future__ import annotations

import importlib.util

import pytest

HAS_MLFLOW = importlib.util.find_spec("mlflow") is not None
requires_mlflow = pytest.mark.skipif(not HAS_MLFLOW, reason="mlflow (test-only dependency) is not installed")


class MeanRegressor:
    """A top-level custom estimator: skops never trusts its type by default."""

    def fit(self, X, y):
        import numpy as np

        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        import numpy as np

        return np.full(len(X), self.mean_)

    def get_params(self, deep=True):
        return {}


CUSTOM_TYPE = f"{MeanRegressor.__module__}.MeanRegressor"
