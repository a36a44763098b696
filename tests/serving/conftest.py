"""Fixtures for the scoring-server tests."""

from __future__ import annotations

import pandas as pd
import pytest
from serving_support import WeightedSumModel, make_test_client


@pytest.fixture
def model() -> WeightedSumModel:
    return WeightedSumModel()


@pytest.fixture
def client(model):
    from weir.serving.app import ScoringApp

    with make_test_client(ScoringApp(model, max_body_size=64 * 1024, timeout=10)) as test_client:
        yield test_client


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({"a": [1.0, 2.0], "b": [0.5, 0.0], "c": [0.0, 1.0]}, index=[7, 9])
