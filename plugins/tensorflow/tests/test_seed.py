"""The Keras snippet of the MLflow tutorial seeds runs unchanged with ``import weir as mlflow``.

From the seed: a Sequential Dense MLP built with ``input_dim``, ``fit(..., epochs=...)`` and
``mlflow.keras.log_model(nn, "nn_model")``; the same through ``mlflow.tensorflow`` and with autolog.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest


@pytest.fixture
def regression_data():
    rng = np.random.default_rng(3)
    X_train = rng.normal(size=(64, 5)).astype("float32")
    y_train = X_train @ np.arange(1, 6, dtype="float32") + 0.5
    return X_train, y_train


def _seed_network(X_train):
    from tensorflow import keras

    nn = keras.models.Sequential()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Keras 3 prefers Input() over input_dim
        nn.add(keras.layers.Dense(64, activation="relu", input_dim=X_train.shape[1]))
    nn.add(keras.layers.Dense(1))
    nn.compile(loss="mse", optimizer="adam")
    return nn


@pytest.mark.parametrize("flavor", ["keras", "tensorflow"])
def test_seed_keras_snippet_logs_a_model_that_loads_back(weir_store, regression_data, flavor):
    import weir as mlflow

    X_train, y_train = regression_data
    with mlflow.start_run() as run:
        nn = _seed_network(X_train)
        nn.fit(X_train, y_train, epochs=3, verbose=0)
        getattr(mlflow, flavor).log_model(nn, "nn_model")
    uri = f"runs:/{run.info.run_id}/nn_model"
    expected = nn.predict(X_train[:4], verbose=0)
    np.testing.assert_allclose(
        mlflow.keras.load_model(uri).predict(X_train[:4], verbose=0), expected, rtol=1e-6
    )
    np.testing.assert_allclose(mlflow.pyfunc.load_model(uri).predict(X_train[:4]), expected, rtol=1e-6)


def test_seed_snippet_with_autolog_records_the_training(weir_autolog, run_data, regression_data):
    import weir as mlflow

    X_train, y_train = regression_data
    mlflow.tensorflow.autolog()
    with mlflow.start_run() as run:
        nn = _seed_network(X_train)
        nn.fit(X_train, y_train, epochs=3, verbose=0)
        mlflow.keras.log_model(nn, "nn_model")
    logged = run_data(run.info.run_id)
    assert logged.params["epochs"] == "3" and logged.params["loss"] == "mse"
    assert "loss" in logged.metrics and "model_summary.txt" in logged.artifacts
    assert {"model/MLmodel", "nn_model/MLmodel"} <= set(logged.artifacts)
