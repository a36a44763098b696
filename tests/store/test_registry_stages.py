from __future__ import annotations

import time

import pytest
from weir.entities import ModelVersionStages
from weir.exceptions import WeirException


@pytest.fixture
def model(store):
    store.create_registered_model("m")
    for i in range(3):
        store.create_model_version("m", f"s3://v{i + 1}")
    return "m"


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("staging", "Staging"),
        ("PRODUCTION", "Production"),
        ("archived", "Archived"),
        ("none", "None"),
        ("None", "None"),
    ],
)
def test_stages_are_case_insensitive_in_and_canonical_out(store, model, given, canonical):
    assert store.transition_model_version_stage(model, 1, given).current_stage == canonical
    assert ModelVersionStages.canonical(given) == canonical


def test_unknown_stage_is_an_error_naming_it(store, model):
    with pytest.raises(WeirException, match="Shipping") as error:
        store.transition_model_version_stage(model, 1, "Shipping")
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"


def test_transition_unknown_version_or_model(store, model):
    with pytest.raises(WeirException, match="version=9"):
        store.transition_model_version_stage(model, 9, "Staging")
    with pytest.raises(WeirException, match="nope"):
        store.transition_model_version_stage("nope", 1, "Staging")


def test_archive_existing_versions_moves_others_in_target_stage_to_archived(store, model):
    store.transition_model_version_stage(model, 1, "Production")
    store.transition_model_version_stage(model, 2, "Staging")
    store.transition_model_version_stage(model, 3, "Production", archive_existing_versions=True)
    stages = {v: store.get_model_version(model, v).current_stage for v in (1, 2, 3)}
    assert stages == {1: "Archived", 2: "Staging", 3: "Production"}


def test_without_archiving_several_versions_share_a_stage(store, model):
    store.transition_model_version_stage(model, 1, "Production")
    store.transition_model_version_stage(model, 2, "Production")
    assert store.get_model_version(model, 1).current_stage == "Production"


def test_archive_existing_versions_needs_staging_or_production(store, model):
    with pytest.raises(WeirException, match="Staging or Production"):
        store.transition_model_version_stage(model, 1, "Archived", archive_existing_versions=True)


def test_get_latest_versions_newest_per_stage(store, model):
    store.transition_model_version_stage(model, 1, "Production")
    store.transition_model_version_stage(model, 2, "Production")
    latest = {v.current_stage: v.version for v in store.get_latest_versions(model)}
    assert latest == {"Production": "2", "None": "3"}
    assert [v.version for v in store.get_latest_versions(model, ["production"])] == ["2"]
    assert store.get_latest_versions(model, ["Staging"]) == []
    assert {v.version for v in store.get_registered_model(model).latest_versions} == {"2", "3"}
    with pytest.raises(WeirException):
        store.get_latest_versions(model, ["Nope"])


def test_stage_history_records_every_transition_with_user_and_time(store, model):
    before = int(time.time() * 1000)
    store.transition_model_version_stage(model, 1, "Staging", user_id="ann")
    store.transition_model_version_stage(model, 1, "Production", user_id="bob")
    store.transition_model_version_stage(model, 2, "Production", archive_existing_versions=True, user_id="cy")
    history = store.get_model_version_stage_history(model)
    assert [(t.version, t.from_stage, t.to_stage, t.user_id) for t in history] == [
        ("1", "None", "Staging", "ann"),
        ("1", "Staging", "Production", "bob"),
        ("2", "None", "Production", "cy"),
        ("1", "Production", "Archived", "cy"),
    ]
    assert all(t.timestamp >= before for t in history)
    assert [t.to_stage for t in store.get_model_version_stage_history(model, "1")] == [
        "Staging",
        "Production",
        "Archived",
    ]


def test_stage_history_survives_version_delete(store, model):
    store.transition_model_version_stage(model, 1, "Staging")
    store.delete_model_version(model, 1)
    assert len(store.get_model_version_stage_history(model, 1)) == 1


def _at(store, name, when):
    """Rewrite the last transition's timestamp so the test controls time."""
    conn = store._db.connection()
    conn.execute(
        "UPDATE model_version_stage_history SET timestamp = ? WHERE id = (SELECT max(id) FROM model_version_stage_history)",
        (when,),
    )


def test_version_in_stage_at_a_time(store, model):
    store.transition_model_version_stage(model, 1, "Production")
    _at(store, model, 1000)
    store.transition_model_version_stage(model, 2, "Production", archive_existing_versions=True)
    _at(store, model, 2000)  # the archive of version 1
    conn = store._db.connection()
    conn.execute("UPDATE model_version_stage_history SET timestamp = 2000 WHERE version = 2")
    assert store.get_model_version_in_stage_at(model, "Production", 500) is None
    assert store.get_model_version_in_stage_at(model, "production", 1500) == "1"
    assert store.get_model_version_in_stage_at(model, "Production", 2500) == "2"
    assert store.get_model_version_in_stage_at(model, "Archived", 2500) == "1"
    now = int(time.time() * 1000) + 1000
    assert store.get_model_version_in_stage_at(model, "None", now) == "3"
    with pytest.raises(WeirException):
        store.get_model_version_in_stage_at(model, "Bogus", 1)
