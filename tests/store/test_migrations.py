from __future__ import annotations

import sqlite3

import pytest
from weir.exceptions import WeirException
from weir.store.tracking.sqlite import SqliteTrackingStore
from weir.store.tracking.sqlite.schema import MIGRATIONS, SCHEMA_VERSION, current_version, migrate


def test_new_database_is_at_the_current_version(tmp_path):
    SqliteTrackingStore(tmp_path / "w.db").close()
    with sqlite3.connect(tmp_path / "w.db") as conn:
        assert current_version(conn) == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_database_at_the_current_version_reopens_with_its_data(tmp_path):
    store = SqliteTrackingStore(tmp_path / "w.db")
    experiment_id = store.create_experiment("kept")
    store.close()
    again = SqliteTrackingStore(tmp_path / "w.db")
    assert again.get_experiment(experiment_id).name == "kept"
    again.close()


def test_database_from_a_newer_weir_is_refused_clearly(tmp_path):
    SqliteTrackingStore(tmp_path / "w.db").close()
    with sqlite3.connect(tmp_path / "w.db") as conn:
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION + 5,))
    with pytest.raises(WeirException, match=f"schema version {SCHEMA_VERSION + 5}.*Upgrade weir"):
        SqliteTrackingStore(tmp_path / "w.db")


def test_older_database_is_migrated_forward_keeping_data(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    migrate(conn, str(path), MIGRATIONS[:1])  # a database written by the first schema
    conn.execute(
        "INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) "
        "VALUES (0, 'Default', 'file:///x/0', 1, 1)"
    )
    conn.execute("COMMIT")
    conn.close()
    store = SqliteTrackingStore(path)
    assert store.get_experiment("0").artifact_location == "file:///x/0"
    assert store.create_registered_model("added-by-v2").name == "added-by-v2"  # the registry tables arrived
    store.close()
    with sqlite3.connect(path) as check:
        assert current_version(check) == SCHEMA_VERSION


def test_migrations_apply_in_one_transaction(tmp_path):
    path = tmp_path / "broken.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    with pytest.raises(sqlite3.Error):
        migrate(conn, str(path), (*MIGRATIONS, "CREATE TABLE oops (x INTEGER); THIS IS NOT SQL"))
    conn.execute("ROLLBACK")
    assert current_version(conn) == 0
    conn.close()
