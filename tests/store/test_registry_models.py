from __future__ import annotations

import time

import pytest
from weir.entities import RegisteredModel, RunTag
from weir.exceptions import WeirException


def test_create_and_get_registered_model(store):
    created = store.create_registered_model("clf", [RunTag("team", "ml")], "a classifier")
    assert isinstance(created, RegisteredModel)
    got = store.get_registered_model("clf")
    assert got == created
    assert (got.name, got.description, got.tags, got.aliases, got.latest_versions) == (
        "clf",
        "a classifier",
        {"team": "ml"},
        {},
        [],
    )
    assert got.creation_timestamp == got.last_updated_timestamp > 0


def test_duplicate_model_name_is_resource_already_exists(store):
    store.create_registered_model("clf")
    with pytest.raises(WeirException, match="clf") as error:
        store.create_registered_model("clf")
    assert error.value.error_code == "RESOURCE_ALREADY_EXISTS"


@pytest.mark.parametrize("name", ["", "  ", None, "../escape", "/abs", "a/../b"])
def test_bad_model_names_are_rejected(store, name):
    with pytest.raises(WeirException) as error:
        store.create_registered_model(name)
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.get_registered_model("nope"),
        lambda s: s.rename_registered_model("nope", "x"),
        lambda s: s.update_registered_model("nope", "d"),
        lambda s: s.delete_registered_model("nope"),
        lambda s: s.set_registered_model_tag("nope", RunTag("k", "v")),
        lambda s: s.create_model_version("nope", "s3://x"),
        lambda s: s.get_latest_versions("nope"),
        lambda s: s.get_model_version("nope", 1),
    ],
)
def test_unknown_model_is_resource_does_not_exist_naming_it(store, call):
    with pytest.raises(WeirException, match="nope") as error:
        call(store)
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_rename_moves_versions_tags_aliases_and_history(store):
    store.create_registered_model("old", [RunTag("k", "v")])
    store.create_model_version("old", "s3://m/1", tags=[RunTag("vt", "1")])
    store.set_registered_model_alias("old", "champion", 1)
    store.transition_model_version_stage("old", 1, "staging")
    renamed = store.rename_registered_model("old", "new")
    assert renamed.name == "new" and renamed.tags == {"k": "v"} and renamed.aliases == {"champion": "1"}
    version = store.get_model_version("new", "1")
    assert (
        version.tags == {"vt": "1"} and version.aliases == ["champion"] and version.current_stage == "Staging"
    )
    assert [t.name for t in store.get_model_version_stage_history("new")] == ["new"]
    with pytest.raises(WeirException):
        store.get_registered_model("old")


def test_rename_to_a_taken_name_fails(store):
    store.create_registered_model("a")
    store.create_registered_model("b")
    with pytest.raises(WeirException) as error:
        store.rename_registered_model("a", "b")
    assert error.value.error_code == "RESOURCE_ALREADY_EXISTS"


def test_update_description(store):
    store.create_registered_model("m")
    assert store.update_registered_model("m", "new text").description == "new text"


def test_delete_removes_model_and_versions(store):
    store.create_registered_model("m")
    store.create_model_version("m", "s3://x")
    store.delete_registered_model("m")
    with pytest.raises(WeirException):
        store.get_registered_model("m")
    assert list(store.search_model_versions("name = 'm'")) == []
    store.create_registered_model("m")  # the name is free again and numbering restarts
    assert store.create_model_version("m", "s3://y").version == "1"


def test_model_tags(store):
    store.create_registered_model("m")
    store.set_registered_model_tag("m", RunTag("k", "1"))
    store.set_registered_model_tag("m", RunTag("k", "2"))
    assert store.get_registered_model("m").tags == {"k": "2"}
    store.delete_registered_model_tag("m", "k")
    assert store.get_registered_model("m").tags == {}
    with pytest.raises(WeirException) as error:
        store.delete_registered_model_tag("m", "k")
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(WeirException):
        store.set_registered_model_tag("m", RunTag("../bad", "v"))


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        (None, ["alpha", "beta", "Gamma-model"]),
        ("name = 'alpha'", ["alpha"]),
        ("name != 'alpha'", ["beta", "Gamma-model"]),
        ("name LIKE '%a'", ["alpha", "beta"]),
        ("name ILIKE 'gamma%'", ["Gamma-model"]),
        ("name LIKE 'gamma%'", []),
        ("name IN ('beta', 'zzz')", ["beta"]),
        ("tags.stage = 'prod'", ["alpha", "Gamma-model"]),
        ("tags.stage = 'prod' AND name LIKE 'a%'", ["alpha"]),
        ("tags.`stage` ILIKE 'PR%'", ["alpha", "Gamma-model"]),
    ],
)
def test_search_registered_models(store, filter_string, expected):
    store.create_registered_model("beta", [RunTag("stage", "dev")])
    store.create_registered_model("alpha", [RunTag("stage", "prod")])
    store.create_registered_model("Gamma-model", [RunTag("stage", "prod")])
    found = [m.name for m in store.search_registered_models(filter_string)]
    assert sorted(found, key=str.lower) == sorted(expected, key=str.lower)


def test_search_registered_models_orders_and_pages(store):
    for name in ("c", "a", "d", "b"):
        store.create_registered_model(name)
    first = store.search_registered_models(max_results=3, order_by=["name DESC"])
    second = store.search_registered_models(max_results=3, order_by=["name DESC"], page_token=first.token)
    assert [m.name for m in first] == ["d", "c", "b"]
    assert [m.name for m in second] == ["a"] and second.token is None
    time.sleep(0.005)  # timestamps are in ms: make the update strictly newer
    store.update_registered_model("b", "touched")
    newest = store.search_registered_models(order_by=["last_updated_timestamp DESC"], max_results=1)
    assert newest[0].name == "b"
    assert [m.name for m in store.search_registered_models(order_by=["timestamp DESC"], max_results=1)] == [
        "b"
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_results": 1001},
        {"max_results": 0},
        {"filter_string": "metrics.a > 1"},
        {"filter_string": "name = 'a' OR name = 'b'"},
        {"order_by": ["source DESC"]},
        {"page_token": "bad"},
    ],
)
def test_search_registered_models_bad_arguments(store, kwargs):
    with pytest.raises(WeirException) as error:
        store.search_registered_models(**kwargs)
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"
