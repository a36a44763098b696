"""Data and fitted LightGBM models shared by the weir-lightgbm tests (tiny, session-scoped)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def regression_data():
    """300 rows, columns x0..x4, a noisy linear target: LightGBM fits it in a few milliseconds."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)
    features = pd.DataFrame(rng.normal(size=(300, 5)), columns=[f"x{i}" for i in range(5)])
    target = features["x0"] * 2 - features["x3"] + rng.normal(scale=0.1, size=300)
    return features, target


@pytest.fixture(scope="session")
def lgb_booster(regression_data):
    import lightgbm

    features, target = regression_data
    data = lightgbm.Dataset(features, label=target)
    return lightgbm.train(
        {"objective": "regression", "verbose": -1, "num_leaves": 7}, data, num_boost_round=8
    )


@pytest.fixture(scope="session")
def lgb_classifier(regression_data):
    import lightgbm

    features, target = regression_data
    return lightgbm.LGBMClassifier(n_estimators=6, num_leaves=5, verbose=-1).fit(features, target > 0)
