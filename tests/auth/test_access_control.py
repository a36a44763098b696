"""Access control of `weir server --auth`: authentication, READ/EDIT/MANAGE per experiment and model."""

from __future__ import annotations

import base64
import http.client
import json

import pytest
from weir.entities import Metric, RunTag
from weir.exceptions import WeirException
from weir.server.auth.store import AuthStore
from weir.store.tracking.rest import RestStore, RetryPolicy

NO_RETRY = RetryPolicy(max_retries=0, total_timeout=5, request_timeout=10)


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def call(server, method: str, path: str, body: dict | None = None, auth: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = auth
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), json.loads(data) if data.startswith(b"{") else data


def store_as(server, monkeypatch, user: str, password: str) -> RestStore:
    monkeypatch.delenv("WEIR_TRACKING_TOKEN", raising=False)
    monkeypatch.setenv("WEIR_TRACKING_USERNAME", user)
    monkeypatch.setenv("WEIR_TRACKING_PASSWORD", password)
    return RestStore(server.url, NO_RETRY)


def test_requests_without_credentials_get_401_with_a_basic_challenge(auth_server):
    status, headers, body = call(auth_server, "GET", "/api/2.0/mlflow/experiments/get?experiment_id=0")
    assert status == 401
    assert headers["www-authenticate"].startswith("Basic")
    assert body["error_code"] == "UNAUTHENTICATED"


def test_health_stays_open(auth_server):
    assert call(auth_server, "GET", "/health")[0] == 200


def test_wrong_password_and_unknown_user_are_401(auth_server):
    for auth in (basic("alice", "wrong-password"), basic("nobody", "whatever1"), "Bearer weir_nope"):
        status, _, body = call(
            auth_server, "GET", "/api/2.0/mlflow/experiments/get?experiment_id=0", auth=auth
        )
        assert (status, body["error_code"]) == (401, "UNAUTHENTICATED")


def test_creator_gets_manage_and_others_only_read_by_default(auth_server, monkeypatch):
    alice = store_as(auth_server, monkeypatch, "alice", "alice-password")
    experiment_id = alice.create_experiment("alice-exp")
    run_id = alice.create_run(experiment_id, "alice", 0, [], "r").info.run_id
    alice.log_batch(run_id, metrics=[Metric("m", 1.0, 1, 0)])

    bob = store_as(auth_server, monkeypatch, "bob", "bob-password")
    assert bob.get_run(run_id).data.metrics == {"m": 1.0}  # READ by default
    with pytest.raises(WeirException) as error:
        bob.log_batch(run_id, metrics=[Metric("m", 2.0, 2, 1)])
    assert error.value.error_code == "PERMISSION_DENIED" and "EDIT" in error.value.message
    with pytest.raises(WeirException) as error:
        bob.delete_experiment(experiment_id)
    assert error.value.error_code == "PERMISSION_DENIED"

    alice = store_as(auth_server, monkeypatch, "alice", "alice-password")
    alice.delete_run(run_id)  # MANAGE as the creator
    alice.delete_experiment(experiment_id)


def test_grants_raise_a_users_permission(auth_server, backend, monkeypatch):
    alice = store_as(auth_server, monkeypatch, "alice", "alice-password")
    experiment_id = alice.create_experiment("shared")
    run_id = alice.create_run(experiment_id, "alice", 0, [], "r").info.run_id
    AuthStore(backend).set_experiment_permission(experiment_id, "bob", "EDIT")
    bob = store_as(auth_server, monkeypatch, "bob", "bob-password")
    bob.log_batch(run_id, tags=[RunTag("by", "bob")])
    with pytest.raises(WeirException) as error:
        bob.delete_run(run_id)
    assert error.value.error_code == "PERMISSION_DENIED" and "MANAGE" in error.value.message


def test_no_permissions_hides_experiments_from_search_and_get(auth_server, backend, monkeypatch):
    alice = store_as(auth_server, monkeypatch, "alice", "alice-password")
    experiment_id = alice.create_experiment("private")
    AuthStore(backend).set_experiment_permission(experiment_id, "bob", "NO_PERMISSIONS")
    bob = store_as(auth_server, monkeypatch, "bob", "bob-password")
    assert "private" not in [e.name for e in bob.search_experiments()]
    with pytest.raises(WeirException) as error:
        bob.get_experiment(experiment_id)
    assert error.value.error_code == "PERMISSION_DENIED"
    with pytest.raises(WeirException):
        bob.search_runs([experiment_id])


def test_registered_model_permissions(auth_server, monkeypatch):
    alice = store_as(auth_server, monkeypatch, "alice", "alice-password")
    alice.create_registered_model("alice-model")
    alice.rename_registered_model("alice-model", "alice-model-2")
    alice.set_registered_model_tag("alice-model-2", RunTag("k", "v"))  # MANAGE followed the rename
    bob = store_as(auth_server, monkeypatch, "bob", "bob-password")
    assert bob.get_registered_model("alice-model-2").tags == {"k": "v"}
    with pytest.raises(WeirException) as error:
        bob.delete_registered_model("alice-model-2")
    assert error.value.error_code == "PERMISSION_DENIED"


def test_admins_may_do_everything_and_bearer_tokens_work(auth_server, backend, monkeypatch):
    alice = store_as(auth_server, monkeypatch, "alice", "alice-password")
    experiment_id = alice.create_experiment("theirs")
    token = AuthStore(backend).create_token("root")
    monkeypatch.delenv("WEIR_TRACKING_USERNAME")
    monkeypatch.delenv("WEIR_TRACKING_PASSWORD")
    monkeypatch.setenv("WEIR_TRACKING_TOKEN", token)
    admin = RestStore(auth_server.url, NO_RETRY)
    admin.delete_experiment(experiment_id)
    assert admin.get_experiment(experiment_id).lifecycle_stage == "deleted"


def test_permission_changes_over_rest_need_manage(auth_server, monkeypatch):
    alice_auth = basic("alice", "alice-password")
    bob_auth = basic("bob", "bob-password")
    status, _, body = call(
        auth_server, "POST", "/api/2.0/mlflow/experiments/create", {"name": "e"}, alice_auth
    )
    experiment_id = body["experiment_id"]
    grant = {"experiment_id": experiment_id, "username": "bob", "permission": "MANAGE"}
    status, _, body = call(
        auth_server, "POST", "/api/2.0/mlflow/experiments/permissions/create", grant, bob_auth
    )
    assert (status, body["error_code"]) == (403, "PERMISSION_DENIED")
    status, _, _ = call(
        auth_server, "POST", "/api/2.0/mlflow/experiments/permissions/create", grant, alice_auth
    )
    assert status == 200
    status, _, _ = call(
        auth_server, "POST", "/api/2.0/mlflow/experiments/delete", {"experiment_id": experiment_id}, bob_auth
    )
    assert status == 200


def test_users_are_created_over_rest_by_admins_only(auth_server):
    new_user = {"username": "carol", "password": "carol-password"}
    status, _, body = call(
        auth_server, "POST", "/api/2.0/mlflow/users/create", new_user, basic("alice", "alice-password")
    )
    assert (status, body["error_code"]) == (403, "PERMISSION_DENIED")
    status, _, body = call(
        auth_server, "POST", "/api/2.0/mlflow/users/create", new_user, basic("root", "root-password")
    )
    assert status == 200 and body["user"]["username"] == "carol"
    status, _, _ = call(
        auth_server,
        "GET",
        "/api/2.0/mlflow/experiments/get?experiment_id=0",
        auth=basic("carol", "carol-password"),
    )
    assert status == 200


def test_artifact_uploads_need_edit_on_the_experiment(auth_server, backend, monkeypatch, tmp_path):
    alice = store_as(auth_server, monkeypatch, "alice", "alice-password")
    experiment_id = alice.create_experiment("arts")
    path = f"/api/2.0/mlflow-artifacts/artifacts/{experiment_id}/run/artifacts/f.txt"
    status, _, _ = call(auth_server, "PUT", path, None, basic("alice", "alice-password"))
    assert status == 200
    status, _, body = call(auth_server, "PUT", path, None, basic("bob", "bob-password"))
    assert (status, body["error_code"]) == (403, "PERMISSION_DENIED")
    status, _, _ = call(auth_server, "GET", path, None, basic("bob", "bob-password"))
    assert status == 200
