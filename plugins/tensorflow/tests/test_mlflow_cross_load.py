"""Keras models move between weir and MLflow both ways (mlflow is a test-only dependency: skipped without it)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest
import weir

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("mlflow") is None, reason="mlflow is not installed"),
    pytest.mark.mlflow,
    pytest.mark.filterwarnings("ignore::UserWarning"),
    pytest.mark.filterwarnings("ignore::FutureWarning"),
]


def test_weir_saved_model_loads_in_mlflow(tmp_path, trained_model, data):
    import mlflow

    x = data[0][:4]
    expected = trained_model.predict(x, verbose=0)
    weir.keras.save_model(trained_model, tmp_path / "m", input_example=x[:2])
    native = mlflow.keras.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(native.predict(x, verbose=0), expected, rtol=1e-6)
    pyfunc = mlflow.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(np.asarray(pyfunc.predict(x)), expected, rtol=1e-6)


def test_weir_autologged_model_loads_in_mlflow_from_the_run_artifacts(
    weir_autolog, weir_client, tmp_path, make_model, data
):
    import mlflow

    weir.keras.autolog()
    model = make_model()
    model.fit(*data, epochs=1, verbose=0)
    (run,) = weir_client.search_runs(experiment_ids=["0"])
    local = weir_client.download_artifacts(run.info.run_id, "model", str(tmp_path))
    pyfunc = mlflow.pyfunc.load_model(local)
    np.testing.assert_allclose(
        np.asarray(pyfunc.predict(data[0][:3])), model.predict(data[0][:3], verbose=0), rtol=1e-6
    )


def test_mlflow_keras_model_loads_in_weir(tmp_path, trained_model, data):
    import mlflow

    x = data[0][:4]
    expected = trained_model.predict(x, verbose=0)
    mlflow.keras.save_model(trained_model, str(tmp_path / "m"), pip_requirements=["keras"])
    native = weir.keras.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(native.predict(x, verbose=0), expected, rtol=1e-6)
    predicted = weir.pyfunc.load_model(str(tmp_path / "m")).predict(pd.DataFrame(x))
    np.testing.assert_allclose(predicted.to_numpy(), expected, rtol=1e-6)


def test_mlflow_tensorflow_flavor_keras_model_loads_in_weir(tmp_path, trained_model, data):
    import mlflow

    x = data[0][:4]
    expected = trained_model.predict(x, verbose=0)
    mlflow.tensorflow.save_model(trained_model, str(tmp_path / "m"), pip_requirements=["tensorflow"])
    assert weir.models.Model.load(str(tmp_path / "m")).flavors["tensorflow"]["model_type"] == "keras"
    native = weir.tensorflow.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(native.predict(x, verbose=0), expected, rtol=1e-6)
    np.testing.assert_allclose(
        np.asarray(weir.pyfunc.load_model(str(tmp_path / "m")).predict(x)), expected, rtol=1e-6
    )
