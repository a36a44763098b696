"""Tiny data and models for the weir-tensorflow tests (a 4-feature, 2-class problem; a few epochs)."""

from __future__ import annotations

import os

# Before TensorFlow is imported anywhere: keep its C++ logging quiet.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

FEATURES = 4


@pytest.fixture(scope="session")
def data() -> tuple[np.ndarray, np.ndarray]:
    """80 rows of float32 features and an int label that depends on them."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, FEATURES)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int64")
    return x, y


@pytest.fixture(scope="session")
def make_model():
    """``make_model(**compile_kwargs)``: a fresh compiled MLP (Input 4 -> Dense 8 -> Dense 2 softmax)."""
    import keras

    def make(**compile_kwargs):
        keras.utils.set_random_seed(1)
        model = keras.Sequential(
            [
                keras.Input((FEATURES,)),
                keras.layers.Dense(8, activation="relu"),
                keras.layers.Dense(2, activation="softmax"),
            ]
        )
        options = {"optimizer": "adam", "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}
        model.compile(**{**options, **compile_kwargs})
        return model

    return make


@pytest.fixture(scope="session")
def trained_model(make_model, data):
    """Trained once per session without autolog; tests only save, load and predict with it."""
    model = make_model()
    model.fit(*data, epochs=2, verbose=0)
    return model


@pytest.fixture
def runs(weir_client):
    """``runs()``: every run of the default experiment, newest first."""
    return lambda: weir_client.search_runs(experiment_ids=["0"])
