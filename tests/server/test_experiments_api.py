"""Experiments over REST, in MLflow's request and response shapes."""

from __future__ import annotations


def test_create_then_get_returns_the_experiment_with_a_proxied_artifact_location(api):
    created = api("POST", "experiments/create", json={"name": "exp", "tags": [{"key": "team", "value": "a"}]})
    assert created.status_code == 200
    experiment_id = created.json()["experiment_id"]
    body = api("GET", "experiments/get", params={"experiment_id": experiment_id}).json()["experiment"]
    assert body["name"] == "exp"
    assert body["artifact_location"] == f"mlflow-artifacts:/{experiment_id}"
    assert body["lifecycle_stage"] == "active"
    assert body["tags"] == [{"key": "team", "value": "a"}]
    assert isinstance(body["creation_time"], int)


def test_the_default_experiment_exists(api):
    body = api("GET", "experiments/get-by-name", params={"experiment_name": "Default"}).json()
    assert body["experiment"]["experiment_id"] == "0"


def test_get_by_name_of_a_missing_experiment_is_404(api):
    response = api("GET", "experiments/get-by-name", params={"experiment_name": "nope"})
    assert response.status_code == 404
    assert response.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_a_taken_name_is_resource_already_exists_with_status_400(api):
    api("POST", "experiments/create", json={"name": "dup"})
    response = api("POST", "experiments/create", json={"name": "dup"})
    assert response.status_code == 400
    assert response.json()["error_code"] == "RESOURCE_ALREADY_EXISTS"


def test_search_works_with_get_and_post_and_pages(api):
    for i in range(5):
        api("POST", "experiments/create", json={"name": f"e{i}"})
    first = api("POST", "experiments/search", json={"max_results": 3, "order_by": ["name ASC"]}).json()
    assert [e["name"] for e in first["experiments"]] == ["Default", "e0", "e1"]
    rest = api(
        "GET",
        "experiments/search",
        params={"max_results": 3, "order_by": "name ASC", "page_token": first["next_page_token"]},
    ).json()
    assert [e["name"] for e in rest["experiments"]] == ["e2", "e3", "e4"]
    assert "next_page_token" not in rest
    filtered = api("GET", "experiments/search", params={"filter": "name LIKE 'e%'"}).json()
    assert len(filtered["experiments"]) == 5


def test_update_delete_restore_and_tags(api):
    experiment_id = api("POST", "experiments/create", json={"name": "old"}).json()["experiment_id"]
    assert (
        api("POST", "experiments/update", json={"experiment_id": experiment_id, "new_name": "new"}).json()
        == {}
    )
    api(
        "POST",
        "experiments/set-experiment-tag",
        json={"experiment_id": experiment_id, "key": "k", "value": "v"},
    )
    api("POST", "experiments/delete", json={"experiment_id": experiment_id})
    deleted = api("GET", "experiments/get", params={"experiment_id": experiment_id}).json()["experiment"]
    assert deleted["name"] == "new" and deleted["lifecycle_stage"] == "deleted"
    assert deleted["tags"] == [{"key": "k", "value": "v"}]
    only_deleted = api("GET", "experiments/search", params={"view_type": "DELETED_ONLY"}).json()
    assert [e["name"] for e in only_deleted["experiments"]] == ["new"]
    api("POST", "experiments/restore", json={"experiment_id": experiment_id})
    api("POST", "experiments/delete-experiment-tag", json={"experiment_id": experiment_id, "key": "k"})
    restored = api("GET", "experiments/get", params={"experiment_id": experiment_id}).json()["experiment"]
    assert restored["lifecycle_stage"] == "active" and "tags" not in restored


def test_the_ajax_prefix_serves_the_same_api(client):
    body = client.get("/ajax-api/2.0/mlflow/experiments/get", params={"experiment_id": "0"}).json()
    assert body["experiment"]["name"] == "Default"
