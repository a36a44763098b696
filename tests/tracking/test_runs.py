"""Experiments and the run lifecycle through the fluent API."""

import pytest
from weir.entities import RunStatus
from weir.exceptions import WeirException


def test_set_experiment_creates_a_missing_one_and_returns_it(store):
    experiment = store.set_experiment("new-exp")
    assert experiment.name == "new-exp"
    assert store.get_experiment_by_name("new-exp").experiment_id == experiment.experiment_id
    with store.start_run() as run:
        pass
    assert run.info.experiment_id == experiment.experiment_id


def test_set_experiment_by_id_and_argument_errors(store):
    experiment_id = store.create_experiment("by-id", tags={"k": "v"})
    assert store.set_experiment(experiment_id=experiment_id).tags == {"k": "v"}
    with pytest.raises(WeirException, match="exactly one"):
        store.set_experiment()
    with pytest.raises(WeirException, match="exactly one"):
        store.set_experiment("a", experiment_id)
    with pytest.raises(WeirException) as info:
        store.set_experiment(experiment_id="424242")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_setting_a_deleted_experiment_is_an_error_and_restores_nothing(store):
    experiment_id = store.create_experiment("gone")
    store.delete_experiment(experiment_id)
    for kwargs in ({"experiment_name": "gone"}, {"experiment_id": experiment_id}):
        with pytest.raises(WeirException, match="deleted"):
            store.set_experiment(**kwargs)
    assert store.get_experiment(experiment_id).lifecycle_stage == "deleted"
    store.restore_experiment(experiment_id)
    assert store.set_experiment("gone").lifecycle_stage == "active"


def test_create_experiment_with_a_taken_name_is_refused(store):
    store.create_experiment("dup")
    with pytest.raises(WeirException) as info:
        store.create_experiment("dup")
    assert info.value.error_code == "RESOURCE_ALREADY_EXISTS"
    with pytest.raises(WeirException):
        store.create_experiment("")


def test_search_experiments_and_experiment_tags(store):
    store.set_experiment("tagged")
    store.set_experiment_tag("a", 1)
    store.set_experiment_tags({"b": "two", "c": True})
    assert store.get_experiment_by_name("tagged").tags == {"a": "1", "b": "two", "c": "True"}
    names = {e.name for e in store.search_experiments()}
    assert {"Default", "tagged"} <= names
    assert [e.name for e in store.search_experiments(filter_string="name = 'tagged'")] == ["tagged"]
    assert len(store.search_experiments(max_results=1)) == 1


def test_experiment_env_vars_pick_the_experiment(store, monkeypatch):
    monkeypatch.setenv("MLFLOW_EXPERIMENT_NAME", "from-env")
    with store.start_run() as run:
        pass
    assert store.get_experiment(run.info.experiment_id).name == "from-env"
    monkeypatch.delenv("MLFLOW_EXPERIMENT_NAME")
    other = store.create_experiment("by-env-id")
    monkeypatch.setenv("WEIR_EXPERIMENT_ID", other)
    with store.start_run() as run:
        pass
    assert run.info.experiment_id == other


def test_default_experiment_is_zero(store):
    with store.start_run() as run:
        pass
    assert run.info.experiment_id == "0"


def test_context_manager_finishes_the_run(store):
    with store.start_run(run_name="ok") as run:
        assert store.active_run().info.run_id == run.info.run_id
        assert run.info.status == "RUNNING"
    assert store.active_run() is None
    stored = store.get_run(run.info.run_id)
    assert stored.info.status == "FINISHED"
    assert stored.info.end_time is not None
    assert stored.info.run_name == "ok"
    assert stored.data.tags["mlflow.runName"] == "ok"


def test_context_manager_marks_failed_and_propagates(store):
    with pytest.raises(ZeroDivisionError), store.start_run() as run:
        store.log_metric("before", 1.0)
        1 / 0  # noqa: B018
    stored = store.get_run(run.info.run_id)
    assert stored.info.status == "FAILED"
    assert stored.data.metrics == {"before": 1.0}


def test_start_run_while_active_without_nested_raises(store):
    with store.start_run() as run:
        with pytest.raises(Exception, match=f"Run with UUID {run.info.run_id} is already active"):
            store.start_run()
        assert store.active_run().info.run_id == run.info.run_id


def test_nested_runs_get_the_parent_tag_and_end_in_order(store):
    store.set_experiment("nesting")
    with store.start_run(run_name="PARENT") as parent:
        with store.start_run(run_name="CHILD", nested=True) as child:
            assert store.active_run().info.run_id == child.info.run_id
        assert store.active_run().info.run_id == parent.info.run_id
    child_run = store.get_run(child.info.run_id)
    assert child_run.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert child_run.info.experiment_id == parent.info.experiment_id
    assert "mlflow.parentRunId" not in store.get_run(parent.info.run_id).data.tags


def test_leaving_a_parent_block_ends_children_left_open(store):
    with store.start_run() as parent:
        child = store.start_run(nested=True)
    assert store.active_run() is None
    assert store.get_run(child.info.run_id).info.status == "FINISHED"
    assert store.get_run(parent.info.run_id).info.status == "FINISHED"


def test_parent_run_id_must_match_the_active_run(store):
    with store.start_run() as parent:
        pass
    with store.start_run(parent_run_id=parent.info.run_id) as child:
        pass
    assert store.get_run(child.info.run_id).data.tags["mlflow.parentRunId"] == parent.info.run_id
    with store.start_run() as other, pytest.raises(WeirException, match="does not match"):
        store.start_run(nested=True, parent_run_id=parent.info.run_id)
    assert store.active_run() is None and other.info.run_id


def test_description_becomes_the_note_tag_and_user_tags_are_kept(store):
    with store.start_run(description="my note", tags={"team": "a", "n": 3}) as run:
        pass
    tags = store.get_run(run.info.run_id).data.tags
    assert tags["mlflow.note.content"] == "my note"
    assert tags["team"] == "a" and tags["n"] == "3"
    for key in ("mlflow.user", "mlflow.source.name", "mlflow.source.type", "mlflow.runName"):
        assert key in tags
    with pytest.raises(WeirException, match="Description is already set"):
        store.start_run(description="x", tags={"mlflow.note.content": "y"})


def test_resuming_a_run_sets_it_running_and_keeps_its_data(store):
    with store.start_run() as run:
        store.log_param("p", 1)
        store.log_metric("m", 1.0)
    with store.start_run(run_id=run.info.run_id, tags={"more": "x"}) as resumed:
        assert resumed.info.run_id == run.info.run_id
        assert store.get_run(run.info.run_id).info.status == "RUNNING"
        store.log_metric("m", 2.0, step=1)
    stored = store.get_run(run.info.run_id)
    assert stored.info.status == "FINISHED"
    assert stored.data.params == {"p": "1"}
    assert stored.data.metrics == {"m": 2.0}
    assert stored.data.tags["more"] == "x"


def test_resuming_from_env_run_id_happens_once(store, monkeypatch):
    with store.start_run() as run:
        pass
    monkeypatch.setenv("MLFLOW_RUN_ID", run.info.run_id)
    with store.start_run() as resumed:
        assert resumed.info.run_id == run.info.run_id
    with store.start_run() as fresh:
        assert fresh.info.run_id != run.info.run_id


def test_resuming_unknown_or_deleted_runs_is_an_error(store):
    with pytest.raises(WeirException) as info:
        store.start_run(run_id="0123456789abcdef0123456789abcdef")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    with store.start_run() as run:
        pass
    store.delete_run(run.info.run_id)
    with pytest.raises(WeirException, match="deleted"):
        store.start_run(run_id=run.info.run_id)
    assert store.active_run() is None


def test_resuming_a_run_of_another_experiment_than_the_active_one_is_refused(store):
    with store.start_run() as run:
        pass
    store.set_experiment("elsewhere")
    with pytest.raises(WeirException, match="experiment"):
        store.start_run(run_id=run.info.run_id)


def test_end_run_status_and_last_active_run(store):
    run = store.start_run()
    assert store.last_active_run().info.run_id == run.info.run_id
    store.end_run(status="KILLED")
    last = store.last_active_run()
    assert last.info.run_id == run.info.run_id and last.info.status == "KILLED"
    store.end_run()  # no active run: nothing happens
    with store.start_run(), pytest.raises(WeirException):
        store.end_run(status="BOGUS")


def test_logging_without_an_active_run_starts_one(store):
    store.log_param("auto", 1)
    run = store.active_run()
    assert run is not None
    store.end_run()
    assert store.get_run(run.info.run_id).data.params == {"auto": "1"}


def test_delete_run_and_get_run_errors(store):
    with store.start_run() as run:
        pass
    store.delete_run(run.info.run_id)
    assert store.get_run(run.info.run_id).info.lifecycle_stage == "deleted"
    with pytest.raises(WeirException) as info:
        store.get_run("ffffffffffffffffffffffffffffffff")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert "ffffffffffffffffffffffffffffffff" in info.value.message


def test_runs_in_threads_have_separate_stacks(store):
    import threading

    seen = {}

    def worker(name):
        with store.start_run(run_name=name) as run:
            store.log_metric("x", 1.0)
            seen[name] = run.info.run_id

    threads = [threading.Thread(target=worker, args=(f"t{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(seen.values())) == 3
    for run_id in seen.values():
        assert store.get_run(run_id).data.metrics == {"x": 1.0}
        assert store.get_run(run_id).info.status == RunStatus.FINISHED


def test_log_system_metrics_warns_that_it_is_not_supported(store):
    with pytest.warns(UserWarning, match="system metrics"), store.start_run(log_system_metrics=True):
        pass
