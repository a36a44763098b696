"""``weir.lightgbm.autolog()``: what a LightGBM training run records, and that training is never hurt."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import lightgbm
import numpy as np
import pytest
import weir

pytestmark = pytest.mark.filterwarnings("ignore:The argument 'eval_set' is deprecated")
BASE = {"objective": "regression", "metric": ["l2", "l1"], "verbose": -1, "num_leaves": 7}


@pytest.fixture
def datasets(regression_data):
    features, target = regression_data
    train = lightgbm.Dataset(features[:220], label=target[:220])
    return train, lightgbm.Dataset(features[220:], label=target[220:], reference=train)


def _steps(run_id: str, key: str) -> list[int]:
    return [point.step for point in weir.MlflowClient().get_metric_history(run_id, key)]


def _only_run(weir_client):
    (run,) = weir_client.search_runs(experiment_ids=["0"])
    return run


def test_train_records_params_iteration_metrics_importance_and_booster(
    weir_autolog, run_data, datasets, regression_data
):
    features, _ = regression_data
    train, valid = datasets
    weir.lightgbm.autolog()
    with weir.start_run() as run:
        booster = lightgbm.train(BASE, train, num_boost_round=7, valid_sets=[valid], valid_names=["holdout"])
    record = run_data(run.info.run_id)
    assert record.params["objective"] == "regression" and record.params["num_leaves"] == "7"
    assert record.params["num_boost_round"] == "7" and record.params["keep_training_booster"] == "False"
    assert not {"train_set", "valid_sets", "callbacks", "valid_names"} & set(record.params)
    assert _steps(run.info.run_id, "holdout-l2") == list(range(7))
    assert {"holdout-l1", "holdout-l2"} <= set(record.metrics)
    assert not {"best_iteration", "stopped_iteration"} & set(record.metrics)
    for kind in ("split", "gain"):
        assert {f"feature_importance_{kind}.json", f"feature_importance_{kind}.png"} <= set(record.artifacts)
    with open(weir.MlflowClient().download_artifacts(run.info.run_id, "feature_importance_split.json")) as f:
        text = f.read()
    assert text.startswith("{\n  ")  # indented, as MLflow writes it
    assert json.loads(text) == dict(
        zip(booster.feature_name(), booster.feature_importance("split").tolist(), strict=True)
    )
    assert {"model/MLmodel", "model/model.lgb"} <= set(record.artifacts)
    reloaded = weir.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
    np.testing.assert_allclose(reloaded.predict(features), booster.predict(features))


def test_early_stopping_callback_logs_best_and_stopped_iteration(weir_autolog, run_data, datasets):
    train, valid = datasets
    weir.lightgbm.autolog(log_models=False)
    with weir.start_run() as run:
        booster = lightgbm.train(
            {**BASE, "learning_rate": 0.9},
            train,
            num_boost_round=300,
            valid_sets=[valid],
            callbacks=[lightgbm.early_stopping(3, verbose=False)],
        )
    record = run_data(run.info.run_id)
    steps = _steps(run.info.run_id, "valid_0-l2")
    iterations = len(steps) - 1
    assert steps == [*range(iterations), iterations]
    assert record.metrics["stopped_iteration"] == iterations < 300
    assert record.metrics["best_iteration"] == booster.best_iteration
    history = weir.MlflowClient().get_metric_history(run.info.run_id, "valid_0-l2")
    assert history[-1].value == history[booster.best_iteration - 1].value  # LightGBM counts from 1


def test_sklearn_estimator_fit_gets_one_managed_run_and_its_model(
    weir_autolog, weir_client, run_data, regression_data
):
    features, target = regression_data
    weir.lightgbm.autolog(log_input_examples=True, extra_tags={"owner": "tests"})
    estimator = lightgbm.LGBMRegressor(n_estimators=5, num_leaves=5, verbose=-1)
    returned = estimator.fit(features[:220], target[:220], eval_set=[(features[220:], target[220:])])
    assert returned is estimator
    run = _only_run(weir_client)
    record = run_data(run.info.run_id)
    assert record.status == "FINISHED"
    assert record.tags["mlflow.autologging"] == "lightgbm" and record.tags["owner"] == "tests"
    assert record.params["num_leaves"] == "5" and record.params["num_boost_round"] == "5"
    assert _steps(run.info.run_id, "valid_0-l2") == list(range(5))
    assert {"model/model.pkl", "model/input_example.json", "feature_importance_gain.png"} <= set(
        record.artifacts
    )
    assert type(weir.lightgbm.load_model(f"runs:/{run.info.run_id}/model")) is lightgbm.LGBMRegressor
    predictions = weir.pyfunc.load_model(f"runs:/{run.info.run_id}/model").predict(features)
    np.testing.assert_allclose(np.asarray(predictions), estimator.predict(features))


def test_no_model_is_logged_when_log_models_is_off(weir_autolog, run_data, datasets):
    weir.lightgbm.autolog(log_models=False)
    with weir.start_run() as run:
        lightgbm.train(BASE, datasets[0], num_boost_round=2)
    assert [a for a in run_data(run.info.run_id).artifacts if a.startswith("model/")] == []


def test_training_error_reaches_the_user_and_the_run_fails(weir_autolog, weir_client, datasets):
    weir.lightgbm.autolog()

    def exploding(env):
        raise ZeroDivisionError(f"boom at iteration {env.iteration}")

    with pytest.raises(ZeroDivisionError, match="boom at iteration 0") as caught:
        lightgbm.train(BASE, datasets[0], num_boost_round=3, callbacks=[exploding])
    assert type(caught.value) is ZeroDivisionError
    assert _only_run(weir_client).info.status == "FAILED"


def test_failing_store_only_warns_and_train_returns_the_booster(weir_autolog, monkeypatch, datasets):
    from weir.plugins.safety import AutologgingWarning
    from weir.tracking.client import WeirClient

    monkeypatch.delenv("WEIR_AUTOLOG_STRICT", raising=False)
    store_type = type(WeirClient().store)
    weir.lightgbm.autolog()

    def refuse(*args, **kwargs):
        raise PermissionError("store is read-only")

    with monkeypatch.context() as broken:
        broken.setattr(store_type, "log_batch", refuse)
        with pytest.warns(AutologgingWarning, match="read-only"):
            booster = lightgbm.train(BASE, datasets[0], num_boost_round=4, valid_sets=[datasets[1]])
    assert isinstance(booster, lightgbm.Booster) and booster.current_iteration() == 4


def test_disabling_puts_back_the_exact_original_objects(weir_autolog):
    import lightgbm.engine
    import lightgbm.sklearn
    from weir.plugins.patching import find_weir_patches
    from weir_lightgbm._autolog import sklearn_classes

    targets = [(lightgbm, "train"), (lightgbm.engine, "train"), (lightgbm.sklearn, "train")]
    targets += [(lightgbm.Dataset, "__init__"), *((cls, "fit") for cls in sklearn_classes())]
    owners = [owner for owner, _ in targets]
    before = {(o, n): vars(o)[n] for o, n in targets}
    weir.lightgbm.autolog()
    assert all(vars(o)[n] is not v for (o, n), v in before.items())
    weir.lightgbm.autolog(disable=True)
    assert all(vars(o)[n] is v for (o, n), v in before.items())
    assert find_weir_patches(owners) == []


@pytest.mark.parametrize("first", ["weir", "lightgbm"])
def test_autolog_works_whichever_is_imported_first(tmp_path, first):
    program = textwrap.dedent(
        f"""
        import numpy as np
        import weir
        weir.set_tracking_uri({(tmp_path / "store").as_uri()!r})
        if {first!r} == "weir":
            weir.autolog(log_models=False)
        from lightgbm import Dataset, train
        import lightgbm
        if {first!r} == "lightgbm":
            weir.autolog(log_models=False)
        data = Dataset(np.arange(60.0).reshape(30, 2), label=np.arange(30.0))
        params = {{"objective": "regression", "verbose": -1, "min_data_in_leaf": 2}}
        train(params, data, 2, valid_sets=[data], valid_names=["fit"])
        lightgbm.train(params, data, 2)
        runs = weir.search_runs(output_format="list")
        print(len(runs), sorted({{r.data.tags["mlflow.autologging"] for r in runs}}), sum("fit-l2" in r.data.metrics for r in runs))
        """
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "['lightgbm']", "1"]


def test_out_of_range_version_skips_autolog_with_a_warning(weir_autolog, monkeypatch):
    from weir.plugins import versions
    from weir.plugins.safety import AutologgingWarning
    from weir_lightgbm import _autologger

    monkeypatch.delenv("WEIR_AUTOLOG_STRICT", raising=False)
    real = versions.installed_version
    monkeypatch.setattr(
        versions, "installed_version", lambda dist: "3.3.5" if dist == "lightgbm" else real(dist)
    )
    train_before = vars(lightgbm)["train"]
    with pytest.warns(AutologgingWarning, match=r"lightgbm >= 4\.0\.0.*3\.3\.5"):
        weir.lightgbm.autolog()
    assert not _autologger().is_instrumented and vars(lightgbm)["train"] is train_before


def test_global_autolog_covers_lightgbm(weir_autolog, weir_client, datasets):
    weir.autolog(log_models=False)
    lightgbm.train(BASE, datasets[0], num_boost_round=2, valid_sets=[datasets[1]], valid_names=["v"])
    run = _only_run(weir_client)
    assert run.data.tags["mlflow.autologging"] == "lightgbm" and "v-l1" in run.data.metrics


def test_callbacks_given_by_the_user_are_left_as_they_were(weir_autolog, datasets):
    weir.lightgbm.autolog(log_models=False)
    mine = [lightgbm.log_evaluation(period=0)]
    lightgbm.train(BASE, datasets[0], 2, valid_sets=[datasets[1]], callbacks=mine)
    assert len(mine) == 1
