"""What ``weir.xgboost.autolog()`` records, and that it never gets in the way of training."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import weir
import xgboost

HAS_MLFLOW = importlib.util.find_spec("mlflow") is not None
PARAMS = {"objective": "binary:logistic", "eval_metric": ["logloss", "auc"], "max_depth": 2}


def _splits(frame):
    X, y = frame
    return xgboost.DMatrix(X[:150], label=y[:150]), xgboost.DMatrix(X[150:], label=y[150:])


def _runs(weir_client) -> list:
    return weir_client.search_runs(experiment_ids=["0"])


def _history(run_id: str, key: str) -> list[tuple[int, float]]:
    return [(m.step, m.value) for m in weir.MlflowClient().get_metric_history(run_id, key)]


def test_train_logs_params_metrics_importance_and_model(weir_autolog, run_data, frame):
    X, _ = frame
    dtrain, dvalid = _splits(frame)
    weir.xgboost.autolog(importance_types=["weight", "gain"])
    with weir.start_run() as run:
        booster = xgboost.train(
            PARAMS, dtrain, num_boost_round=6, evals=[(dtrain, "train"), (dvalid, "validation")]
        )
    logged = run_data(run.info.run_id)
    assert logged.params["objective"] == "binary:logistic" and logged.params["max_depth"] == "2"
    assert logged.params["num_boost_round"] == "6" and logged.params["early_stopping_rounds"] == "None"
    assert not {"dtrain", "evals", "callbacks", "params"} & set(logged.params)
    assert {"train-logloss", "train-auc", "validation-logloss", "validation-auc"} <= set(logged.metrics)
    history = _history(run.info.run_id, "validation-logloss")
    assert [step for step, _ in history] == list(range(6))
    assert "stopped_iteration" not in logged.metrics  # no early stopping asked for
    assert {
        "feature_importance_weight.json",
        "feature_importance_weight.png",
        "feature_importance_gain.json",
        "feature_importance_gain.png",
    } <= set(logged.artifacts)
    with open(weir.MlflowClient().download_artifacts(run.info.run_id, "feature_importance_gain.json")) as f:
        assert json.load(f) == pytest.approx(booster.get_score(importance_type="gain"))
    assert {"model/MLmodel", "model/model.ubj"} <= set(logged.artifacts)
    loaded = weir.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
    np.testing.assert_allclose(loaded.predict(X), booster.predict(xgboost.DMatrix(X)), rtol=1e-6)
    assert "mlflow.autologging" not in logged.tags  # the user's own run is not tagged


def test_metric_values_are_the_ones_xgboost_reports(weir_autolog, frame):
    dtrain, dvalid = _splits(frame)
    weir.xgboost.autolog(log_models=False)
    evals_result: dict = {}
    with weir.start_run() as run:
        xgboost.train(PARAMS, dtrain, 4, evals=[(dvalid, "validation")], evals_result=evals_result)
    values = [v for _, v in _history(run.info.run_id, "validation-auc")]
    assert values == pytest.approx(evals_result["validation"]["auc"])


def test_early_stopping_logs_stopped_and_best_iteration(weir_autolog, run_data, frame):
    dtrain, dvalid = _splits(frame)
    weir.xgboost.autolog(log_models=False)
    with weir.start_run() as run:
        booster = xgboost.train(
            {**PARAMS, "eta": 0.8},
            dtrain,
            num_boost_round=200,
            evals=[(dvalid, "validation")],
            early_stopping_rounds=2,
            verbose_eval=False,
        )
    logged = run_data(run.info.run_id)
    history = _history(run.info.run_id, "validation-logloss")
    iterations = len(history) - 1  # plus the best iteration's values, one step past the last
    assert iterations < 200
    assert logged.metrics["stopped_iteration"] == iterations - 1
    assert logged.metrics["best_iteration"] == booster.best_iteration
    assert history[-1] == (iterations, history[booster.best_iteration][1])


def test_at_sign_in_metric_names_is_spelled_at(weir_autolog, run_data, frame):
    dtrain, _ = _splits(frame)
    weir.xgboost.autolog(log_models=False)
    with weir.start_run() as run:
        xgboost.train(
            {"objective": "binary:logistic", "eval_metric": "error@0.7"}, dtrain, 2, evals=[(dtrain, "t")]
        )
    assert "t-error_at_0.7" in run_data(run.info.run_id).metrics


def test_sklearn_fit_logs_into_one_managed_run_with_the_estimator(weir_autolog, weir_client, run_data, frame):
    X, y = frame
    weir.xgboost.autolog(extra_tags={"team": "ml"}, log_input_examples=True)
    model = xgboost.XGBClassifier(n_estimators=5, max_depth=2, eval_metric="logloss")
    assert model.fit(X[:150], y[:150], eval_set=[(X[150:], y[150:])], verbose=False) is model
    (run,) = _runs(weir_client)
    logged = run_data(run.info.run_id)
    assert logged.status == "FINISHED"
    assert logged.tags["mlflow.autologging"] == "xgboost" and logged.tags["team"] == "ml"
    assert logged.params["max_depth"] == "2" and logged.params["num_boost_round"] == "5"
    assert [s for s, _ in _history(run.info.run_id, "validation_0-logloss")] == list(range(5))
    assert {"feature_importance_weight.json", "model/MLmodel", "model/input_example.json"} <= set(
        logged.artifacts
    )
    loaded = weir.xgboost.load_model(f"runs:/{run.info.run_id}/model")
    assert type(loaded) is xgboost.XGBClassifier
    pyfunc = weir.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
    np.testing.assert_array_equal(np.asarray(pyfunc.predict(X)), model.predict(X))
    if HAS_MLFLOW:
        import mlflow

        local = weir_client.download_artifacts(run.info.run_id, "model")
        np.testing.assert_array_equal(mlflow.pyfunc.load_model(local).predict(X), model.predict(X))


def test_sklearn_early_stopping_is_logged(weir_autolog, run_data, frame):
    X, y = frame
    weir.xgboost.autolog(log_models=False)
    model = xgboost.XGBRegressor(n_estimators=300, learning_rate=0.9, early_stopping_rounds=2)
    with weir.start_run() as run:
        model.fit(X[:150], y[:150], eval_set=[(X[150:], y[150:])], verbose=False)
    logged = run_data(run.info.run_id)
    assert logged.metrics["best_iteration"] == model.best_iteration
    assert logged.metrics["stopped_iteration"] < 299


def test_log_models_false_logs_no_model(weir_autolog, run_data, frame):
    dtrain, _ = _splits(frame)
    weir.xgboost.autolog(log_models=False)
    with weir.start_run() as run:
        xgboost.train(PARAMS, dtrain, 2)
    assert not any(a.startswith("model/") for a in run_data(run.info.run_id).artifacts)


def test_model_format_json_is_used_for_the_logged_model(weir_autolog, run_data, frame):
    dtrain, _ = _splits(frame)
    weir.xgboost.autolog(model_format="json")
    with weir.start_run() as run:
        xgboost.train(PARAMS, dtrain, 2)
    assert "model/model.json" in run_data(run.info.run_id).artifacts


def test_user_exception_passes_through_unchanged(weir_autolog, weir_client, frame):
    dtrain, _ = _splits(frame)
    weir.xgboost.autolog()

    class Stop(xgboost.callback.TrainingCallback):
        def after_iteration(self, model, epoch, evals_log):
            raise KeyError("user callback broke")

    with pytest.raises(KeyError, match="user callback broke") as info:
        xgboost.train(PARAMS, dtrain, 3, callbacks=[Stop()])
    assert type(info.value) is KeyError
    (run,) = _runs(weir_client)
    assert run.info.status == "FAILED"


def test_broken_store_is_a_warning_and_training_still_returns(weir_autolog, monkeypatch, frame):
    from weir.plugins.safety import AutologgingWarning
    from weir.tracking.client import WeirClient

    monkeypatch.delenv("WEIR_AUTOLOG_STRICT", raising=False)
    store_class = type(WeirClient().store)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    dtrain, dvalid = _splits(frame)
    weir.xgboost.autolog()
    with monkeypatch.context() as patched:
        patched.setattr(store_class, "log_batch", broken)
        with pytest.warns(AutologgingWarning, match="disk full"):
            booster = xgboost.train(PARAMS, dtrain, 3, evals=[(dvalid, "validation")], verbose_eval=False)
    assert isinstance(booster, xgboost.Booster) and booster.num_boosted_rounds() == 3


def test_disable_restores_every_original_function(weir_autolog):
    import xgboost.sklearn
    import xgboost.training
    from weir.plugins.patching import find_weir_patches
    from weir_xgboost._autolog import sklearn_classes

    owners = [xgboost, xgboost.training, xgboost.sklearn, xgboost.DMatrix, *sklearn_classes()]
    originals = {
        (owner, name): vars(owner)[name]
        for owner in owners
        for name in ("train", "fit", "__init__")
        if name in vars(owner)
    }
    weir.xgboost.autolog()
    assert xgboost.train is not originals[(xgboost, "train")]
    assert vars(xgboost.XGBClassifier)["fit"] is not originals[(xgboost.XGBClassifier, "fit")]
    weir.xgboost.autolog(disable=True)
    for (owner, name), original in originals.items():
        assert vars(owner)[name] is original, f"{owner}.{name} not restored"
    assert find_weir_patches(owners) == []


@pytest.mark.parametrize("order", ["autolog_first", "xgboost_first"])
def test_import_order_does_not_matter(tmp_path, order):
    """autolog() before the import patches on import; after it patches at once, including a
    ``from xgboost import train`` done before autolog()."""
    script = textwrap.dedent(
        f"""
        import numpy as np
        import weir
        weir.set_tracking_uri({(tmp_path / "runs").as_uri()!r})
        if {order!r} == "autolog_first":
            weir.autolog(log_models=False)
        import xgboost
        from xgboost import train
        if {order!r} == "xgboost_first":
            weir.autolog(log_models=False)
        X = np.arange(40, dtype=float).reshape(20, 2)
        d = xgboost.DMatrix(X, label=X[:, 0] > 20)
        for fn in (train, xgboost.train):
            fn({{"objective": "binary:logistic"}}, d, 3, evals=[(d, "train")], verbose_eval=False)
        runs = weir.search_runs(output_format="list")
        print(len(runs), *sorted({{r.data.tags["mlflow.autologging"] for r in runs}}), sorted(runs[0].data.metrics))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["2", "xgboost", "['train-logloss']"]


def test_unsupported_version_is_skipped_with_a_warning(weir_autolog, monkeypatch):
    from weir.plugins import versions
    from weir.plugins.safety import AutologgingWarning
    from weir_xgboost import _autologger

    monkeypatch.delenv("WEIR_AUTOLOG_STRICT", raising=False)
    monkeypatch.setattr(type(_autologger()), "supported", ("xgboost >= 99", "xgboost-cpu >= 99"))
    assert versions.check_requirements(_autologger().supported).conflicts
    original = vars(xgboost)["train"]
    with pytest.warns(AutologgingWarning, match="xgboost-cpu >= 99|xgboost >= 99"):
        weir.xgboost.autolog()
    assert not _autologger().is_instrumented
    assert vars(xgboost)["train"] is original


def test_weir_autolog_turns_on_the_xgboost_integration(weir_autolog, weir_client, frame):
    dtrain, _ = _splits(frame)
    weir.autolog(log_models=False)
    xgboost.train(PARAMS, dtrain, 2, evals=[(dtrain, "train")])
    (run,) = _runs(weir_client)
    assert run.data.tags["mlflow.autologging"] == "xgboost"
    assert "train-auc" in run.data.metrics


def test_user_callbacks_list_is_not_modified(weir_autolog, frame):
    dtrain, _ = _splits(frame)
    weir.xgboost.autolog(log_models=False)
    callbacks: list = []
    xgboost.train(PARAMS, dtrain, 2, evals=[(dtrain, "train")], callbacks=callbacks)
    assert callbacks == []


def test_bad_flags_are_rejected_clearly(weir_autolog):
    from weir.exceptions import WeirException

    with pytest.raises(WeirException, match="model_format"):
        weir.xgboost.autolog(model_format="pickle")
    with pytest.raises(WeirException, match="importance_types"):
        weir.xgboost.autolog(importance_types="gain")
