from __future__ import annotations

import pytest
from weir.entities import RunTag, ViewType
from weir.exceptions import WeirException


def test_default_experiment_exists_with_id_zero(store):
    default = store.get_experiment("0")
    assert default.name == "Default"
    assert default.lifecycle_stage == "active"
    assert default.artifact_location == store.artifact_root + "/0"


def test_created_experiments_get_increasing_string_ids_and_default_artifact_location(store):
    first = store.create_experiment("a")
    second = store.create_experiment("b")
    assert (first, second) == ("1", "2")
    experiment = store.get_experiment(second)
    assert experiment.artifact_location == f"{store.artifact_root}/2"
    assert experiment.creation_time == experiment.last_update_time
    assert experiment.creation_time > 1_600_000_000_000


def test_experiment_keeps_given_artifact_location_and_tags(store):
    experiment_id = store.create_experiment("a", "s3://bucket/x", [RunTag("team", "ml")])
    experiment = store.get_experiment(experiment_id)
    assert experiment.artifact_location == "s3://bucket/x"
    assert experiment.tags == {"team": "ml"}


def test_local_artifact_location_becomes_a_file_uri(store, tmp_path):
    experiment = store.get_experiment(store.create_experiment("a", str(tmp_path / "arts")))
    assert experiment.artifact_location == (tmp_path / "arts").as_uri()


def test_runs_uri_is_not_an_artifact_location(store):
    with pytest.raises(WeirException, match="runs:/"):
        store.create_experiment("a", "runs:/abc/x")


@pytest.mark.parametrize("name", ["", "   ", None, "x" * 501])
def test_bad_experiment_names_are_rejected(store, name):
    with pytest.raises(WeirException) as error:
        store.create_experiment(name)
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"


def test_duplicate_name_raises_resource_already_exists_naming_it(store):
    store.create_experiment("dup")
    with pytest.raises(WeirException, match="dup") as error:
        store.create_experiment("dup")
    assert error.value.error_code == "RESOURCE_ALREADY_EXISTS"


def test_name_of_a_deleted_experiment_stays_taken(store):
    store.delete_experiment(store.create_experiment("gone"))
    with pytest.raises(WeirException) as error:
        store.create_experiment("gone")
    assert error.value.error_code == "RESOURCE_ALREADY_EXISTS"


@pytest.mark.parametrize("bad_id", ["999", "abc", "", "-1"])
def test_unknown_experiment_id_raises_resource_does_not_exist(store, bad_id):
    with pytest.raises(WeirException, match="No Experiment with id=") as error:
        store.get_experiment(bad_id)
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_get_experiment_by_name_finds_active_and_deleted_ones(store):
    experiment_id = store.create_experiment("named")
    assert store.get_experiment_by_name("named").experiment_id == experiment_id
    store.delete_experiment(experiment_id)
    assert store.get_experiment_by_name("named").lifecycle_stage == "deleted"
    assert store.get_experiment_by_name("missing") is None


def test_delete_marks_runs_deleted_and_restore_restores_them(store):
    experiment_id = store.create_experiment("e")
    run = store.create_run(experiment_id, "u", 1, [], None).info.run_id
    store.delete_experiment(experiment_id)
    assert store.get_experiment(experiment_id).lifecycle_stage == "deleted"
    assert store.get_run(run).info.lifecycle_stage == "deleted"
    store.restore_experiment(experiment_id)
    assert store.get_experiment(experiment_id).lifecycle_stage == "active"
    assert store.get_run(run).info.lifecycle_stage == "active"


def test_deleting_twice_and_restoring_an_active_experiment_are_errors(store):
    experiment_id = store.create_experiment("e")
    with pytest.raises(WeirException):
        store.restore_experiment(experiment_id)
    store.delete_experiment(experiment_id)
    with pytest.raises(WeirException):
        store.delete_experiment(experiment_id)


def test_delete_updates_last_update_time(store):
    experiment_id = store.create_experiment("e")
    before = store.get_experiment(experiment_id).last_update_time
    store.delete_experiment(experiment_id)
    assert store.get_experiment(experiment_id).last_update_time >= before


def test_rename(store):
    experiment_id = store.create_experiment("old")
    store.rename_experiment(experiment_id, "new")
    assert store.get_experiment(experiment_id).name == "new"
    assert store.get_experiment_by_name("old") is None


def test_rename_to_a_taken_name_fails_and_keeps_the_old_name(store):
    experiment_id = store.create_experiment("a")
    store.create_experiment("b")
    with pytest.raises(WeirException) as error:
        store.rename_experiment(experiment_id, "b")
    assert error.value.error_code == "RESOURCE_ALREADY_EXISTS"
    assert store.get_experiment(experiment_id).name == "a"


def test_rename_of_a_deleted_experiment_fails(store):
    experiment_id = store.create_experiment("a")
    store.delete_experiment(experiment_id)
    with pytest.raises(WeirException, match="deleted"):
        store.rename_experiment(experiment_id, "b")


def test_experiment_tags_set_overwrite_and_delete(store):
    experiment_id = store.create_experiment("a")
    store.set_experiment_tag(experiment_id, RunTag("k", "1"))
    store.set_experiment_tag(experiment_id, RunTag("k", "2"))
    assert store.get_experiment(experiment_id).tags == {"k": "2"}
    store.delete_experiment_tag(experiment_id, "k")
    assert store.get_experiment(experiment_id).tags == {}
    with pytest.raises(WeirException) as error:
        store.delete_experiment_tag(experiment_id, "k")
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_experiment_tag_on_deleted_experiment_fails(store):
    experiment_id = store.create_experiment("a")
    store.delete_experiment(experiment_id)
    with pytest.raises(WeirException, match="active"):
        store.set_experiment_tag(experiment_id, RunTag("k", "v"))


def test_search_experiments_view_types(store):
    kept = store.create_experiment("kept")
    gone = store.create_experiment("gone")
    store.delete_experiment(gone)
    names = lambda view: {e.name for e in store.search_experiments(view)}  # noqa: E731
    assert names(ViewType.ACTIVE_ONLY) == {"Default", "kept"}
    assert names(ViewType.DELETED_ONLY) == {"gone"}
    assert names(ViewType.ALL) == {"Default", "kept", "gone"}
    assert kept


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        ("name = 'alpha'", {"alpha"}),
        ("name != 'alpha'", {"Default", "beta", "Gamma"}),
        ("name LIKE 'a%'", {"alpha"}),
        ("name LIKE '%a'", {"alpha", "beta", "Gamma"}),
        ("name ILIKE 'g%'", {"Gamma"}),
        ("name LIKE 'g%'", set()),
        ("tags.team = 'ml'", {"alpha", "Gamma"}),
        ("tags.team = 'ml' AND name ILIKE '%A'", {"alpha", "Gamma"}),
        ("tags.team != 'ml'", {"beta"}),
        ("tags.team IS NULL", {"Default"}),
        ("tags.`team` LIKE 'm%'", {"alpha", "Gamma"}),
        ("experiment_id IN ('1', '2')", {"alpha", "beta"}),
        ("creation_time > 0", {"Default", "alpha", "beta", "Gamma"}),
        ("last_update_time < 0", set()),
    ],
)
def test_search_experiments_filters(store, filter_string, expected):
    store.create_experiment("alpha", tags=[RunTag("team", "ml")])
    store.create_experiment("beta", tags=[RunTag("team", "ops")])
    store.create_experiment("Gamma", tags=[RunTag("team", "ml")])
    assert {e.name for e in store.search_experiments(filter_string=filter_string)} == expected


def test_search_experiments_orders_by_creation_time_desc_by_default(store):
    for name in ("a", "b", "c"):
        store.create_experiment(name)
    names = [e.name for e in store.search_experiments()]
    # created within the same millisecond or not, newer ids never come before older ones on ties
    times = [e.creation_time for e in store.search_experiments()]
    assert times == sorted(times, reverse=True)
    assert set(names) == {"Default", "a", "b", "c"}


def test_search_experiments_order_by_name_and_paging(store):
    for name in ("d", "b", "c", "a"):
        store.create_experiment(name)
    first = store.search_experiments(max_results=2, order_by=["name ASC"])
    assert [e.name for e in first] == ["Default", "a"]
    second = store.search_experiments(max_results=2, order_by=["name ASC"], page_token=first.token)
    third = store.search_experiments(max_results=2, order_by=["name ASC"], page_token=second.token)
    assert [e.name for e in second] == ["b", "c"]
    assert [e.name for e in third] == ["d"]
    assert third.token is None


def test_search_experiments_bad_input(store):
    with pytest.raises(WeirException, match="max_results"):
        store.search_experiments(max_results=50001)
    with pytest.raises(WeirException, match="params"):
        store.search_experiments(filter_string="params.x = '1'")
    with pytest.raises(WeirException, match="page token"):
        store.search_experiments(page_token="garbage!")
