from __future__ import annotations

import pytest
from weir.entities import ModelVersion, RunTag
from weir.exceptions import WeirException


@pytest.fixture
def model(store):
    store.create_registered_model("m")
    return "m"


def test_versions_are_numbered_per_model_and_never_reused(store, model):
    assert [store.create_model_version(model, f"s3://v{i}").version for i in range(3)] == ["1", "2", "3"]
    store.delete_model_version(model, "3")
    assert store.create_model_version(model, "s3://v4").version == "4"
    store.create_registered_model("other")
    assert store.create_model_version("other", "s3://o").version == "1"


def test_create_model_version_fields(store, model, run_id):
    version = store.create_model_version(
        model, "runs:/abc/model", run_id, [RunTag("k", "v")], "http://link", "desc", user_id="bob"
    )
    assert isinstance(version, ModelVersion)
    assert (version.name, version.version, version.source, version.run_id, version.run_link) == (
        "m",
        "1",
        "runs:/abc/model",
        run_id,
        "http://link",
    )
    assert (version.description, version.user_id, version.current_stage, version.status) == (
        "desc",
        "bob",
        "None",
        "READY",
    )
    assert version.tags == {"k": "v"} and version.aliases == []
    assert store.get_model_version(model, 1) == version
    assert store.get_model_version_download_uri(model, "1") == "runs:/abc/model"


def test_unknown_or_bad_versions(store, model):
    store.create_model_version(model, "s3://x")
    with pytest.raises(WeirException, match="version=7") as error:
        store.get_model_version(model, "7")
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    for bad in ("x", "0", -1, True, "1.5"):
        with pytest.raises(WeirException) as error:
            store.get_model_version(model, bad)
        assert error.value.error_code == "INVALID_PARAMETER_VALUE"
    with pytest.raises(WeirException):
        store.create_model_version(model, "")


def test_update_and_delete_version(store, model):
    store.create_model_version(model, "s3://x")
    assert store.update_model_version(model, 1, "better").description == "better"
    store.delete_model_version(model, 1)
    with pytest.raises(WeirException):
        store.get_model_version(model, 1)
    with pytest.raises(WeirException):
        store.delete_model_version(model, 1)


def test_version_tags(store, model):
    store.create_model_version(model, "s3://x")
    store.set_model_version_tag(model, 1, RunTag("k", "v"))
    assert store.get_model_version(model, 1).tags == {"k": "v"}
    store.delete_model_version_tag(model, 1, "k")
    assert store.get_model_version(model, 1).tags == {}
    with pytest.raises(WeirException) as error:
        store.delete_model_version_tag(model, 1, "k")
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_search_model_versions(store, model, run_id):
    store.create_model_version(model, "s3://bucket/a", run_id, [RunTag("flavor", "sklearn")])
    store.create_model_version(model, "s3://bucket/b", None, [RunTag("flavor", "torch")])
    store.create_registered_model("n")
    store.create_model_version("n", "file:///c", run_id)

    def found(filter_string, **kwargs):
        return [(v.name, v.version) for v in store.search_model_versions(filter_string, **kwargs)]

    assert found("name = 'm'") == [("m", "2"), ("m", "1")]
    assert found(f"run_id = '{run_id}'") == [("m", "1"), ("n", "1")]
    assert found(f"run_id IN ('{run_id}', 'zzz') AND name = 'n'") == [("n", "1")]
    assert found("source_path LIKE 's3://%'") == [("m", "2"), ("m", "1")]
    assert found("version_number > 1") == [("m", "2")]
    assert found("tags.flavor = 'torch'") == [("m", "2")]
    assert found("tags.flavor IS NULL") == [("n", "1")]
    assert found("name ILIKE 'M'", order_by=["version_number ASC"]) == [("m", "1"), ("m", "2")]
    page = store.search_model_versions(max_results=2)
    rest = store.search_model_versions(max_results=2, page_token=page.token)
    assert len(page) == 2 and len(rest) == 1 and rest.token is None
    with pytest.raises(WeirException):
        store.search_model_versions("metrics.x > 1")
