"""Models move between weir and MLflow in both directions (mlflow is a test-only dependency)."""

from __future__ import annotations

import numpy as np
import pytest
import weir
import xgboost

mlflow = pytest.importorskip("mlflow")
pytestmark = [pytest.mark.mlflow, pytest.mark.filterwarnings("ignore::UserWarning")]


@pytest.mark.parametrize("model_format", ["ubj", "json"])
def test_weir_saved_booster_loads_in_mlflow(tmp_path, booster, frame, model_format):
    X, _ = frame
    weir.xgboost.save_model(booster, tmp_path / "m", model_format=model_format)
    expected = booster.predict(xgboost.DMatrix(X))
    native = mlflow.xgboost.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(native.predict(xgboost.DMatrix(X)), expected, rtol=1e-6)
    np.testing.assert_allclose(mlflow.pyfunc.load_model(str(tmp_path / "m")).predict(X), expected, rtol=1e-6)


def test_weir_saved_classifier_loads_in_mlflow(tmp_path, classifier, frame):
    X, _ = frame
    weir.xgboost.save_model(classifier, tmp_path / "m")
    assert type(mlflow.xgboost.load_model(str(tmp_path / "m"))) is xgboost.XGBClassifier
    np.testing.assert_array_equal(
        mlflow.pyfunc.load_model(str(tmp_path / "m")).predict(X), classifier.predict(X)
    )


@pytest.mark.parametrize("model_fixture", ["booster", "classifier"])
def test_mlflow_saved_model_loads_in_weir(tmp_path, frame, model_fixture, request):
    X, _ = frame
    model = request.getfixturevalue(model_fixture)
    mlflow.xgboost.save_model(model, str(tmp_path / "m"), input_example=X[:2], pip_requirements=["xgboost"])
    native = weir.xgboost.load_model(str(tmp_path / "m"))
    assert type(native) is type(model)
    if isinstance(model, xgboost.Booster):
        expected = model.predict(xgboost.DMatrix(X))
        np.testing.assert_allclose(native.predict(xgboost.DMatrix(X)), expected, rtol=1e-6)
    else:
        expected = model.predict(X)
        np.testing.assert_array_equal(native.predict(X), expected)
    pyfunc = weir.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(np.asarray(pyfunc.predict(X)), expected, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(pyfunc.predict(X.to_numpy())), expected, rtol=1e-6)


def test_weir_autologged_model_loads_in_mlflow(weir_autolog, weir_client, frame):
    X, y = frame
    weir.xgboost.autolog()
    with weir.start_run() as run:
        booster = xgboost.train({"objective": "binary:logistic"}, xgboost.DMatrix(X, label=y), 3)
    local = weir_client.download_artifacts(run.info.run_id, "model", None)
    np.testing.assert_allclose(
        mlflow.pyfunc.load_model(local).predict(X), booster.predict(xgboost.DMatrix(X)), rtol=1e-6
    )
