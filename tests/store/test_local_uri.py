from __future__ import annotations

import pytest
from weir.exceptions import WeirException
from weir.store.tracking.local import local_tracking_store
from weir.store.tracking.sqlite import SqliteTrackingStore


def test_plain_path_names_a_folder_with_db_and_artifacts(tmp_path):
    folder = tmp_path / "runs" / "nested"
    store = local_tracking_store(str(folder))
    assert isinstance(store, SqliteTrackingStore)
    assert store.db_path == str(folder / "weir.db")
    assert store.artifact_root == (folder / "artifacts").as_uri()
    assert (folder / "weir.db").exists()
    store.close()


def test_file_uri_names_a_folder(tmp_path):
    store = local_tracking_store((tmp_path / "f").as_uri())
    assert store.db_path == str(tmp_path / "f" / "weir.db")
    assert store.get_experiment("0").artifact_location == (tmp_path / "f" / "artifacts" / "0").as_uri()
    store.close()


def test_sqlite_absolute_uri(tmp_path):
    store = local_tracking_store(f"sqlite:///{tmp_path}/db/x.db")  # sqlite:////abs/path
    assert store.db_path == str(tmp_path / "db" / "x.db")
    assert store.artifact_root == (tmp_path / "db" / "artifacts").as_uri()
    store.close()


def test_sqlite_relative_uri_is_relative_to_the_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = local_tracking_store("sqlite:///rel.db")
    assert store.db_path == str(tmp_path / "rel.db")
    store.close()


def test_default_artifact_root_can_be_given(tmp_path):
    store = local_tracking_store(str(tmp_path / "s"), default_artifact_root="s3://bucket/root")
    assert store.get_experiment("0").artifact_location == "s3://bucket/root/0"
    store.close()


@pytest.mark.parametrize(
    "uri", ["http://localhost:5000", "https://x", "postgresql://u@h/db", "mlflow-artifacts:/x", "s3://b/k"]
)
def test_other_schemes_are_left_to_other_plugins(uri):
    assert local_tracking_store(uri) is None


def test_bad_sqlite_uris_are_errors():
    for uri in ("sqlite:relative.db", "sqlite://", "sqlite:///:memory:"):
        with pytest.raises(WeirException):
            local_tracking_store(uri)


def test_a_file_is_not_a_tracking_folder(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(WeirException, match="file"):
        local_tracking_store(str(tmp_path / "file"))


def test_factory_resolves_local_uris_through_the_builtin_hook(tmp_path):
    from weir.store.factory import clear_store_cache, get_tracking_store

    uri = (tmp_path / "viahook").as_uri()
    try:
        store = get_tracking_store(uri)
        assert isinstance(store, SqliteTrackingStore)
        assert get_tracking_store(uri) is store
    finally:
        clear_store_cache()


def test_reopening_keeps_data(tmp_path):
    first = local_tracking_store(str(tmp_path))
    experiment_id = first.create_experiment("persisted")
    first.close()
    second = local_tracking_store(str(tmp_path))
    assert second.get_experiment(experiment_id).name == "persisted"
    assert second.create_experiment("next") == str(int(experiment_id) + 1)
    second.close()
