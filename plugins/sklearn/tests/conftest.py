"""Shared data and models for the weir-sklearn tests (small, built once per session)."""

from __future__ import annotations

import pytest
from sklearn_support import MeanRegressor


@pytest.fixture(scope="session")
def iris():
    from sklearn.datasets import load_iris

    return load_iris(return_X_y=True)


@pytest.fixture(scope="session")
def iris_frame():
    from sklearn.datasets import load_iris

    data = load_iris(as_frame=True)
    return data.data, data.target


@pytest.fixture(scope="session")
def breast_cancer():
    """Breast cancer features, standardized so LogisticRegression converges in a few ms."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.preprocessing import StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="session")
def fitted_classifier(iris):
    from sklearn.linear_model import LogisticRegression

    X, y = iris
    return LogisticRegression(max_iter=1000).fit(X, y)


@pytest.fixture(scope="session")
def fitted_forest():
    from sklearn.ensemble import RandomForestRegressor

    return RandomForestRegressor(n_estimators=4, random_state=42).fit(
        [[0, 1, 0], [1, 0, 1], [1, 1, 0]], [1, 2, 3]
    )


@pytest.fixture(scope="session")
def custom_model():
    return MeanRegressor().fit([[0], [1]], [1.0, 3.0])
