from __future__ import annotations

import math

import pytest
from weir.entities import Metric, Param, RunTag, ViewType
from weir.exceptions import WeirException


@pytest.fixture
def runs(store, experiment_id):
    """Five runs with distinct data; returns {name: run_id}."""
    specs = {
        "r1": dict(acc=0.9, model="rf", team="Vision", status="FINISHED", start=1000),
        "r2": dict(acc=0.4, model="rf", team="vision", status="FINISHED", start=2000),
        "r3": dict(acc=0.7, model="svm", team="nlp", status="FAILED", start=3000),
        "r4": dict(acc=None, model="svm", team=None, status="RUNNING", start=4000),
        "r5": dict(acc=math.nan, model=None, team="vision", status="FINISHED", start=5000),
    }
    ids = {}
    for name, spec in specs.items():
        run = store.create_run(experiment_id, "u-" + name, spec["start"], [], name)
        ids[name] = run.info.run_id
        store.log_batch(
            run.info.run_id,
            metrics=[Metric("acc", spec["acc"], 1, 0)] if spec["acc"] is not None else [],
            params=[Param("model", spec["model"])] if spec["model"] else [],
            tags=[RunTag("team", spec["team"])] if spec["team"] else [],
        )
        if spec["status"] != "RUNNING":
            store.update_run_info(run.info.run_id, spec["status"], spec["start"] + 10, None)
    return ids


def names(result):
    return [run.info.run_name for run in result]


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        ("", ["r5", "r4", "r3", "r2", "r1"]),
        ("metrics.acc > 0.5", ["r3", "r1"]),
        ("metrics.acc >= 0.4 and metrics.acc < 0.8", ["r3", "r2"]),
        ("metrics.acc = 0.9", ["r1"]),
        ("metrics.acc != 0.9", ["r3", "r2"]),
        ("metrics.acc IS NULL", ["r4"]),
        ("metrics.acc IS NOT NULL", ["r5", "r3", "r2", "r1"]),
        ("params.model = 'rf'", ["r2", "r1"]),
        ("params.model != 'rf'", ["r4", "r3"]),
        ("params.model IN ('svm', 'xgb')", ["r4", "r3"]),
        ("params.model NOT IN ('svm')", ["r2", "r1"]),
        ("params.model IS NULL", ["r5"]),
        ("tags.team = 'vision'", ["r5", "r2"]),
        ("tags.team LIKE 'v%'", ["r5", "r2"]),
        ("tags.team LIKE 'V%'", ["r1"]),
        ("tags.team ILIKE 'V%'", ["r5", "r2", "r1"]),
        ("tags.team ILIKE '%IS_ON'", ["r5", "r2", "r1"]),
        ("tags.`team` IS NULL", ["r4"]),
        ("tags.\"mlflow.runName\" = 'r3'", ["r3"]),
        ("attributes.run_name = 'r2'", ["r2"]),
        ("run_name LIKE 'r_'", ["r5", "r4", "r3", "r2", "r1"]),
        ("status = 'FINISHED'", ["r5", "r2", "r1"]),
        ("attributes.status IN ('FAILED', 'RUNNING')", ["r4", "r3"]),
        ("user_id = 'u-r1'", ["r1"]),
        ("start_time >= 3000", ["r5", "r4", "r3"]),
        ("created < 2000", ["r1"]),
        ("end_time > 0", ["r5", "r3", "r2", "r1"]),
        ("metrics.acc > 0.3 AND params.model = 'rf' AND tags.team = 'vision'", ["r2"]),
        ("artifact_uri LIKE '%artifacts'", ["r5", "r4", "r3", "r2", "r1"]),
    ],
)
def test_search_filters(store, experiment_id, runs, filter_string, expected):
    assert names(store.search_runs([experiment_id], filter_string)) == expected


def test_search_by_run_id_in(store, experiment_id, runs):
    result = store.search_runs([experiment_id], f"attributes.run_id IN ('{runs['r1']}', '{runs['r3']}')")
    assert names(result) == ["r3", "r1"]


def test_search_returns_full_run_data(store, experiment_id, runs):
    [run] = store.search_runs([experiment_id], "attributes.run_name = 'r1'")
    assert run == store.get_run(runs["r1"])


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        (["metrics.acc DESC"], ["r1", "r3", "r2", "r5", "r4"]),
        (["metrics.acc ASC"], ["r2", "r3", "r1", "r5", "r4"]),
        (["params.model"], ["r2", "r1", "r4", "r3", "r5"]),  # ties: start_time DESC
        (["params.model DESC"], ["r4", "r3", "r2", "r1", "r5"]),
        (["tags.team DESC", "metrics.acc"], ["r2", "r5", "r3", "r1", "r4"]),
        (["attributes.start_time ASC"], ["r1", "r2", "r3", "r4", "r5"]),
        (["run_name DESC"], ["r5", "r4", "r3", "r2", "r1"]),
        (["end_time DESC"], ["r5", "r3", "r2", "r1", "r4"]),
    ],
)
def test_order_by_puts_runs_missing_the_key_last(store, experiment_id, runs, order_by, expected):
    assert names(store.search_runs([experiment_id], order_by=order_by)) == expected


def test_paging_walks_all_runs_once(store, experiment_id, runs):
    seen = []
    token = None
    pages = 0
    while True:
        page = store.search_runs(
            [experiment_id], max_results=2, order_by=["metrics.acc DESC"], page_token=token
        )
        seen += names(page)
        pages += 1
        token = page.token
        if token is None:
            break
    assert pages == 3
    assert seen == ["r1", "r3", "r2", "r5", "r4"]


def test_exact_page_has_no_next_token(store, experiment_id, runs):
    assert store.search_runs([experiment_id], max_results=5).token is None


def test_view_types(store, experiment_id, runs):
    store.delete_run(runs["r1"])
    assert "r1" not in names(store.search_runs([experiment_id]))
    assert names(store.search_runs([experiment_id], run_view_type=ViewType.DELETED_ONLY)) == ["r1"]
    assert len(store.search_runs([experiment_id], run_view_type=ViewType.ALL)) == 5


def test_search_spans_several_experiments_and_ignores_unknown_ones(store, experiment_id, runs):
    other = store.create_experiment("other")
    store.create_run(other, "u", 99999, [], "other-run")
    assert names(store.search_runs([experiment_id, other, "12345", "x"], max_results=2)) == [
        "other-run",
        "r5",
    ]
    assert list(store.search_runs([])) == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_results": 50001},
        {"max_results": -1},
        {"page_token": "not-a-token"},
        {"page_token": "eyJub3QiOiAxfQ=="},
        {"filter_string": "metrics.acc >"},
        {"order_by": ["nope.x"]},
    ],
)
def test_bad_search_arguments_are_invalid_parameter_value(store, experiment_id, kwargs):
    with pytest.raises(WeirException) as error:
        store.search_runs([experiment_id], **kwargs)
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"


def test_dataset_filters_are_refused_clearly(store, experiment_id):
    with pytest.raises(WeirException, match="datasets"):
        store.search_runs([experiment_id], "datasets.name = 'x'")
