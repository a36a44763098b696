"""Params, metrics, tags: values, errors at the call, and nothing lost on bad input."""

import math

import pytest
from weir.exceptions import WeirException


def test_params_are_stored_as_strings(store):
    with store.start_run() as run:
        assert store.log_param("lr", 0.01) == 0.01
        store.log_params({"epochs": 5, "act": "sigmoid", "flag": None})
    assert store.get_run(run.info.run_id).data.params == {
        "lr": "0.01",
        "epochs": "5",
        "act": "sigmoid",
        "flag": "None",
    }


def test_changing_a_param_raises_naming_the_key_and_keeps_the_old_value(store):
    with store.start_run() as run:
        store.log_param("lr", 0.01)
        store.log_param("lr", 0.01)  # the same value again is fine
        with pytest.raises(WeirException) as info:
            store.log_param("lr", 0.1)
        assert info.value.error_code == "INVALID_PARAMETER_VALUE"
        assert "lr" in info.value.message
        with pytest.raises(WeirException, match="lr"):
            store.log_params({"other": 1, "lr": 0.5})
    assert store.get_run(run.info.run_id).data.params["lr"] == "0.01"


@pytest.mark.parametrize("bad", ["abc", None, "1.5", [1.0], True, 1 + 2j, {"a": 1}])
def test_a_metric_that_is_not_a_number_raises_at_the_call_naming_key_and_value(store, bad):
    with store.start_run() as run:
        store.log_metric("good", 1.0)
        with pytest.raises(WeirException) as info:
            store.log_metric("acc", bad)
        assert info.value.error_code == "INVALID_PARAMETER_VALUE"
        assert "'acc'" in info.value.message and repr(bad) in info.value.message
        with pytest.raises(WeirException, match="acc"):
            store.log_metrics({"fine": 2.0, "acc": bad})
        store.log_metric("good", 3.0, step=1)
    stored = store.get_run(run.info.run_id).data.metrics
    assert stored == {"good": 3.0}  # nothing of the refused log_metrics call was written


def test_nan_inf_and_numpy_values_are_accepted(store):
    import numpy as np

    with store.start_run() as run:
        store.log_metric("nan", float("nan"))
        store.log_metric("inf", float("inf"))
        store.log_metric("ninf", -math.inf)
        store.log_metric("np32", np.float32(0.5))
        store.log_metric("npint", np.int64(7))
        store.log_metric("int", 3)
    metrics = store.get_run(run.info.run_id).data.metrics
    assert math.isnan(metrics["nan"])
    assert metrics["inf"] == math.inf and metrics["ninf"] == -math.inf
    assert metrics["np32"] == 0.5 and metrics["npint"] == 7.0 and metrics["int"] == 3.0


def test_metric_history_keeps_steps_timestamps_and_order(store):
    client = store.MlflowClient()
    with store.start_run() as run:
        for step, value in enumerate([0.1, 0.01, 0.001]):
            store.log_metric("val_loss", value, step=step)
        for value in [0.6, 0.6, 0.8, 0.9]:
            store.log_metric("val_acc", value)  # all at step 0, as in the seed tutorial
        store.log_metric("acc", 0.5, step=3, timestamp=1234)
        store.log_metrics({"a": 1, "b": 2}, step=7)
    history = client.get_metric_history(run.info.run_id, "val_loss")
    assert [m.value for m in history] == [0.1, 0.01, 0.001]
    assert [m.step for m in history] == [0, 1, 2]
    # identical (step, timestamp, value) points collapse into one, as in MLflow's SQL stores
    assert {m.value for m in client.get_metric_history(run.info.run_id, "val_acc")} == {0.6, 0.8, 0.9}
    (acc,) = client.get_metric_history(run.info.run_id, "acc")
    assert (acc.step, acc.timestamp) == (3, 1234)
    assert [m.step for m in client.get_metric_history(run.info.run_id, "b")] == [7]


@pytest.mark.parametrize("key", ["", "../up", "/abs", "bad|char", "a" * 251, 5])
def test_bad_keys_are_refused_at_the_call(store, key):
    with store.start_run() as run:
        store.log_metric("kept", 1.0)
        store.log_param("kept", "v")
        for call in (
            lambda: store.log_metric(key, 1.0),
            lambda: store.log_param(key, 1),
            lambda: store.set_tag(key, 1),
        ):
            with pytest.raises(WeirException) as info:
                call()
            assert info.value.error_code == "INVALID_PARAMETER_VALUE"
    data = store.get_run(run.info.run_id).data
    assert data.metrics == {"kept": 1.0} and data.params == {"kept": "v"}


def test_bad_step_or_timestamp_is_refused(store):
    with store.start_run():
        with pytest.raises(WeirException, match="step"):
            store.log_metric("m", 1.0, step="x")
        with pytest.raises(WeirException, match="timestamp"):
            store.log_metric("m", 1.0, timestamp=-5)


def test_logging_to_an_unknown_run_id_is_an_error_naming_it(store):
    unknown = "0123456789abcdef0123456789abcdef"
    with store.start_run() as run:
        store.log_param("kept", 1)
    with pytest.raises(WeirException, match=unknown):
        store.log_param("p", 1, run_id=unknown)
    with pytest.raises(WeirException, match=unknown):
        store.log_metric("m", 1.0, run_id=unknown, synchronous=True)
    with pytest.raises(WeirException, match=unknown):
        store.set_tag("t", 1, run_id=unknown)
    assert store.get_run(run.info.run_id).data.params == {"kept": "1"}


def test_tags_set_and_delete(store):
    with store.start_run() as run:
        store.set_tag("env", "dev")
        store.set_tags({"some_tag": False, "project": "xyz"})
        store.set_tag("gone", 1)
        store.delete_tag("gone")
        with pytest.raises(WeirException):
            store.delete_tag("never-set")
    tags = store.get_run(run.info.run_id).data.tags
    assert tags["env"] == "dev" and tags["some_tag"] == "False" and tags["project"] == "xyz"
    assert "gone" not in tags


def test_long_param_values_are_truncated_with_a_warning(store):
    with store.start_run() as run, pytest.warns(UserWarning, match="truncated"):
        store.log_param("long", "x" * 7000)
    assert len(store.get_run(run.info.run_id).data.params["long"]) == 6000


def test_logging_to_an_explicit_run_id(store):
    with store.start_run() as first:
        pass
    with store.start_run():
        store.log_metric("m", 1.0, run_id=first.info.run_id)
        store.log_param("p", 2, run_id=first.info.run_id)
        store.set_tag("t", 3, run_id=first.info.run_id)
    data = store.get_run(first.info.run_id).data
    assert data.metrics == {"m": 1.0} and data.params == {"p": "2"} and data.tags["t"] == "3"


def test_many_params_and_tags_go_in_several_batches(store):
    with store.start_run() as run:
        store.log_params({f"p{i}": i for i in range(250)})
        store.set_tags({f"t{i}": i for i in range(250)})
        store.log_metrics({f"m{i}": i for i in range(1500)})
    data = store.get_run(run.info.run_id).data
    assert len(data.params) == 250 and len(data.metrics) == 1500
    assert sum(1 for k in data.tags if k.startswith("t")) == 250
