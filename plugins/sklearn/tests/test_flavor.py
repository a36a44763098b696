"""The sklearn flavor: save/log/load in MLflow's model format, pyfunc loading, safety checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import weir
import yaml
from sklearn_support import CUSTOM_TYPE
from weir.exceptions import WeirException


def _mlmodel(path) -> dict:
    return yaml.safe_load((path / "MLmodel").read_text())


def test_save_model_writes_mlflows_sklearn_flavor_keys(tmp_path, fitted_classifier):
    import sklearn

    path = tmp_path / "model"
    weir.sklearn.save_model(fitted_classifier, path)
    mlmodel = _mlmodel(path)
    assert mlmodel["flavors"]["sklearn"] == {
        "pickled_model": "model.pkl",
        "sklearn_version": sklearn.__version__,
        "serialization_format": "cloudpickle",
        "code": None,
        "skops_trusted_types": None,
    }
    pyfunc = mlmodel["flavors"]["python_function"]
    assert pyfunc["loader_module"] == "mlflow.sklearn"
    assert pyfunc["model_path"] == "model.pkl" and pyfunc["predict_fn"] == "predict"
    assert {p.name for p in path.iterdir()} >= {
        "MLmodel",
        "model.pkl",
        "conda.yaml",
        "python_env.yaml",
        "requirements.txt",
    }
    assert any(
        line.startswith("scikit-learn==") for line in (path / "requirements.txt").read_text().splitlines()
    )


@pytest.mark.parametrize("fmt", ["cloudpickle", "pickle", "skops"])
def test_round_trip_in_each_format_predicts_the_same(tmp_path, fitted_classifier, iris, fmt):
    X, _ = iris
    weir.sklearn.save_model(fitted_classifier, tmp_path / "m", serialization_format=fmt)
    loaded = weir.sklearn.load_model(str(tmp_path / "m"))
    np.testing.assert_array_equal(loaded.predict(X), fitted_classifier.predict(X))
    pyfunc = weir.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_array_equal(pyfunc.predict(X), fitted_classifier.predict(X))


def test_skops_model_records_its_trusted_types_and_loads_with_them(tmp_path, custom_model):
    weir.sklearn.save_model(custom_model, tmp_path / "m", serialization_format="skops")
    flavor = _mlmodel(tmp_path / "m")["flavors"]["sklearn"]
    assert flavor["pickled_model"] == "model.skops"
    assert flavor["skops_trusted_types"] == [CUSTOM_TYPE]
    assert weir.sklearn.load_model(str(tmp_path / "m")).predict([[7]]) == [2.0]


def test_skops_load_with_an_explicit_empty_trust_list_refuses(tmp_path, custom_model):
    weir.sklearn.save_model(custom_model, tmp_path / "m", serialization_format="skops")
    with pytest.raises(WeirException, match="not trusted"):
        weir.sklearn.load_model(str(tmp_path / "m"), skops_trusted_types=[])


def test_pyfunc_predict_fn_predict_proba_is_honoured(tmp_path, fitted_classifier, iris):
    X, _ = iris
    weir.sklearn.save_model(fitted_classifier, tmp_path / "m", pyfunc_predict_fn="predict_proba")
    assert _mlmodel(tmp_path / "m")["flavors"]["python_function"]["predict_fn"] == "predict_proba"
    proba = weir.pyfunc.load_model(str(tmp_path / "m")).predict(X)
    np.testing.assert_allclose(np.asarray(proba), fitted_classifier.predict_proba(X))


def test_unknown_pyfunc_predict_fn_is_rejected(tmp_path, fitted_classifier):
    with pytest.raises(WeirException, match="pyfunc_predict_fn"):
        weir.sklearn.save_model(fitted_classifier, tmp_path / "m", pyfunc_predict_fn="decide")
    assert not (tmp_path / "m").exists()


def test_signature_and_input_example_are_saved(tmp_path, fitted_classifier, iris_frame):
    X, _ = iris_frame
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(max_iter=1000).fit(X, iris_frame[1])
    signature = weir.models.infer_signature(X, model.predict(X))
    weir.sklearn.save_model(model, tmp_path / "m", signature=signature, input_example=X.iloc[:2])
    mlmodel = _mlmodel(tmp_path / "m")
    assert "sepal length (cm)" in mlmodel["signature"]["inputs"]
    assert mlmodel["saved_input_example_info"]["type"] == "dataframe"
    assert (tmp_path / "m" / "input_example.json").exists()
    pyfunc = weir.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_array_equal(np.asarray(pyfunc.predict(X)), model.predict(X))


def test_input_example_alone_infers_a_signature(tmp_path, fitted_classifier, iris):
    X, _ = iris
    weir.sklearn.save_model(fitted_classifier, tmp_path / "m", input_example=X[:3])
    assert _mlmodel(tmp_path / "m")["signature"]["outputs"]


def test_save_refuses_an_existing_non_empty_path(tmp_path, fitted_classifier):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "keep.txt").write_text("mine")
    with pytest.raises(WeirException, match="already exists"):
        weir.sklearn.save_model(fitted_classifier, tmp_path / "m")
    assert (tmp_path / "m" / "keep.txt").read_text() == "mine"


def test_failed_save_leaves_nothing_behind(tmp_path, fitted_classifier):
    with pytest.raises(WeirException, match="Only one of"):
        weir.sklearn.save_model(
            fitted_classifier, tmp_path / "m", pip_requirements=["a"], extra_pip_requirements=["b"]
        )
    assert not (tmp_path / "m").exists()


def test_code_paths_are_copied_into_the_model(tmp_path, fitted_classifier):
    helper = tmp_path / "helper.py"
    helper.write_text("VALUE = 1\n")
    weir.sklearn.save_model(fitted_classifier, tmp_path / "m", code_paths=[str(helper)])
    assert (tmp_path / "m" / "code" / "helper.py").exists()
    assert _mlmodel(tmp_path / "m")["flavors"]["sklearn"]["code"] == "code"


def test_loading_refuses_a_model_file_outside_the_model_dir(tmp_path, fitted_classifier):
    weir.sklearn.save_model(fitted_classifier, tmp_path / "m")
    (tmp_path / "evil.pkl").write_bytes((tmp_path / "m" / "model.pkl").read_bytes())
    mlmodel = _mlmodel(tmp_path / "m")
    mlmodel["flavors"]["sklearn"]["pickled_model"] = "../evil.pkl"
    (tmp_path / "m" / "MLmodel").write_text(yaml.safe_dump(mlmodel))
    with pytest.raises(WeirException, match="outside the model directory"):
        weir.sklearn.load_model(str(tmp_path / "m"))


def test_model_without_serialization_format_loads_as_pickle(tmp_path, fitted_classifier, iris):
    weir.sklearn.save_model(fitted_classifier, tmp_path / "m", serialization_format="pickle")
    mlmodel = _mlmodel(tmp_path / "m")
    del mlmodel["flavors"]["sklearn"]["serialization_format"]
    (tmp_path / "m" / "MLmodel").write_text(yaml.safe_dump(mlmodel))
    loaded = weir.sklearn.load_model(str(tmp_path / "m"))
    np.testing.assert_array_equal(loaded.predict(iris[0]), fitted_classifier.predict(iris[0]))


def test_log_model_and_load_through_runs_uri(weir_store, fitted_forest):
    with weir.start_run() as run:
        info = weir.sklearn.log_model(fitted_forest, artifact_path="sklearn-model")
    assert info.artifact_path == "sklearn-model"
    uri = f"runs:/{run.info.run_id}/sklearn-model"
    assert weir.pyfunc.load_model(uri).predict([[0, 1, 0]]) == fitted_forest.predict([[0, 1, 0]])
    assert weir.sklearn.load_model(uri).n_estimators == 4


def test_log_model_accepts_mlflow3_name(weir_store, fitted_classifier):
    with weir.start_run():
        info = weir.sklearn.log_model(fitted_classifier, name="clf")
    assert info.artifact_path == "clf"


@pytest.mark.filterwarnings("ignore:X has feature names")
def test_seed_tutorial_save_log_and_load_work_as_written(tmp_path, weir_store, monkeypatch, breast_cancer):
    """The seed tutorial's packaging section, with ``import weir as mlflow``."""
    import weir as mlflow
    from sklearn.linear_model import LogisticRegression

    monkeypatch.chdir(tmp_path)
    X, y = breast_cancer
    model = LogisticRegression(max_iter=5000).fit(X, y)
    columns = [f"f{i}" for i in range(X.shape[1])]
    X_df = pd.DataFrame(X, columns=columns)
    signature = mlflow.models.infer_signature(X_df, model.predict(X))
    input_example = X_df.iloc[:3]
    conda_env = {
        "channels": ["conda-forge"],
        "dependencies": ["python=3.11", {"pip": ["mlflow"]}],
        "name": "env",
    }
    mlflow.sklearn.save_model(
        sk_model=model, path="model", conda_env=conda_env, signature=signature, input_example=input_example
    )
    with mlflow.start_run() as run:
        run_id = run.info.run_id
        mlflow.sklearn.log_model(
            sk_model=model,
            artifact_path="model",
            conda_env=conda_env,
            signature=signature,
            input_example=input_example,
        )
    for uri in ("model", f"runs:/{run_id}/model"):
        pyfunc_model = mlflow.pyfunc.load_model(model_uri=uri)
        sklearn_model = mlflow.sklearn.load_model(model_uri=uri)
        assert np.equal(np.asarray(pyfunc_model.predict(X_df)), sklearn_model.predict(X)).all()
        assert sklearn_model.predict_proba(X).shape == (len(X), 2)
