"""``weir db upgrade``: creates or migrates a tracking database ahead of time."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner
from weir.cli import cli
from weir.store.tracking.sqlite.schema import SCHEMA_VERSION, current_version


def test_upgrade_creates_a_sqlite_database_at_the_current_version(tmp_path):
    result = CliRunner().invoke(cli, ["db", "upgrade", f"sqlite:///{tmp_path}/team.db"])
    assert result.exit_code == 0, result.output
    assert f"schema version {SCHEMA_VERSION}" in result.output
    with sqlite3.connect(tmp_path / "team.db") as conn:
        assert current_version(conn) == SCHEMA_VERSION


def test_upgrade_migrates_a_postgres_database(postgres_uri):
    from weir.store.tracking.postgres import schema
    from weir.store.tracking.postgres.connection import PostgresDatabase
    from weir.store.tracking.postgres.uri import to_conninfo

    result = CliRunner().invoke(cli, ["db", "upgrade", postgres_uri])
    assert result.exit_code == 0, result.output
    database = PostgresDatabase(to_conninfo(postgres_uri), display="test")
    try:
        assert database.read(schema.current_version) == SCHEMA_VERSION
    finally:
        database.close()


def test_upgrade_refuses_what_is_not_a_database():
    result = CliRunner().invoke(cli, ["db", "upgrade", "http://127.0.0.1:5000"])
    assert result.exit_code != 0
    assert "not a database URL" in str(result.exception or result.output)
