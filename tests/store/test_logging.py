from __future__ import annotations

import math

import pytest
from weir.entities import Metric, Param, RunTag
from weir.exceptions import WeirException


def test_log_batch_stores_metrics_params_and_tags(store, run_id):
    store.log_batch(
        run_id,
        metrics=[Metric("acc", 0.5, 10, 0), Metric("acc", 0.7, 11, 1)],
        params=[Param("lr", "0.1")],
        tags=[RunTag("team", "ml")],
    )
    data = store.get_run(run_id).data
    assert data.metrics == {"acc": 0.7}
    assert data.params == {"lr": "0.1"}
    assert data.tags["team"] == "ml"


def test_single_call_helpers(store, run_id):
    store.log_metric(run_id, Metric("m", 1.0, 1, 0))
    store.log_param(run_id, Param("p", "x"))
    store.set_tag(run_id, RunTag("t", "y"))
    data = store.get_run(run_id).data
    assert (data.metrics, data.params, data.tags["t"]) == ({"m": 1.0}, {"p": "x"}, "y")


def test_latest_metric_is_greatest_step_then_timestamp_and_later_insert_on_ties(store, run_id):
    store.log_batch(run_id, metrics=[Metric("m", 1.0, 100, 5), Metric("m", 2.0, 999, 4)])
    assert store.get_run(run_id).data.metrics["m"] == 1.0
    store.log_batch(run_id, metrics=[Metric("m", 3.0, 101, 5)])
    assert store.get_run(run_id).data.metrics["m"] == 3.0
    store.log_batch(run_id, metrics=[Metric("m", 4.0, 101, 5)])
    assert store.get_run(run_id).data.metrics["m"] == 4.0
    store.log_batch(run_id, metrics=[Metric("m", 5.0, 101, 5), Metric("m", 6.0, 101, 5)])
    assert store.get_run(run_id).data.metrics["m"] == 6.0


def test_metric_history_is_ordered_by_step_then_timestamp(store, run_id):
    points = [
        Metric("m", 3.0, 30, 2),
        Metric("m", 1.0, 10, 0),
        Metric("m", 2.5, 25, 1),
        Metric("m", 2.0, 20, 1),
    ]
    store.log_batch(run_id, metrics=points)
    history = store.get_metric_history(run_id, "m")
    assert [(m.step, m.timestamp, m.value) for m in history] == [
        (0, 10, 1.0),
        (1, 20, 2.0),
        (1, 25, 2.5),
        (2, 30, 3.0),
    ]
    assert all(m.key == "m" for m in history)
    assert store.get_metric_history(run_id, "other") == []


def test_nan_and_infinities_round_trip(store, run_id):
    store.log_batch(
        run_id,
        metrics=[
            Metric("nan", math.nan, 1, 0),
            Metric("pinf", math.inf, 1, 0),
            Metric("ninf", -math.inf, 1, 0),
        ],
    )
    metrics = store.get_run(run_id).data.metrics
    assert math.isnan(metrics["nan"])
    assert metrics["pinf"] == math.inf and metrics["ninf"] == -math.inf
    assert math.isnan(store.get_metric_history(run_id, "nan")[0].value)
    assert store.get_metric_history(run_id, "ninf")[0].value == -math.inf


def test_numpy_and_int_metric_values_are_stored_as_floats(store, run_id):
    np = pytest.importorskip("numpy")
    store.log_batch(run_id, metrics=[Metric("a", np.float32(0.25), 1, 0), Metric("b", 3, 1, np.int64(2))])
    history = store.get_metric_history(run_id, "b")
    assert history[0].value == 3.0 and history[0].step == 2
    assert store.get_run(run_id).data.metrics["a"] == 0.25


@pytest.mark.parametrize(
    "metric",
    [
        Metric("m", True, 1, 0),
        Metric("m", "1.0", 1, 0),
        Metric("m", None, 1, 0),
        Metric("m", 1.0, -1, 0),
        Metric("m", 1.0, "now", 0),
        Metric("m", 1.0, 1, 1.5),
        Metric("m", 1.0, 1, 2**64),
    ],
)
def test_invalid_metrics_are_rejected(store, run_id, metric):
    with pytest.raises(WeirException) as error:
        store.log_batch(run_id, metrics=[metric])
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"
    assert store.get_metric_history(run_id, "m") == []


@pytest.mark.parametrize("key", ["", ".", "../x", "/abs", "a/../b", "a//b", "bad$char", "x" * 251, None, 5])
def test_invalid_keys_are_rejected(store, run_id, key):
    for kwargs in (
        {"metrics": [Metric(key, 1.0, 1, 0)]},
        {"params": [Param(key, "v")]},
        {"tags": [RunTag(key, "v")]},
    ):
        with pytest.raises(WeirException) as error:
            store.log_batch(run_id, **kwargs)
        assert error.value.error_code == "INVALID_PARAMETER_VALUE"


@pytest.mark.parametrize("key", ["a", "a.b", "a/b", "with space", "a-b_c", "x:y", "x" * 250])
def test_valid_keys_are_accepted(store, run_id, key):
    store.log_batch(
        run_id, metrics=[Metric(key, 1.0, 1, 0)], params=[Param(key, "v")], tags=[RunTag(key, "v")]
    )
    data = store.get_run(run_id).data
    assert data.metrics[key] == 1.0 and data.params[key] == "v" and data.tags[key] == "v"


def test_value_length_limits(store, run_id):
    store.log_batch(run_id, params=[Param("p", "x" * 6000)], tags=[RunTag("t", "y" * 8000)])
    with pytest.raises(WeirException, match="6000"):
        store.log_batch(run_id, params=[Param("q", "x" * 6001)])
    with pytest.raises(WeirException, match="8000"):
        store.log_batch(run_id, tags=[RunTag("u", "y" * 8001)])


@pytest.mark.parametrize(
    ("metrics", "params", "tags"),
    [(1001, 0, 0), (0, 101, 0), (0, 0, 101), (950, 51, 0)],
)
def test_batch_size_limits(store, run_id, metrics, params, tags):
    with pytest.raises(WeirException) as error:
        store.log_batch(
            run_id,
            metrics=[Metric("m", 1.0, i, i) for i in range(metrics)],
            params=[Param(f"p{i}", "v") for i in range(params)],
            tags=[RunTag(f"t{i}", "v") for i in range(tags)],
        )
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"
    assert store.get_metric_history(run_id, "m") == []


def test_batch_at_the_limits_is_accepted(store, run_id):
    store.log_batch(run_id, metrics=[Metric("m", float(i), i, i) for i in range(1000)])
    store.log_batch(
        run_id,
        params=[Param(f"p{i}", "v") for i in range(100)],
        tags=[RunTag(f"t{i}", "v") for i in range(100)],
    )
    assert len(store.get_metric_history(run_id, "m")) == 1000
    assert len(store.get_run(run_id).data.params) == 100


def test_param_values_are_stored_as_strings(store, run_id):
    store.log_batch(run_id, params=[Param("n", 5)])
    assert store.get_run(run_id).data.params == {"n": "5"}


def test_relogging_the_same_param_value_is_fine(store, run_id):
    store.log_batch(run_id, params=[Param("lr", "0.1")])
    store.log_batch(run_id, params=[Param("lr", "0.1")])
    assert store.get_run(run_id).data.params == {"lr": "0.1"}


def test_changing_a_param_fails_naming_key_and_values_and_stores_nothing_of_the_batch(store, run_id):
    store.log_batch(run_id, params=[Param("lr", "0.1")])
    with pytest.raises(WeirException) as error:
        store.log_batch(
            run_id,
            metrics=[Metric("m", 1.0, 1, 0)],
            params=[Param("other", "x"), Param("lr", "0.2")],
            tags=[RunTag("t", "v")],
        )
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "lr" in error.value.message and "0.1" in error.value.message and "0.2" in error.value.message
    data = store.get_run(run_id).data
    assert data.params == {"lr": "0.1"}
    assert data.metrics == {} and "t" not in data.tags
    assert store.get_metric_history(run_id, "m") == []


def test_duplicate_param_key_with_different_values_in_one_batch_is_rejected(store, run_id):
    with pytest.raises(WeirException, match="Duplicate"):
        store.log_batch(run_id, params=[Param("a", "1"), Param("a", "2")])
    assert store.get_run(run_id).data.params == {}


def test_later_tag_in_a_batch_wins(store, run_id):
    store.log_batch(run_id, tags=[RunTag("t", "1"), RunTag("t", "2")])
    assert store.get_run(run_id).data.tags["t"] == "2"


def test_metric_history_page(store, run_id):
    store.log_batch(run_id, metrics=[Metric("m", float(i), i, i) for i in range(25)])
    first = store.get_metric_history_page(run_id, "m", max_results=10)
    second = store.get_metric_history_page(run_id, "m", max_results=10, page_token=first.token)
    third = store.get_metric_history_page(run_id, "m", max_results=10, page_token=second.token)
    assert [m.step for m in first + second + third] == list(range(25))
    assert third.token is None


def test_bulk_interval_returns_everything_when_small(store, experiment_id, run_id):
    other = store.create_run(experiment_id, "u", 1, [], None).info.run_id
    store.log_batch(run_id, metrics=[Metric("m", float(i), i, i) for i in range(10)])
    store.log_batch(other, metrics=[Metric("m", float(i), i, i) for i in range(5)])
    result = store.get_metric_history_bulk_interval([run_id, other], "m", max_results=100)
    assert list(result) == [run_id, other]
    assert [m.step for m in result[run_id]] == list(range(10))
    assert [m.step for m in result[other]] == list(range(5))


def test_bulk_interval_respects_step_range(store, run_id):
    store.log_batch(run_id, metrics=[Metric("m", float(i), i, i) for i in range(10)])
    result = store.get_metric_history_bulk_interval([run_id], "m", max_results=100, start_step=3, end_step=6)
    assert [m.step for m in result[run_id]] == [3, 4, 5, 6]


def test_bulk_interval_sampling_keeps_ends_and_extremes(store, run_id):
    values = [math.sin(i / 7) for i in range(1000)]
    values[333] = 50.0
    values[667] = -50.0
    store.log_batch(run_id, metrics=[Metric("m", value, i, i) for i, value in enumerate(values)])
    sampled = store.get_metric_history_bulk_interval([run_id], "m", max_results=20)[run_id]
    steps = [m.step for m in sampled]
    assert len(sampled) <= 20
    assert steps == sorted(steps)
    assert steps[0] == 0 and steps[-1] == 999
    assert 333 in steps and 667 in steps


def test_bulk_interval_rejects_bad_arguments(store, run_id):
    with pytest.raises(WeirException):
        store.get_metric_history_bulk_interval([run_id], "m", max_results=0)
    with pytest.raises(WeirException):
        store.get_metric_history_bulk_interval([run_id], "m", start_step=5, end_step=1)
    with pytest.raises(WeirException, match="not found"):
        store.get_metric_history_bulk_interval(["nope"], "m")
