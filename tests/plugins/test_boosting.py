"""weir.plugins.boosting: the per-iteration metrics, importance artifacts and helpers shared by the
gradient-boosting plugins, exercised without any framework installed."""

from __future__ import annotations

import json
import sys
import types

import pytest
import weir
from weir.plugins import boosting


def test_metric_key_joins_data_and_metric_and_spells_at():
    assert boosting.metric_key("validation_0", "ndcg@3") == "validation_0-ndcg_at_3"
    assert boosting.metric_key("train", "logloss") == "train-logloss"


def test_iteration_metrics_are_logged_per_step_and_kept_for_early_stopping(weir_client):
    with weir.start_run() as run:
        metrics = boosting.IterationMetrics(run.info.run_id, "fake")
        for step in range(4):
            metrics.record(step, [("valid", "l2", 1.0 / (step + 1)), ("valid", "ndcg@1", step)])
        metrics.log_early_stopping(stopped_iteration=3, best_iteration=1, best_step=1)
        metrics.close()
    history = weir_client.get_metric_history(run.info.run_id, "valid-l2")
    assert [(m.step, m.value) for m in history] == [(0, 1.0), (1, 0.5), (2, 1 / 3), (3, 0.25), (4, 0.5)]
    logged = weir_client.get_run(run.info.run_id).data.metrics
    assert logged["stopped_iteration"] == 3 and logged["best_iteration"] == 1
    assert logged["valid-ndcg_at_1"] == 1.0
    assert len(metrics) == 4 and metrics.last_step == 3


def test_iteration_metrics_buffer_locally_when_async_logging_is_off(weir_client, monkeypatch):
    monkeypatch.setenv("WEIR_ASYNC_LOGGING", "false")
    with weir.start_run() as run:
        metrics = boosting.IterationMetrics(run.info.run_id)
        metrics.record(0, [("train", "rmse", 2.5)])
        assert weir_client.get_metric_history(run.info.run_id, "train-rmse") == []  # not yet written
        metrics.close()
    assert [m.value for m in weir_client.get_metric_history(run.info.run_id, "train-rmse")] == [2.5]


def test_a_failing_record_warns_once_and_stops_logging(weir_store, monkeypatch):
    from weir.plugins.safety import AutologgingWarning

    monkeypatch.delenv("WEIR_AUTOLOG_STRICT", raising=False)
    with weir.start_run() as run:
        metrics = boosting.IterationMetrics(run.info.run_id, "fake")
        with pytest.warns(AutologgingWarning, match="fake.*ValueError"):
            metrics.record(0, [("train", "rmse", "not a number")])
        metrics.record(1, [("train", "rmse", 1.0)])  # silently skipped from now on
    assert metrics.failed and metrics.history == {}


def test_a_failing_record_raises_in_strict_mode(weir_store, weir_strict_autolog):
    with weir.start_run() as run:
        metrics = boosting.IterationMetrics(run.info.run_id)
        with pytest.raises(ValueError):
            metrics.record(0, [("train", "rmse", "nan?")])


def test_call_arguments_include_defaults_and_leave_out_excluded_names():
    def train(params, dtrain, num_boost_round=10, *, evals=None, verbose_eval=True, **extra):
        return None

    got = boosting.call_arguments(train, ({"eta": 1}, "data"), {"evals": [], "seed": 3}, exclude=("dtrain",))
    assert got == {"params": {"eta": 1}, "num_boost_round": 10, "evals": [], "verbose_eval": True, "seed": 3}


def test_imported_aliases_find_module_globals_bound_to_a_function(monkeypatch):
    def train():
        return None

    user = types.ModuleType("user_script")
    user.train = train
    user.fit = train
    framework = types.ModuleType("fakefw")
    framework.train = train
    monkeypatch.setitem(sys.modules, "user_script", user)
    monkeypatch.setitem(sys.modules, "user_script_alias", user)  # like __main__ / __mp_main__
    monkeypatch.setitem(sys.modules, "fakefw", framework)
    found = boosting.imported_aliases(train, exclude=("fakefw",))
    assert sorted(name for module, name in found if module is user) == ["fit", "train"]
    assert all(module is not framework for module, _ in found)


def test_feature_importance_is_logged_as_json_and_png(weir_client, tmp_path):
    pytest.importorskip("matplotlib")
    importance = {"f0": 3.0, "f1": 1.5, "f2": 0.0}
    with weir.start_run() as run:
        logged = boosting.log_feature_importance(run.info.run_id, "gain", importance, indent=2)
    assert logged == ["feature_importance_gain.json", "feature_importance_gain.png"]
    path = weir_client.download_artifacts(run.info.run_id, "feature_importance_gain.json", str(tmp_path))
    with open(path) as f:
        assert json.load(f) == importance
    png = weir_client.download_artifacts(run.info.run_id, "feature_importance_gain.png", str(tmp_path))
    with open(png, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_per_class_importance_plots_one_bar_per_class(tmp_path):
    pytest.importorskip("matplotlib")
    target = tmp_path / "plot.png"
    boosting.render_importance_plot({"a": [1.0, 2.0, 0.5], "b": [0.1, 0.2, 0.3]}, "weight", str(target))
    assert target.stat().st_size > 1000


def test_first_rows_copies_the_head_of_the_training_data():
    np = pytest.importorskip("numpy")
    data = np.arange(20.0).reshape(10, 2)
    head = boosting.first_rows(data)
    data[0, 0] = 99.0
    assert head.shape == (5, 2) and head[0, 0] == 0.0
    assert boosting.first_rows("train.csv") is None and boosting.first_rows(None) is None
    assert boosting.first_rows([[1], [2]]) == [[1], [2]]
