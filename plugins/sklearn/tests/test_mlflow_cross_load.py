"""Models move between weir and MLflow in both directions (mlflow is a test-only dependency)."""

from __future__ import annotations

import numpy as np
import pytest
import weir
from sklearn_support import requires_mlflow

pytestmark = [requires_mlflow, pytest.mark.mlflow, pytest.mark.filterwarnings("ignore::UserWarning")]


@pytest.mark.parametrize("fmt", ["cloudpickle", "pickle", "skops"])
def test_weir_saved_model_loads_in_mlflow(tmp_path, fitted_forest, fmt):
    import mlflow

    weir.sklearn.save_model(fitted_forest, tmp_path / "m", serialization_format=fmt)
    X = [[0, 1, 0], [1, 1, 1]]
    native = mlflow.sklearn.load_model(str(tmp_path / "m"))
    np.testing.assert_array_equal(native.predict(X), fitted_forest.predict(X))
    pyfunc = mlflow.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_array_equal(pyfunc.predict(np.array(X)), fitted_forest.predict(X))


def test_weir_predict_proba_model_keeps_predict_fn_in_mlflow(tmp_path, fitted_classifier, iris):
    import mlflow

    X, _ = iris
    weir.sklearn.save_model(fitted_classifier, tmp_path / "m", pyfunc_predict_fn="predict_proba")
    proba = mlflow.pyfunc.load_model(str(tmp_path / "m")).predict(X)
    np.testing.assert_allclose(np.asarray(proba), fitted_classifier.predict_proba(X))


@pytest.mark.parametrize("fmt", ["cloudpickle", "pickle", "skops"])
def test_mlflow_saved_model_loads_in_weir(tmp_path, fitted_classifier, iris, fmt):
    import mlflow

    X, _ = iris
    mlflow.sklearn.save_model(
        fitted_classifier,
        str(tmp_path / "m"),
        serialization_format=fmt,
        input_example=X[:2],
        pip_requirements=["scikit-learn"],  # skips MLflow's requirement inference subprocess
    )
    native = weir.sklearn.load_model(str(tmp_path / "m"))
    np.testing.assert_array_equal(native.predict(X), fitted_classifier.predict(X))
    pyfunc = weir.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_array_equal(np.asarray(pyfunc.predict(X)), fitted_classifier.predict(X))


def test_mlflow_skops_model_with_trusted_types_loads_in_weir(tmp_path, fitted_forest):
    import mlflow

    mlflow.sklearn.save_model(
        fitted_forest,
        str(tmp_path / "m"),
        serialization_format="skops",
        skops_trusted_types=["sklearn.tree._tree.Tree"],
        pip_requirements=["scikit-learn"],
    )
    assert weir.sklearn.load_model(str(tmp_path / "m")).predict([[0, 1, 0]]) == fitted_forest.predict(
        [[0, 1, 0]]
    )
    assert weir.pyfunc.load_model(str(tmp_path / "m")).predict(
        np.array([[0, 1, 0]])
    ) == fitted_forest.predict([[0, 1, 0]])


def test_weir_logged_model_loads_in_mlflow_from_the_run_artifacts(tmp_path, weir_client, fitted_forest):
    import mlflow

    with weir.start_run() as run:
        weir.sklearn.log_model(fitted_forest, artifact_path="sklearn-model")
    local = weir_client.download_artifacts(run.info.run_id, "sklearn-model", str(tmp_path))
    assert mlflow.pyfunc.load_model(local).predict(np.array([[0, 1, 0]])) == fitted_forest.predict(
        [[0, 1, 0]]
    )
