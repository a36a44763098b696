"""Registered models, versions, stages and aliases over REST."""

from __future__ import annotations

import pytest


@pytest.fixture
def version(api):
    api("POST", "registered-models/create", json={"name": "clf", "description": "d"})
    response = api(
        "POST", "model-versions/create", json={"name": "clf", "source": "s3://b/model", "run_id": "r1"}
    )
    assert response.status_code == 200, response.text
    return response.json()["model_version"]


def test_create_and_get_a_registered_model(api, version):
    model = api("GET", "registered-models/get", params={"name": "clf"}).json()["registered_model"]
    assert model["name"] == "clf" and model["description"] == "d"
    assert model["latest_versions"][0]["version"] == "1"
    assert version["current_stage"] == "None" and version["status"] == "READY"


def test_a_taken_name_is_400_resource_already_exists(api, version):
    response = api("POST", "registered-models/create", json={"name": "clf"})
    assert response.status_code == 400
    assert response.json()["error_code"] == "RESOURCE_ALREADY_EXISTS"


def test_transition_stage_archives_others_and_latest_versions_follow(api, version):
    api("POST", "model-versions/create", json={"name": "clf", "source": "s3://b/model2"})
    for number in ("1", "2"):
        response = api(
            "POST",
            "model-versions/transition-stage",
            json={"name": "clf", "version": number, "stage": "production", "archive_existing_versions": True},
        )
        assert response.json()["model_version"]["current_stage"] == "Production"
    assert (
        api("GET", "model-versions/get", params={"name": "clf", "version": "1"}).json()["model_version"][
            "current_stage"
        ]
        == "Archived"
    )
    latest = api(
        "POST", "registered-models/get-latest-versions", json={"name": "clf", "stages": ["Production"]}
    ).json()
    assert [v["version"] for v in latest["model_versions"]] == ["2"]


def test_aliases_point_at_one_version(client, api, version):
    api("POST", "registered-models/alias", json={"name": "clf", "alias": "champion", "version": "1"})
    found = api("GET", "registered-models/alias", params={"name": "clf", "alias": "champion"}).json()[
        "model_version"
    ]
    assert found["version"] == "1" and found["aliases"] == ["champion"]
    model = api("GET", "registered-models/get", params={"name": "clf"}).json()["registered_model"]
    assert model["aliases"] == [{"alias": "champion", "version": "1"}]
    client.request(
        "DELETE", "/api/2.0/mlflow/registered-models/alias", json={"name": "clf", "alias": "champion"}
    )
    assert (
        api("GET", "registered-models/alias", params={"name": "clf", "alias": "champion"}).status_code == 404
    )


def test_download_uri_resolves_a_logged_model_source(api):
    run_id = api("POST", "runs/create", json={"experiment_id": "0"}).json()["run"]["info"]["run_id"]
    model = api(
        "POST", "logged-models", json={"experiment_id": "0", "name": "m", "source_run_id": run_id}
    ).json()
    model_id = model["model"]["info"]["model_id"]
    api("POST", "registered-models/create", json={"name": "lm"})
    created = api(
        "POST",
        "model-versions/create",
        json={"name": "lm", "source": f"models:/{model_id}", "run_id": run_id, "model_id": model_id},
    ).json()["model_version"]
    assert created["model_id"] == model_id
    uri = api("GET", "model-versions/get-download-uri", params={"name": "lm", "version": "1"}).json()[
        "artifact_uri"
    ]
    assert uri == f"mlflow-artifacts:/0/models/{model_id}/artifacts"


def test_download_uri_of_a_plain_source_is_the_source(api, version):
    uri = api("GET", "model-versions/get-download-uri", params={"name": "clf", "version": "1"}).json()
    assert uri == {"artifact_uri": "s3://b/model"}


def test_tags_search_update_rename_and_delete(client, api, version):
    api("POST", "registered-models/set-tag", json={"name": "clf", "key": "k", "value": "v"})
    api("POST", "model-versions/set-tag", json={"name": "clf", "version": "1", "key": "vk", "value": "vv"})
    found = api("GET", "registered-models/search", params={"filter": "tags.k = 'v'"}).json()
    assert [m["name"] for m in found["registered_models"]] == ["clf"]
    versions = api("GET", "model-versions/search", params={"filter": "name = 'clf'"}).json()["model_versions"]
    assert versions[0]["tags"] == [{"key": "vk", "value": "vv"}]
    client.patch(
        "/api/2.0/mlflow/model-versions/update", json={"name": "clf", "version": "1", "description": "new"}
    )
    client.request(
        "DELETE",
        "/api/2.0/mlflow/model-versions/delete-tag",
        json={"name": "clf", "version": "1", "key": "vk"},
    )
    renamed = api("POST", "registered-models/rename", json={"name": "clf", "new_name": "clf2"}).json()
    assert renamed["registered_model"]["name"] == "clf2"
    mv = api("GET", "model-versions/get", params={"name": "clf2", "version": "1"}).json()["model_version"]
    assert mv["description"] == "new" and "tags" not in mv
    client.request("DELETE", "/api/2.0/mlflow/model-versions/delete", json={"name": "clf2", "version": "1"})
    client.request("DELETE", "/api/2.0/mlflow/registered-models/delete", json={"name": "clf2"})
    assert api("GET", "registered-models/get", params={"name": "clf2"}).status_code == 404
