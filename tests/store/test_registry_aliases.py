from __future__ import annotations

import pytest
from weir.exceptions import WeirException


@pytest.fixture
def model(store):
    store.create_registered_model("m")
    store.create_model_version("m", "s3://1")
    store.create_model_version("m", "s3://2")
    return "m"


def test_alias_points_at_one_version_and_moves(store, model):
    store.set_registered_model_alias(model, "champion", 1)
    assert store.get_model_version_by_alias(model, "champion").version == "1"
    store.set_registered_model_alias(model, "champion", "2")
    assert store.get_model_version_by_alias(model, "champion").version == "2"
    assert store.get_model_version(model, 1).aliases == []
    assert store.get_model_version(model, 2).aliases == ["champion"]
    assert store.get_registered_model(model).aliases == {"champion": "2"}


def test_delete_alias(store, model):
    store.set_registered_model_alias(model, "a", 1)
    store.delete_registered_model_alias(model, "a")
    with pytest.raises(WeirException) as error:
        store.get_model_version_by_alias(model, "a")
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(WeirException):
        store.delete_registered_model_alias(model, "a")


def test_deleting_a_version_drops_its_aliases(store, model):
    store.set_registered_model_alias(model, "a", 1)
    store.set_registered_model_alias(model, "b", 2)
    store.delete_model_version(model, 1)
    assert store.get_registered_model(model).aliases == {"b": "2"}
    with pytest.raises(WeirException):
        store.get_model_version_by_alias(model, "a")


@pytest.mark.parametrize("alias", ["", "latest", "LATEST", "v1", "V22", "has space", "x" * 256, "a/b"])
def test_invalid_aliases(store, model, alias):
    with pytest.raises(WeirException) as error:
        store.set_registered_model_alias(model, alias, 1)
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"


def test_alias_to_unknown_version_fails(store, model):
    with pytest.raises(WeirException, match="version=5") as error:
        store.set_registered_model_alias(model, "x", 5)
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"
