"""Small data and models for the weir-xgboost tests (built once per session, trained in milliseconds)."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="session")
def frame():
    """A binary task on a DataFrame with named columns: features a..d, label y."""
    import pandas as pd

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.random((200, 4)), columns=["a", "b", "c", "d"])
    y = (X["a"] + X["b"] > 1).astype(int)
    return X, y


@pytest.fixture(scope="session")
def booster(frame):
    import xgboost

    X, y = frame
    return xgboost.train({"objective": "binary:logistic"}, xgboost.DMatrix(X, label=y), num_boost_round=5)


@pytest.fixture(scope="session")
def classifier(frame):
    import xgboost

    X, y = frame
    return xgboost.XGBClassifier(n_estimators=5, max_depth=2).fit(X, y)
