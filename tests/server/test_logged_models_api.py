"""MLflow 3 logged models over REST: the calls log_model and load_model make."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def run_id(api):
    return api("POST", "runs/create", json={"experiment_id": "0"}).json()["run"]["info"]["run_id"]


def _create(api, run_id, name="model", **extra):
    body = {"experiment_id": "0", "name": name, "source_run_id": run_id, **extra}
    response = api("POST", "logged-models", json=body)
    assert response.status_code == 200, response.text
    return response.json()["model"]


def test_create_gives_an_m_id_pending_status_and_the_experiment_models_location(api, run_id):
    model = _create(api, run_id, params=[{"key": "alpha", "value": "0.1"}], tags=[{"key": "t", "value": "v"}])
    info = model["info"]
    assert re.fullmatch(r"m-[0-9a-f]{32}", info["model_id"])
    assert info["status"] == "LOGGED_MODEL_PENDING"
    assert info["artifact_uri"] == f"mlflow-artifacts:/0/models/{info['model_id']}/artifacts"
    assert info["source_run_id"] == run_id and info["experiment_id"] == "0"
    assert info["tags"] == [{"key": "t", "value": "v"}]
    assert model["data"]["params"] == [{"key": "alpha", "value": "0.1"}]


def test_finalize_get_and_delete(api, client, run_id):
    model_id = _create(api, run_id)["info"]["model_id"]
    finalized = client.patch(
        f"/api/2.0/mlflow/logged-models/{model_id}",
        json={"model_id": model_id, "status": "LOGGED_MODEL_READY"},
    )
    assert finalized.json()["model"]["info"]["status"] == "LOGGED_MODEL_READY"
    assert (
        client.get(f"/api/2.0/mlflow/logged-models/{model_id}").json()["model"]["info"]["status"]
        == "LOGGED_MODEL_READY"
    )
    assert client.delete(f"/api/2.0/mlflow/logged-models/{model_id}").json() == {}
    missing = client.get(f"/api/2.0/mlflow/logged-models/{model_id}")
    assert missing.status_code == 404 and missing.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_tags_set_and_delete_and_params(api, client, run_id):
    model_id = _create(api, run_id)["info"]["model_id"]
    base = f"/api/2.0/mlflow/logged-models/{model_id}"
    client.patch(
        f"{base}/tags",
        json={"tags": [{"key": "mlflow.modelVersions", "value": "[]"}, {"key": "x", "value": "1"}]},
    )
    assert client.delete(f"{base}/tags/x").json() == {}
    client.post(f"{base}/params", json={"params": [{"key": "p", "value": "2"}]})
    model = client.get(base).json()["model"]
    assert model["info"]["tags"] == [{"key": "mlflow.modelVersions", "value": "[]"}]
    assert model["data"]["params"] == [{"key": "p", "value": "2"}]
    assert client.delete(f"{base}/tags/nope").status_code == 404


def test_search_by_name_and_source_run(api, run_id):
    other_run = api("POST", "runs/create", json={"experiment_id": "0"}).json()["run"]["info"]["run_id"]
    wanted = _create(api, run_id, "model")["info"]["model_id"]
    _create(api, other_run, "model")
    _create(api, run_id, "other")
    body = {"experiment_ids": ["0"], "filter": f"name = 'model' AND source_run_id = '{run_id}'"}
    found = api("POST", "logged-models/search", json=body).json()
    assert [m["info"]["model_id"] for m in found["models"]] == [wanted]
    by_name = api(
        "POST", "logged-models/search", json={"experiment_ids": ["0"], "filter": "name = 'model'"}
    ).json()
    assert len(by_name["models"]) == 2


def test_search_pages_and_orders(api, run_id):
    ids = [_create(api, run_id, f"m{i}")["info"]["model_id"] for i in range(3)]
    order = [{"field_name": "name", "ascending": True}]
    first = api(
        "POST", "logged-models/search", json={"experiment_ids": ["0"], "max_results": 2, "order_by": order}
    ).json()
    assert [m["info"]["name"] for m in first["models"]] == ["m0", "m1"]
    rest = api(
        "POST",
        "logged-models/search",
        json={
            "experiment_ids": ["0"],
            "max_results": 2,
            "order_by": order,
            "page_token": first["next_page_token"],
        },
    ).json()
    assert [m["info"]["model_id"] for m in rest["models"]] == [ids[2]]


def test_metrics_logged_with_a_model_id_attach_to_the_model(api, client, run_id):
    model_id = _create(api, run_id)["info"]["model_id"]
    metric = {"key": "acc", "value": 0.9, "timestamp": 5, "step": 1, "model_id": model_id}
    api("POST", "runs/log-batch", json={"run_id": run_id, "metrics": [metric]})
    model = client.get(f"/api/2.0/mlflow/logged-models/{model_id}").json()["model"]
    assert model["data"]["metrics"] == [{**metric, "run_id": run_id}]
    found = api(
        "POST", "logged-models/search", json={"experiment_ids": ["0"], "filter": "metrics.acc > 0.5"}
    ).json()
    assert [m["info"]["model_id"] for m in found["models"]] == [model_id]


def test_artifact_directories_list_the_models_files(api, client, run_id):
    model = _create(api, run_id)["info"]
    client.put(
        f"/api/2.0/mlflow-artifacts/artifacts/0/models/{model['model_id']}/artifacts/MLmodel", content=b"x: 1"
    )
    listing = client.get(f"/api/2.0/mlflow/logged-models/{model['model_id']}/artifacts/directories").json()
    assert listing == {
        "root_uri": model["artifact_uri"],
        "files": [{"path": "MLmodel", "is_dir": False, "file_size": 4}],
    }


def test_creating_in_an_unknown_experiment_is_404(api):
    response = api("POST", "logged-models", json={"experiment_id": "999"})
    assert response.status_code == 404
