"""Errors are MLflow's JSON body ``{"error_code", "message"}`` with the matching HTTP status."""

from __future__ import annotations


def test_unknown_run_is_404_with_mlflows_message(api):
    response = api("GET", "runs/get", params={"run_id": "nope"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "error_code": "RESOURCE_DOES_NOT_EXIST",
        "message": "Run with id=nope not found",
    }


def test_unknown_endpoint_is_endpoint_not_found(client):
    response = client.get("/api/2.0/mlflow/no/such/thing")
    assert response.status_code == 404
    assert response.json()["error_code"] == "ENDPOINT_NOT_FOUND"


def test_wrong_method_is_405(client):
    response = client.delete("/api/2.0/mlflow/runs/get")
    assert response.status_code == 405
    assert response.json()["error_code"] == "BAD_REQUEST"


def test_malformed_json_is_400_bad_request(client):
    response = client.post(
        "/api/2.0/mlflow/runs/create", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error_code"] == "BAD_REQUEST"


def test_a_json_array_body_is_400(client):
    response = client.post("/api/2.0/mlflow/experiments/create", content=b"[1, 2]")
    assert response.status_code == 400


def test_missing_required_field_names_it(api):
    response = api("POST", "experiments/create", json={})
    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "'name'" in response.json()["message"]


def test_wrongly_typed_field_is_invalid_parameter_value(api):
    response = api("POST", "runs/search", json={"experiment_ids": ["0"], "max_results": "lots"})
    assert response.status_code == 400
    assert "max_results" in response.json()["message"]


def test_bad_search_filter_is_400(api):
    response = api("POST", "runs/search", json={"experiment_ids": ["0"], "filter": "metrics.a >>> 1"})
    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_health_and_version(client):
    assert client.get("/health").text == "OK"
    from weir.version import __version__

    assert client.get("/version").text == __version__


def test_server_info_advertises_multipart_for_a_local_destination(client):
    body = client.get("/api/3.0/mlflow/server-info").json()
    assert body["multipart_uploads_enabled"] is True
    assert body["store_type"] == "SqlStore"
