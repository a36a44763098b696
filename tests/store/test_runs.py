from __future__ import annotations

import re

import pytest
from weir.entities import RunStatus, RunTag
from weir.exceptions import WeirException


def test_create_run_returns_a_running_run_with_mlflow_fields(store, experiment_id):
    run = store.create_run(experiment_id, "alice", 1234, [RunTag("k", "v")], "my-run")
    info = run.info
    assert re.fullmatch(r"[0-9a-f]{32}", info.run_id) and info.run_uuid == info.run_id
    assert info.experiment_id == experiment_id
    assert (info.run_name, info.user_id, info.status, info.start_time, info.end_time) == (
        "my-run",
        "alice",
        "RUNNING",
        1234,
        None,
    )
    experiment = store.get_experiment(experiment_id)
    assert info.artifact_uri == f"{experiment.artifact_location}/{info.run_id}/artifacts"
    assert info.lifecycle_stage == "active"
    assert run.data.tags == {"k": "v", "mlflow.runName": "my-run"}
    assert store.get_run(info.run_id) == run


def test_run_name_is_generated_when_missing(store, experiment_id):
    run = store.create_run(experiment_id, "u", 1, [], None)
    assert re.fullmatch(r"[a-z]+-[a-z]+-\d{1,3}", run.info.run_name)
    assert run.data.tags["mlflow.runName"] == run.info.run_name


def test_run_name_can_come_from_the_run_name_tag(store, experiment_id):
    run = store.create_run(experiment_id, "u", 1, [RunTag("mlflow.runName", "from-tag")], None)
    assert run.info.run_name == "from-tag"


def test_conflicting_run_name_and_tag_is_an_error(store, experiment_id):
    with pytest.raises(WeirException, match="different"):
        store.create_run(experiment_id, "u", 1, [RunTag("mlflow.runName", "a")], "b")


def test_create_run_in_unknown_experiment_names_it(store):
    with pytest.raises(WeirException, match="id=42") as error:
        store.create_run("42", "u", 1, [], None)
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_create_run_in_deleted_experiment_names_it(store, experiment_id):
    store.delete_experiment(experiment_id)
    with pytest.raises(WeirException, match=f"experiment {experiment_id} must be in the 'active' state"):
        store.create_run(experiment_id, "u", 1, [], None)


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.get_run("nope"),
        lambda s: s.update_run_info("nope", "FINISHED", 1, None),
        lambda s: s.delete_run("nope"),
        lambda s: s.restore_run("nope"),
        lambda s: s.log_batch("nope", params=[]),
        lambda s: s.delete_tag("nope", "k"),
        lambda s: s.get_metric_history("nope", "m"),
    ],
)
def test_unknown_run_id_is_resource_does_not_exist(store, call):
    with pytest.raises(WeirException, match="Run with id=nope not found") as error:
        call(store)
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_update_run_info_sets_status_end_time_and_name(store, run_id):
    info = store.update_run_info(run_id, RunStatus.FINISHED, 5000, "renamed")
    assert (info.status, info.end_time, info.run_name) == ("FINISHED", 5000, "renamed")
    run = store.get_run(run_id)
    assert run.info == info
    assert run.data.tags["mlflow.runName"] == "renamed"


def test_update_run_info_keeps_fields_given_as_none(store, run_id):
    store.update_run_info(run_id, "FAILED", 10, None)
    info = store.update_run_info(run_id, None, None, None)
    assert (info.status, info.end_time, info.run_name) == ("FAILED", 10, "run-1")


def test_update_run_info_rejects_unknown_status(store, run_id):
    with pytest.raises(WeirException, match="status"):
        store.update_run_info(run_id, "DONE", None, None)


def test_setting_the_run_name_tag_renames_the_run(store, run_id):
    store.set_tag(run_id, RunTag("mlflow.runName", "via-tag"))
    assert store.get_run(run_id).info.run_name == "via-tag"


def test_delete_and_restore_run(store, run_id):
    store.delete_run(run_id)
    assert store.get_run(run_id).info.lifecycle_stage == "deleted"
    store.restore_run(run_id)
    assert store.get_run(run_id).info.lifecycle_stage == "active"


@pytest.mark.parametrize(
    "call",
    [
        lambda s, r: s.log_batch(r, params=[]),
        lambda s, r: s.update_run_info(r, "FINISHED", 1, None),
        lambda s, r: s.delete_tag(r, "mlflow.runName"),
    ],
)
def test_writing_to_a_deleted_run_is_an_error_naming_it(store, run_id, call):
    store.delete_run(run_id)
    with pytest.raises(WeirException, match=f"The run {run_id} must be in the 'active' state") as error:
        call(store, run_id)
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"


def test_delete_tag(store, run_id):
    store.set_tag(run_id, RunTag("k", "v"))
    store.delete_tag(run_id, "k")
    assert "k" not in store.get_run(run_id).data.tags
    with pytest.raises(WeirException, match="k") as error:
        store.delete_tag(run_id, "k")
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_close_is_idempotent_and_store_reopens_connections(store, run_id):
    store.close()
    store.close()
    assert store.get_run(run_id).info.run_id == run_id


@pytest.mark.parametrize("start_time", ["soon", -5, 1.5, True])
def test_bad_start_time_is_rejected(store, experiment_id, start_time):
    with pytest.raises(WeirException, match="start_time") as error:
        store.create_run(experiment_id, "u", start_time, [], None)
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"


def test_missing_start_time_means_now(store, experiment_id):
    assert store.create_run(experiment_id, "u", None, [], None).info.start_time > 1_600_000_000_000


def test_bad_end_time_is_rejected_and_run_unchanged(store, run_id):
    with pytest.raises(WeirException, match="end_time"):
        store.update_run_info(run_id, "FINISHED", "later", None)
    assert store.get_run(run_id).info.status == "RUNNING"
