"""What is particular to the PostgreSQL store: schema migrations, concurrency, connections, URIs.

Everything the SQLite store does is also run on PostgreSQL by tests/store (its ``store`` fixture).
"""

from __future__ import annotations

import multiprocessing
import random
import string
import threading

import psycopg
import pytest
from weir.entities import Metric, Param, RunTag
from weir.exceptions import InvalidParameterValue, ResourceAlreadyExists, WeirException
from weir.store.tracking.postgres import PostgresTrackingStore, connection, schema
from weir.store.tracking.postgres.connection import PostgresDatabase
from weir.store.tracking.postgres.uri import to_conninfo


@pytest.fixture
def open_stores():
    """Stores a test opens, closed at the end whatever happens."""
    stores: list[PostgresTrackingStore] = []
    yield stores
    for store in stores:
        store.close()


def _open(open_stores, uri, root=None) -> PostgresTrackingStore:
    store = PostgresTrackingStore(uri, root)
    open_stores.append(store)
    return store


def _version(uri: str) -> int:
    database = PostgresDatabase(to_conninfo(uri), display="test")
    try:
        return database.read(schema.current_version)
    finally:
        database.close()


# --- schema -------------------------------------------------------------------------------------
def test_a_new_database_gets_the_current_schema_and_the_default_experiment(postgres_uri, open_stores):
    assert _version(postgres_uri) == 0
    store = _open(open_stores, postgres_uri, "s3://bucket/root")
    assert _version(postgres_uri) == schema.SCHEMA_VERSION
    default = store.get_experiment("0")
    assert (default.name, default.artifact_location) == ("Default", "s3://bucket/root/0")


def test_reopening_keeps_the_data_and_continues_the_ids(postgres_uri, open_stores):
    first = _open(open_stores, postgres_uri)
    experiment_id = first.create_experiment("kept")
    first.close()
    second = _open(open_stores, postgres_uri)
    assert second.get_experiment(experiment_id).name == "kept"
    assert second.create_experiment("next") == str(int(experiment_id) + 1)


def test_a_database_from_a_newer_weir_is_refused_clearly(postgres_uri, open_stores):
    _open(open_stores, postgres_uri).close()
    with psycopg.connect(to_conninfo(postgres_uri), autocommit=True) as conn:
        conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (schema.SCHEMA_VERSION + 5,))
    with pytest.raises(WeirException, match=f"schema version {schema.SCHEMA_VERSION + 5}.*Upgrade weir"):
        PostgresTrackingStore(postgres_uri)


def test_an_older_database_is_migrated_forward_keeping_its_data(postgres_uri, open_stores):
    database = PostgresDatabase(to_conninfo(postgres_uri), display="test")

    def first_schema_only(conn):
        schema.migrate(conn, "test", schema.MIGRATIONS[:1])
        conn.execute(
            "INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) "
            "VALUES (0, 'Default', 'file:///x/0', 1, 1)"
        )

    database.write(first_schema_only, isolation="READ COMMITTED")
    database.close()
    assert _version(postgres_uri) == 1

    store = _open(open_stores, postgres_uri)
    assert store.get_experiment("0").artifact_location == "file:///x/0"
    assert store.create_registered_model("added-later").name == "added-later"
    assert _version(postgres_uri) == schema.SCHEMA_VERSION


def test_processes_opening_a_new_database_at_once_create_it_once(postgres_uri, open_stores):
    errors: list[BaseException] = []
    opened: list[PostgresTrackingStore] = []

    def open_store() -> None:
        try:
            opened.append(PostgresTrackingStore(postgres_uri))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    open_stores.extend(opened)
    assert errors == []
    assert [e.name for e in opened[0].search_experiments()] == ["Default"]


# --- concurrency ----------------------------------------------------------------------------------
def _in_threads(count: int, work) -> list[BaseException]:
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            work(n)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_concurrent_model_versions_get_distinct_numbers(postgres_uri, open_stores):
    store = _open(open_stores, postgres_uri)
    store.create_registered_model("shared")
    errors = _in_threads(
        4, lambda n: [store.create_model_version("shared", f"s3://b/{n}/{i}") for i in range(5)]
    )
    assert errors == []
    versions = store.search_model_versions("name = 'shared'", max_results=100)
    assert sorted(int(v.version) for v in versions) == list(range(1, 21))


def test_one_of_several_concurrent_creations_of_a_name_wins(postgres_uri, open_stores):
    store = _open(open_stores, postgres_uri)
    errors = _in_threads(4, lambda n: store.create_experiment("contended"))
    assert len(errors) == 3 and all(isinstance(e, ResourceAlreadyExists) for e in errors)
    assert [e.name for e in store.search_experiments(filter_string="name = 'contended'")] == ["contended"]


def _log_from_process(uri: str, run_id: str, worker: int) -> None:
    store = PostgresTrackingStore(uri)
    for start in range(0, 300, 50):
        store.log_batch(
            run_id,
            metrics=[Metric(f"w{worker}", float(i), 1000 + i, i) for i in range(start, start + 50)],
            params=[Param(f"w{worker}.p{start}", str(start))],
        )
        store.log_batch(run_id, params=[Param("shared", "same")])  # the same param from everyone
    store.close()


def test_processes_logging_to_one_run_lose_nothing(postgres_uri, open_stores):
    store = _open(open_stores, postgres_uri)
    run_id = store.create_run("0", "u", 1, [], "shared").info.run_id
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_log_from_process, args=(postgres_uri, run_id, w)) for w in range(3)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0, 0, 0]
    run = store.get_run(run_id)
    for worker in range(3):
        assert [m.step for m in store.get_metric_history(run_id, f"w{worker}")] == list(range(300))
        assert run.data.metrics[f"w{worker}"] == 299.0
    assert len(run.data.params) == 3 * 6 + 1


# --- connections ----------------------------------------------------------------------------------
def test_a_connection_closed_by_the_server_is_replaced(postgres_uri, open_stores):
    store = _open(open_stores, postgres_uri)
    pid = store._db.connection().raw.info.backend_pid
    with psycopg.connect(to_conninfo(postgres_uri), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    assert store.create_experiment("after-restart")
    assert store._db.connection().raw.info.backend_pid != pid


def test_an_unreachable_server_is_reported_without_the_password(monkeypatch):
    monkeypatch.setattr(connection, "CONNECT_RETRY_SECONDS", 0.2)
    with pytest.raises(
        WeirException, match=r"Cannot connect to postgresql://weir:\*\*\*@127\.0\.0\.1:1/x"
    ) as caught:
        PostgresTrackingStore("postgresql://weir:s3cret@127.0.0.1:1/x")
    assert caught.value.error_code == "TEMPORARILY_UNAVAILABLE"
    assert "s3cret" not in str(caught.value)


# --- values and defaults --------------------------------------------------------------------------
def test_the_default_artifact_root_is_weirartifacts_in_the_working_directory(
    postgres_uri, open_stores, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    store = _open(open_stores, postgres_uri)
    assert store.get_experiment("0").artifact_location == (tmp_path / "weirartifacts" / "0").as_uri()


def test_long_incompressible_values_are_stored(postgres_uri, open_stores):
    store = _open(open_stores, postgres_uri)
    run_id = store.create_run("0", "u", 1, [], None).info.run_id
    noise = random.Random(7)  # random letters: over PostgreSQL's index entry limit even compressed
    tag = "".join(noise.choices(string.ascii_letters + string.digits, k=8000))
    param = "".join(noise.choices(string.ascii_letters + string.digits, k=6000))
    store.log_batch(run_id, params=[Param("long", param)], tags=[RunTag("long", tag)])
    data = store.get_run(run_id).data
    assert (data.params["long"], data.tags["long"]) == (param, tag)
    assert [r.info.run_id for r in store.search_runs(["0"], f"params.long = '{param}'")] == [run_id]


def test_a_value_postgres_cannot_store_is_an_invalid_parameter(postgres_uri, open_stores):
    store = _open(open_stores, postgres_uri)
    run_id = store.create_run("0", "u", 1, [], None).info.run_id
    with pytest.raises(InvalidParameterValue, match="PostgreSQL refused a value"):
        store.set_tag(run_id, RunTag("nul", "a\x00b"))


def test_text_orders_by_code_point_as_in_sqlite(postgres_uri, open_stores):
    store = _open(open_stores, postgres_uri)
    for name in ("b", "B", "a", "_x"):
        store.create_run("0", "u", 1, [], name)
    ordered = store.search_runs(["0"], order_by=["attributes.run_name ASC"])
    assert [r.info.run_name for r in ordered] == ["B", "_x", "a", "b"]


def test_the_factory_resolves_postgres_uris_through_the_builtin_hook(postgres_uri):
    from weir.store.factory import clear_store_cache, get_tracking_store

    uri = postgres_uri.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        store = get_tracking_store(uri)
        assert isinstance(store, PostgresTrackingStore)
        assert get_tracking_store(uri) is store
    finally:
        clear_store_cache()
