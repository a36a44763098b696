"""What ``weir.sklearn.autolog()`` records, and that it never gets in the way of training."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
import weir
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn_support import HAS_MLFLOW

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

PLOTS = {"training_confusion_matrix.png", "training_roc_curve.png", "training_precision_recall_curve.png"}


def _model_files(artifacts: list[str], prefix: str) -> set[str]:
    return {a.split("/", 1)[1] for a in artifacts if a.startswith(prefix + "/")}


def _read(run_data, run_id: str):
    """The run as logged, once the background plot thread has caught up."""
    weir.sklearn.wait_for_artifacts()
    return run_data(run_id)


def _runs(weir_client) -> list:
    return weir_client.search_runs(experiment_ids=["0"])


def test_autolog_logs_params_metrics_tags_plots_and_model(weir_autolog, run_data, breast_cancer):
    X, y = breast_cancer
    weir.sklearn.autolog()
    with weir.start_run() as run:
        model = LogisticRegression(max_iter=5000, C=0.5).fit(X, y)
    logged = _read(run_data, run.info.run_id)
    assert logged.params["C"] == "0.5" and logged.params["max_iter"] == "5000"
    assert set(logged.params) == set(model.get_params(deep=True))
    assert {
        "training_accuracy_score",
        "training_precision_score",
        "training_recall_score",
        "training_f1_score",
        "training_log_loss",
        "training_roc_auc",
        "training_score",
    } <= set(logged.metrics)
    assert logged.metrics["training_score"] == pytest.approx(model.score(X, y))
    assert logged.tags["estimator_name"] == "LogisticRegression"
    assert logged.tags["estimator_class"] == "sklearn.linear_model._logistic.LogisticRegression"
    assert "mlflow.autologging" not in logged.tags  # the user's own run is not tagged
    assert set(logged.artifacts) >= PLOTS
    assert {"MLmodel", "model.pkl"} <= _model_files(logged.artifacts, "model")
    loaded = weir.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
    np.testing.assert_array_equal(np.asarray(loaded.predict(X)), model.predict(X))


def test_fit_without_a_run_gets_a_managed_run_tagged_autologging(weir_autolog, weir_client, run_data, iris):
    X, y = iris
    weir.sklearn.autolog(extra_tags={"team": "ml"})
    LogisticRegression(max_iter=1000).fit(X, y)
    assert weir.active_run() is None
    (run,) = _runs(weir_client)
    logged = _read(run_data, run.info.run_id)
    assert logged.status == "FINISHED"
    assert logged.tags["mlflow.autologging"] == "sklearn" and logged.tags["team"] == "ml"


def test_plots_can_be_drawn_inside_fit(weir_autolog, monkeypatch, run_data, breast_cancer):
    monkeypatch.setenv("WEIR_SKLEARN_SYNC_PLOTS", "1")
    weir.sklearn.autolog(log_models=False)
    with weir.start_run() as run:
        LogisticRegression(max_iter=1000).fit(*breast_cancer)
    assert set(run_data(run.info.run_id).artifacts) >= PLOTS  # no wait needed


def test_regressor_gets_regression_metrics_and_no_plots(weir_autolog, run_data):
    X = np.arange(20, dtype=float).reshape(10, 2)
    y = X @ [1.0, 2.0]
    with weir.start_run() as run:
        weir.sklearn.autolog()
        LinearRegression().fit(X, y)
    logged = _read(run_data, run.info.run_id)
    assert {
        "training_mean_squared_error",
        "training_root_mean_squared_error",
        "training_mean_absolute_error",
        "training_r2_score",
        "training_score",
    } <= set(logged.metrics)
    assert not PLOTS & set(logged.artifacts)


def test_signature_is_logged_and_input_example_only_on_request(weir_autolog, iris):
    import yaml

    X, y = iris
    weir.sklearn.autolog(log_input_examples=True)
    with weir.start_run() as run:
        LogisticRegression(max_iter=1000).fit(X, y)
    local = weir.MlflowClient().download_artifacts(run.info.run_id, "model")
    with open(f"{local}/MLmodel") as f:
        mlmodel = yaml.safe_load(f)
    assert '"shape": [-1, 4]' in mlmodel["signature"]["inputs"]
    assert mlmodel["saved_input_example_info"]["type"] == "ndarray"


def test_log_models_false_logs_no_model(weir_autolog, run_data, iris):
    X, y = iris
    weir.sklearn.autolog(log_models=False)
    with weir.start_run() as run:
        LogisticRegression(max_iter=1000).fit(X, y)
    assert not any(a.startswith("model/") for a in _read(run_data, run.info.run_id).artifacts)


def test_pipeline_logs_once_with_nested_params(weir_autolog, weir_client, run_data, iris):
    X, y = iris
    weir.sklearn.autolog()
    Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=1000))]).fit(X, y)
    (run,) = _runs(weir_client)
    logged = _read(run_data, run.info.run_id)
    assert logged.tags["estimator_name"] == "Pipeline"
    assert logged.params["clf__max_iter"] == "1000" and "scale__with_mean" in logged.params


def test_preprocessing_alone_is_not_autologged(weir_autolog, weir_client, iris):
    weir.sklearn.autolog()
    StandardScaler().fit_transform(iris[0])
    assert _runs(weir_client) == []


def test_fit_predict_and_fit_transform_are_autologged(weir_autolog, weir_client, iris):
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA

    weir.sklearn.autolog(log_models=False)
    KMeans(n_clusters=3, n_init=2, random_state=0).fit_predict(iris[0])
    PCA(n_components=2).fit_transform(iris[0])
    names = sorted(r.data.tags["estimator_name"] for r in _runs(weir_client))
    assert names == ["KMeans", "PCA"]


def test_cross_validation_helpers_do_not_autolog_their_fits(weir_autolog, weir_client, iris):
    weir.sklearn.autolog()
    cross_val_score(LogisticRegression(max_iter=1000), *iris, cv=3)
    assert _runs(weir_client) == []


def test_grid_search_parent_and_child_runs(weir_autolog, weir_client, run_data, breast_cancer):
    """The seed tutorial's GridSearchCV over LogisticRegression on breast cancer."""
    weir.sklearn.autolog(max_tuning_runs=3)
    data_X, data_y = breast_cancer
    grid_search = GridSearchCV(
        estimator=LogisticRegression(max_iter=1000), param_grid={"C": [1, 2, 3, 4, 5]}, cv=3
    )
    with weir.start_run() as run:
        grid_search.fit(X=data_X, y=data_y)
    parent = _read(run_data, run.info.run_id)
    assert parent.params["best_C"] == str(grid_search.best_params_["C"])
    assert "estimator" in parent.params and "estimator__C" not in parent.params
    assert parent.metrics["best_cv_score"] == pytest.approx(grid_search.best_score_)
    assert {"cv_results.csv", *PLOTS} <= set(parent.artifacts)
    assert "MLmodel" in _model_files(parent.artifacts, "model")
    assert "MLmodel" in _model_files(parent.artifacts, "best_estimator")

    children = [r for r in _runs(weir_client) if r.data.tags.get("mlflow.parentRunId") == run.info.run_id]
    assert len(children) == 3
    ranks = sorted(r.data.metrics["rank_test_score"] for r in children)
    assert ranks == sorted(grid_search.cv_results_["rank_test_score"])[:3]
    for child in children:
        assert child.data.tags["mlflow.autologging"] == "sklearn"
        assert child.data.tags["estimator_name"] == "LogisticRegression"
        assert child.data.params["max_iter"] == "1000"
        assert {"mean_test_score", "std_test_score", "mean_fit_time"} <= set(child.data.metrics)

    best = weir.pyfunc.load_model(f"runs:/{run.info.run_id}/best_estimator")
    np.testing.assert_array_equal(
        np.asarray(best.predict(data_X)), grid_search.best_estimator_.predict(data_X)
    )
    if HAS_MLFLOW:
        import mlflow

        local = weir_client.download_artifacts(run.info.run_id, "model")
        np.testing.assert_array_equal(
            mlflow.pyfunc.load_model(local).predict(data_X), grid_search.predict(data_X)
        )


def test_max_tuning_runs_none_logs_every_candidate(weir_autolog, weir_client, iris):
    weir.sklearn.autolog(max_tuning_runs=None, log_models=False)
    GridSearchCV(LogisticRegression(max_iter=1000), {"C": [0.1, 1.0, 10.0, 100.0]}, cv=2).fit(*iris)
    children = [r for r in _runs(weir_client) if "mlflow.parentRunId" in r.data.tags]
    assert len(children) == 4


def test_seed_random_forest_in_a_named_run(weir_autolog, run_data):
    """The seed tutorial: autolog + RandomForestRegressor fit inside a named run."""
    import weir as mlflow

    params = {"n_estimators": 4, "random_state": 42}
    mlflow.sklearn.autolog()
    run_name = "autologging model example"
    with mlflow.start_run(run_name=run_name) as run:
        rfr = RandomForestRegressor(**params).fit(np.array([[0, 1, 0], [0, 1, 0], [0, 1, 0]]), [1, 1, 1])
    mlflow.sklearn.autolog(disable=True)
    logged = _read(run_data, run.info.run_id)
    assert logged.tags["mlflow.runName"] == run_name
    assert logged.params["n_estimators"] == "4"
    assert "training_mean_squared_error" in logged.metrics
    model = mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
    assert model.predict([[0, 1, 0]]) == rfr.predict([[0, 1, 0]])
    if HAS_MLFLOW:
        import mlflow as real_mlflow

        local = weir.MlflowClient().download_artifacts(run.info.run_id, "model")
        assert real_mlflow.pyfunc.load_model(local).predict(np.array([[0, 1, 0]])) == rfr.predict([[0, 1, 0]])


def test_post_training_metrics_use_mlflows_names(weir_autolog, run_data, breast_cancer):
    import json

    import sklearn.metrics

    X, y = breast_cancer
    X_train, X_test, y_train, y_test = X[:400], X[400:], y[:400], y[400:]
    weir.sklearn.autolog()
    with weir.start_run() as run:
        model = LogisticRegression(max_iter=5000).fit(X_train, y_train)
        y_pred = model.predict(X_test)
        acc = sklearn.metrics.accuracy_score(y_test, y_pred)
        acc_again = sklearn.metrics.accuracy_score(y_test, y_pred)
        score = model.score(X_test, y_test)
    logged = _read(run_data, run.info.run_id)
    assert logged.metrics["accuracy_score_X_test"] == pytest.approx(acc)
    assert logged.metrics["accuracy_score-2_X_test"] == pytest.approx(acc_again)
    assert logged.metrics["LogisticRegression_score_X_test"] == pytest.approx(score)
    path = weir.MlflowClient().download_artifacts(run.info.run_id, "metric_info.json")
    with open(path) as f:
        info = json.load(f)
    assert info["accuracy_score_X_test"] == "accuracy_score(y_true=y_test, y_pred=y_pred)"
    assert info["LogisticRegression_score_X_test"] == "LogisticRegression.score(X=X_test, y=y_test)"


def test_post_training_metrics_can_be_turned_off(weir_autolog, run_data, iris):
    import sklearn.metrics

    X, y = iris
    weir.sklearn.autolog(log_post_training_metrics=False)
    with weir.start_run() as run:
        model = LogisticRegression(max_iter=1000).fit(X, y)
        sklearn.metrics.accuracy_score(y, model.predict(X))
    assert not any(k.startswith("accuracy_score_") for k in _read(run_data, run.info.run_id).metrics)


def test_exclusive_does_not_log_into_a_user_run(weir_autolog, run_data, iris):
    weir.sklearn.autolog(exclusive=True)
    with weir.start_run() as run:
        LogisticRegression(max_iter=1000).fit(*iris)
    assert _read(run_data, run.info.run_id).params == {}


def test_user_exception_passes_through_unchanged(weir_autolog, weir_client):
    weir.sklearn.autolog()
    with pytest.raises(
        ValueError, match="Found input variables with inconsistent numbers of samples"
    ) as info:
        LinearRegression().fit([[1.0], [2.0]], [1.0, 2.0, 3.0])
    assert type(info.value) is ValueError
    (run,) = _runs(weir_client)
    assert run.info.status == "FAILED"


def test_autolog_error_is_a_warning_and_fit_still_returns(weir_autolog, monkeypatch, iris):
    """A broken store never breaks fit: outside strict mode the failure is only a warning."""
    from weir.plugins.safety import AutologgingWarning
    from weir.tracking.client import WeirClient

    monkeypatch.delenv("WEIR_AUTOLOG_STRICT", raising=False)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(WeirClient, "log_batch", broken)
    monkeypatch.setattr(WeirClient, "log_artifact", broken)
    weir.sklearn.autolog()
    try:
        model = LogisticRegression(max_iter=1000)
        with pytest.warns(AutologgingWarning, match="disk full"):
            returned = model.fit(*iris)
        assert returned is model and hasattr(model, "coef_")
    finally:
        weir.sklearn.autolog(disable=True)


def test_unwritable_tracking_uri_never_breaks_fit(weir_autolog, tmp_path, monkeypatch, iris):
    from weir.plugins.safety import AutologgingWarning

    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the store directory should be")
    monkeypatch.delenv("WEIR_AUTOLOG_STRICT", raising=False)
    weir.set_tracking_uri((blocker / "runs").as_uri())
    weir.sklearn.autolog()
    try:
        model = LogisticRegression(max_iter=1000)
        with pytest.warns(AutologgingWarning):
            assert model.fit(*iris) is model
        assert model.predict(iris[0][:2]).shape == (2,)
    finally:
        weir.sklearn.autolog(disable=True)
        weir.set_tracking_uri(weir_autolog)


def test_disable_restores_every_original_method(weir_autolog):
    import sklearn.metrics
    from sklearn.model_selection._search import BaseSearchCV

    originals = {
        (LogisticRegression, "fit"): vars(LogisticRegression)["fit"],
        (Pipeline, "fit_transform"): vars(Pipeline)["fit_transform"],
        (BaseSearchCV, "fit"): vars(BaseSearchCV)["fit"],
        (sklearn.metrics, "accuracy_score"): vars(sklearn.metrics)["accuracy_score"],
    }
    scaler_had_own = "fit_transform" in vars(StandardScaler)
    weir.sklearn.autolog()
    assert vars(LogisticRegression)["fit"] is not originals[(LogisticRegression, "fit")]
    weir.sklearn.autolog(disable=True)
    for (owner, name), original in originals.items():
        assert vars(owner)[name] is original, f"{owner}.{name} not restored"
    assert ("fit_transform" in vars(StandardScaler)) == scaler_had_own
    from weir.plugins.patching import find_weir_patches
    from weir_sklearn._autolog import fit_patch_targets

    assert find_weir_patches(list({owner for owner, _ in fit_patch_targets()})) == []


def test_import_order_does_not_matter(tmp_path):
    """autolog() before ``import sklearn`` patches on import; after it patches at once."""
    for order in ("autolog_first", "sklearn_first"):
        script = textwrap.dedent(
            f"""
            import weir
            weir.set_tracking_uri({(tmp_path / order).as_uri()!r})
            if {order!r} == "autolog_first":
                weir.sklearn.autolog(log_models=False)
            from sklearn.linear_model import LinearRegression
            if {order!r} == "sklearn_first":
                weir.sklearn.autolog(log_models=False)
            LinearRegression().fit([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0])
            runs = weir.search_runs(output_format="list")
            print(len(runs), runs[0].data.tags["estimator_name"])
            """
        )
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert out.stdout.split() == ["1", "LinearRegression"], order


def test_unsupported_version_skips_with_a_warning(weir_autolog, monkeypatch):
    from weir.plugins import versions
    from weir.plugins.safety import AutologgingWarning
    from weir_sklearn import _autologger

    monkeypatch.delenv("WEIR_AUTOLOG_STRICT", raising=False)
    real = versions.installed_version
    monkeypatch.setattr(
        versions, "installed_version", lambda dist: "0.24.2" if dist == "scikit-learn" else real(dist)
    )
    with pytest.warns(AutologgingWarning, match=r"scikit-learn >= 1\.4\.2.*0\.24\.2"):
        weir.sklearn.autolog()
    try:
        assert not _autologger().is_instrumented
        assert "fit" in vars(LinearRegression) and not hasattr(
            vars(LinearRegression)["fit"], "_self_weir_integration"
        )
    finally:
        weir.sklearn.autolog(disable=True)


def test_weir_autolog_turns_on_the_sklearn_integration(weir_autolog, weir_client, iris):
    weir.autolog(log_models=False)
    LogisticRegression(max_iter=1000).fit(*iris)
    (run,) = _runs(weir_client)
    assert run.data.tags["estimator_name"] == "LogisticRegression"


def test_bad_flags_are_rejected_clearly(weir_autolog):
    from weir.exceptions import WeirException

    with pytest.raises(WeirException, match="max_tuning_runs"):
        weir.sklearn.autolog(max_tuning_runs=-2)
    with pytest.raises(WeirException, match="Unrecognized serialization format"):
        weir.sklearn.autolog(serialization_format="joblib")
