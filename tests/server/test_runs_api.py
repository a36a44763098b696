"""Runs over REST: lifecycle, logging, limits, search and MLflow's response shapes."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def run_id(api):
    response = api("POST", "runs/create", json={"experiment_id": "0", "user_id": "ann", "start_time": 1000})
    return response.json()["run"]["info"]["run_id"]


def test_create_returns_run_id_and_run_uuid_and_a_generated_name(api):
    run = api("POST", "runs/create", json={"experiment_id": "0", "start_time": 5}).json()["run"]
    info = run["info"]
    assert info["run_id"] == info["run_uuid"] and len(info["run_id"]) == 32
    assert info["status"] == "RUNNING"
    assert info["run_name"]
    assert info["artifact_uri"] == f"mlflow-artifacts:/0/{info['run_id']}/artifacts"
    assert {"key": "mlflow.runName", "value": info["run_name"]} in run["data"]["tags"]


def test_run_name_comes_from_the_runname_tag_when_not_given(api):
    tags = [{"key": "mlflow.runName", "value": "from-tag"}]
    run = api("POST", "runs/create", json={"experiment_id": "0", "tags": tags}).json()["run"]
    assert run["info"]["run_name"] == "from-tag"


def test_logging_with_run_uuid_only_is_accepted(api, run_id):
    response = api(
        "POST",
        "runs/log-metric",
        json={"run_uuid": run_id, "key": "loss", "value": 0.5, "timestamp": 7, "step": 2},
    )
    assert response.status_code == 200 and response.json() == {}
    api("POST", "runs/log-parameter", json={"run_id": run_id, "key": "lr", "value": "0.1"})
    api("POST", "runs/set-tag", json={"run_id": run_id, "key": "t", "value": "v"})
    run = api("GET", "runs/get", params={"run_uuid": run_id}).json()["run"]
    assert run["data"]["metrics"] == [{"key": "loss", "value": 0.5}]
    assert run["data"]["params"] == [{"key": "lr", "value": "0.1"}]
    assert {"key": "t", "value": "v"} in run["data"]["tags"]


def test_nan_and_infinity_travel_as_bare_literals_and_come_back_as_strings(client, api, run_id):
    metrics = '[{"key": "a", "value": NaN, "timestamp": 1}, {"key": "b", "value": Infinity, "timestamp": 1}]'
    body = f'{{"run_id": "{run_id}", "metrics": {metrics}}}'
    response = client.post(
        "/api/2.0/mlflow/runs/log-batch", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200, response.text
    metrics = {
        m["key"]: m["value"]
        for m in api("GET", "runs/get", params={"run_id": run_id}).json()["run"]["data"]["metrics"]
    }
    assert metrics == {"a": "NaN", "b": "Infinity"}


def test_changing_a_param_value_is_invalid_parameter_value(api, run_id):
    api("POST", "runs/log-parameter", json={"run_id": run_id, "key": "p", "value": "1"})
    same = api("POST", "runs/log-parameter", json={"run_id": run_id, "key": "p", "value": "1"})
    assert same.status_code == 200
    changed = api("POST", "runs/log-parameter", json={"run_id": run_id, "key": "p", "value": "2"})
    assert changed.status_code == 400
    assert changed.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "Changing param values is not allowed" in changed.json()["message"]


def test_log_batch_enforces_mlflows_limits(api, run_id):
    metrics = [{"key": f"m{i}", "value": 1.0, "timestamp": 1, "step": 0} for i in range(1001)]
    too_many = api("POST", "runs/log-batch", json={"run_id": run_id, "metrics": metrics})
    assert too_many.status_code == 400 and too_many.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    params = [{"key": "same", "value": "1"}, {"key": "same", "value": "2"}]
    duplicate = api("POST", "runs/log-batch", json={"run_id": run_id, "params": params})
    assert duplicate.status_code == 400 and "Duplicate" in duplicate.json()["message"]


def test_log_batch_bodies_over_one_megabyte_are_refused(api, run_id):
    tags = [{"key": f"t{i}", "value": "x" * 8000} for i in range(100)]
    params = [{"key": f"p{i}", "value": "y" * 6000} for i in range(100)]
    response = api("POST", "runs/log-batch", json={"run_id": run_id, "tags": tags, "params": params})
    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "1000000 bytes" in response.json()["message"]
    data = api("GET", "runs/get", params={"run_id": run_id}).json()["run"]["data"]
    assert "params" not in data and not any(t["key"] == "t0" for t in data["tags"])


def test_update_finishes_the_run_and_returns_run_info(api, run_id):
    info = api("POST", "runs/update", json={"run_id": run_id, "status": "FINISHED", "end_time": 2000}).json()[
        "run_info"
    ]
    assert info["status"] == "FINISHED" and info["end_time"] == 2000


def test_delete_and_restore_move_the_run_between_view_types(api, run_id):
    api("POST", "runs/delete", json={"run_id": run_id})
    active = api("POST", "runs/search", json={"experiment_ids": ["0"]}).json()
    assert "runs" not in active
    deleted = api(
        "POST", "runs/search", json={"experiment_ids": ["0"], "run_view_type": "DELETED_ONLY"}
    ).json()
    assert [r["info"]["run_id"] for r in deleted["runs"]] == [run_id]
    api("POST", "runs/restore", json={"run_id": run_id})
    assert (
        api("GET", "runs/get", params={"run_id": run_id}).json()["run"]["info"]["lifecycle_stage"] == "active"
    )


def test_search_filters_orders_and_pages(api):
    ids = []
    for i in range(5):
        run_id = api("POST", "runs/create", json={"experiment_id": "0", "start_time": i}).json()["run"][
            "info"
        ]["run_id"]
        api("POST", "runs/log-metric", json={"run_id": run_id, "key": "acc", "value": i / 10, "timestamp": 1})
        ids.append(run_id)
    request = {
        "experiment_ids": ["0"],
        "filter": "metrics.acc >= 0.2",
        "order_by": ["metrics.acc DESC"],
        "max_results": 2,
    }
    first = api("POST", "runs/search", json=request).json()
    assert [r["info"]["run_id"] for r in first["runs"]] == [ids[4], ids[3]]
    second = api("POST", "runs/search", json={**request, "page_token": first["next_page_token"]}).json()
    assert [r["info"]["run_id"] for r in second["runs"]] == [ids[2]]
    assert "next_page_token" not in second


def test_search_rejects_max_results_over_50000(api):
    response = api("POST", "runs/search", json={"experiment_ids": ["0"], "max_results": 50001})
    assert response.status_code == 400 and response.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_delete_tag_of_a_missing_key_is_404(api, run_id):
    response = api("POST", "runs/delete-tag", json={"run_id": run_id, "key": "nope"})
    assert response.status_code == 404


def test_log_model_appends_to_the_log_model_history_tag(api, run_id):
    model = {
        "artifact_path": "model",
        "flavors": {"python_function": {}},
        "utc_time_created": "now",
        "run_id": run_id,
    }
    for _ in range(2):
        assert (
            api(
                "POST", "runs/log-model", json={"run_id": run_id, "model_json": json.dumps(model)}
            ).status_code
            == 200
        )
    tags = {
        t["key"]: t["value"]
        for t in api("GET", "runs/get", params={"run_id": run_id}).json()["run"]["data"]["tags"]
    }
    assert json.loads(tags["mlflow.log-model.history"]) == [model, model]
    bad = api("POST", "runs/log-model", json={"run_id": run_id, "model_json": "{}"})
    assert bad.status_code == 400


def test_log_inputs_keeps_datasets_and_outputs_link_models(api, run_id):
    dataset = {"name": "iris", "digest": "abc123", "source_type": "local", "source": "{}"}
    inputs = {
        "run_id": run_id,
        "datasets": [{"dataset": dataset, "tags": [{"key": "mlflow.data.context", "value": "train"}]}],
    }
    assert api("POST", "runs/log-inputs", json=inputs).status_code == 200
    model = api(
        "POST", "logged-models", json={"experiment_id": "0", "name": "m", "source_run_id": run_id}
    ).json()["model"]
    model_id = model["info"]["model_id"]
    api("POST", "runs/outputs", json={"run_id": run_id, "models": [{"model_id": model_id, "step": 3}]})
    run = api("GET", "runs/get", params={"run_id": run_id}).json()["run"]
    assert run["inputs"]["dataset_inputs"][0]["dataset"]["name"] == "iris"
    assert run["outputs"] == {"model_outputs": [{"model_id": model_id, "step": 3}]}


def test_metric_history_pages_and_bulk_interval_samples(api, run_id):
    metrics = [{"key": "loss", "value": float(i), "timestamp": i, "step": i} for i in range(10)]
    api("POST", "runs/log-batch", json={"run_id": run_id, "metrics": metrics})
    first = api(
        "GET", "metrics/get-history", params={"run_id": run_id, "metric_key": "loss", "max_results": 4}
    ).json()
    assert [m["step"] for m in first["metrics"]] == [0, 1, 2, 3]
    rest = api(
        "GET",
        "metrics/get-history",
        params={
            "run_id": run_id,
            "metric_key": "loss",
            "max_results": 100,
            "page_token": first["next_page_token"],
        },
    ).json()
    assert [m["step"] for m in rest["metrics"]] == list(range(4, 10))
    sampled = api(
        "GET",
        "metrics/get-history-bulk-interval",
        params={"run_ids": [run_id], "metric_key": "loss", "max_results": 4},
    ).json()["metrics"]
    assert len(sampled) <= 4 and sampled[0]["step"] == 0 and sampled[-1]["step"] == 9
    assert all(m["run_id"] == run_id for m in sampled)


def test_bulk_interval_validates_its_arguments(api, run_id):
    too_many = api(
        "GET",
        "metrics/get-history-bulk-interval",
        params={"run_ids": [run_id], "metric_key": "x", "max_results": 2501},
    )
    assert too_many.status_code == 400
    no_runs = api("GET", "metrics/get-history-bulk-interval", params={"metric_key": "x"})
    assert no_runs.status_code == 400
