"""The ``store`` fixture: every store test is a function of it and runs on each back end.

SQLite always; PostgreSQL when ``WEIR_TEST_POSTGRES_URI`` names a database (scripts/services.sh
starts a throwaway cluster and sets it): one schema for the session, emptied before each test.
"""

from __future__ import annotations

import os

import pytest
from weir.store.tracking.sqlite import SqliteTrackingStore

POSTGRES_URI = os.environ.get("WEIR_TEST_POSTGRES_URI")


@pytest.fixture(scope="session")
def postgres_schema_uri():
    """A URI on a schema of its own in WEIR_TEST_POSTGRES_URI's database, dropped at the end."""
    from weir.store.tracking.postgres.testing import isolated_schema_uri

    with isolated_schema_uri(POSTGRES_URI, prefix="weir_store_tests") as uri:
        yield uri


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgres",
            marks=pytest.mark.skipif(not POSTGRES_URI, reason="WEIR_TEST_POSTGRES_URI is not set"),
        ),
    ]
)
def store(request, tmp_path):
    if request.param == "sqlite":
        instance = SqliteTrackingStore(tmp_path / "weir.db")
    else:
        from weir.store.tracking.postgres import PostgresTrackingStore
        from weir.store.tracking.postgres.testing import empty_tables

        uri = request.getfixturevalue("postgres_schema_uri")
        empty_tables(uri)
        instance = PostgresTrackingStore(uri, str(tmp_path / "artifacts"))
    yield instance
    instance.close()


@pytest.fixture
def experiment_id(store) -> str:
    return store.create_experiment("exp")


@pytest.fixture
def run_id(store, experiment_id) -> str:
    return store.create_run(experiment_id, "alice", 1_000, [], "run-1").info.run_id
