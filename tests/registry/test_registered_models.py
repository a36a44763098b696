"""Registered models through WeirClient: create, read, rename, describe, tag, search, delete."""

from __future__ import annotations

import pytest
from weir.exceptions import WeirException


def test_create_registered_model_returns_it_with_tags_and_description(client):
    model = client.create_registered_model("churn", tags={"team": "ml", "priority": 1}, description="d")

    assert model.name == "churn"
    assert model.description == "d"
    assert model.tags == {"team": "ml", "priority": "1"}
    assert model.latest_versions == []
    assert model.creation_timestamp > 0
    assert client.get_registered_model("churn") == model


def test_create_registered_model_twice_raises_already_exists(client):
    client.create_registered_model("churn")

    with pytest.raises(WeirException, match="churn") as info:
        client.create_registered_model("churn")
    assert info.value.error_code == "RESOURCE_ALREADY_EXISTS"


@pytest.mark.parametrize("bad", ["", "   ", None, 3])
def test_invalid_model_names_are_rejected(client, bad):
    with pytest.raises(WeirException, match="registered model name") as info:
        client.create_registered_model(bad)
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"


def test_tags_must_be_a_dict(client):
    with pytest.raises(WeirException, match="tags"):
        client.create_registered_model("churn", tags=["team"])


def test_get_unknown_model_raises_naming_it(client):
    with pytest.raises(WeirException, match="nope") as info:
        client.get_registered_model("nope")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_rename_moves_versions_and_aliases(client, log_model_dir):
    run_id = log_model_dir()
    client.create_registered_model("old")
    client.create_model_version("old", f"runs:/{run_id}/model", run_id)
    client.set_registered_model_alias("old", "champion", 1)

    renamed = client.rename_registered_model("old", "new")

    assert renamed.name == "new"
    assert renamed.aliases == {"champion": "1"}
    assert client.get_model_version("new", 1).run_id == run_id
    with pytest.raises(WeirException, match="old"):
        client.get_registered_model("old")


def test_rename_to_a_taken_name_raises_and_keeps_both(client):
    client.create_registered_model("a")
    client.create_registered_model("b")

    with pytest.raises(WeirException) as info:
        client.rename_registered_model("a", "b")
    assert info.value.error_code == "RESOURCE_ALREADY_EXISTS"
    assert {m.name for m in client.search_registered_models()} == {"a", "b"}


def test_rename_unknown_model_raises(client):
    with pytest.raises(WeirException, match="ghost"):
        client.rename_registered_model("ghost", "other")


def test_update_registered_model_sets_description(client):
    client.create_registered_model("churn")

    updated = client.update_registered_model("churn", description="predicts churn")

    assert updated.description == "predicts churn"
    assert client.get_registered_model("churn").description == "predicts churn"


def test_delete_registered_model_removes_it_and_its_versions(client, log_model_dir):
    run_id = log_model_dir()
    client.create_registered_model("churn")
    client.create_model_version("churn", "file:///tmp/m", run_id)

    client.delete_registered_model("churn")

    with pytest.raises(WeirException, match="churn"):
        client.get_registered_model("churn")
    assert list(client.search_model_versions("name = 'churn'")) == []
    with pytest.raises(WeirException, match="churn"):
        client.delete_registered_model("churn")


def test_model_tags_are_set_overwritten_and_deleted(client):
    client.create_registered_model("churn")

    client.set_registered_model_tag("churn", "team", "ml")
    client.set_registered_model_tag("churn", "team", "data")
    client.set_registered_model_tag("churn", "size", 3)
    assert client.get_registered_model("churn").tags == {"team": "data", "size": "3"}

    client.delete_registered_model_tag("churn", "team")
    assert client.get_registered_model("churn").tags == {"size": "3"}
    with pytest.raises(WeirException, match="team"):
        client.delete_registered_model_tag("churn", "team")


def test_tagging_unknown_model_raises(client):
    with pytest.raises(WeirException, match="ghost") as info:
        client.set_registered_model_tag("ghost", "k", "v")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_search_registered_models_filters_orders_and_pages(client):
    for name in ["beta", "alpha", "gamma", "alpine"]:
        client.create_registered_model(name, tags={"team": "a" if name.startswith("al") else "b"})

    assert [m.name for m in client.search_registered_models()] == ["alpha", "alpine", "beta", "gamma"]
    assert [m.name for m in client.search_registered_models("name LIKE 'al%'")] == ["alpha", "alpine"]
    assert [m.name for m in client.search_registered_models("tags.team = 'b'")] == ["beta", "gamma"]
    assert [m.name for m in client.search_registered_models(order_by=["name DESC"])][0] == "gamma"

    first = client.search_registered_models(max_results=3)
    assert len(first) == 3 and first.token
    rest = client.search_registered_models(max_results=3, page_token=first.token)
    assert [m.name for m in rest] == ["gamma"] and rest.token is None


def test_search_registered_models_rejects_a_bad_filter(client):
    with pytest.raises(WeirException) as info:
        client.search_registered_models("nonsense ===")
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"


def test_registered_model_dict_lists_its_fields(client, log_model_dir):
    run_id = log_model_dir()
    client.create_registered_model("churn")
    client.create_model_version("churn", "file:///tmp/m", run_id)
    client.transition_model_version_stage("churn", 1, "Staging")

    (model,) = client.search_registered_models()
    fields = dict(model)

    assert fields["name"] == "churn"
    assert [v.current_stage for v in fields["latest_versions"]] == ["Staging"]


def test_fluent_search_functions_read_every_page(store_uri, monkeypatch):
    import weir
    from weir.registry import fluent

    monkeypatch.setattr(fluent, "_PAGE", 2)  # five models -> three pages

    client = weir.MlflowClient()
    for index in range(5):
        client.create_registered_model(f"m{index}")
        client.create_model_version(f"m{index}", "file:///tmp/m")

    assert [m.name for m in weir.search_registered_models()] == [f"m{i}" for i in range(5)]
    assert [m.name for m in weir.search_registered_models(max_results=3)] == ["m0", "m1", "m2"]
    assert [v.name for v in weir.search_model_versions(filter_string="name = 'm3'")] == ["m3"]
    with pytest.raises(WeirException, match="max_results"):
        weir.search_model_versions(max_results=0)
