"""The SQL tracking store: experiments, runs, params, tags and metrics on weir's relational schema.

``SqlTrackingStore`` holds everything that does not depend on the database; ``SqliteTrackingStore``
(one database file) and ``weir.store.tracking.postgres.PostgresTrackingStore`` subclass it.
"""

from __future__ import annotations

import math
import os
import re
import sqlite3
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from weir.entities import (
    Experiment,
    LifecycleStage,
    Metric,
    PagedList,
    Param,
    Run,
    RunData,
    RunInfo,
    RunStatus,
    RunTag,
    ViewType,
)
from weir.exceptions import InvalidParameterValue, ResourceAlreadyExists, ResourceDoesNotExist, WeirException
from weir.store.registry.sqlite import SqliteRegistryMixin
from weir.store.tracking import search
from weir.store.tracking.base import (
    SEARCH_MAX_RESULTS_DEFAULT,
    SEARCH_MAX_RESULTS_THRESHOLD,
    AbstractTrackingStore,
)
from weir.store.tracking.sqlite import validation as v
from weir.store.tracking.sqlite.connection import SqliteDatabase
from weir.store.tracking.sqlite.entities import make_metric, make_run
from weir.store.tracking.sqlite.logged_models import SqliteLoggedModelsMixin
from weir.store.tracking.sqlite.names import generate_run_name
from weir.store.tracking.sqlite.schema import migrate

RUN_NAME_TAG = "mlflow.runName"
DEFAULT_EXPERIMENT_ID = "0"
DEFAULT_EXPERIMENT_NAME = "Default"
_ID_CHUNK = 500  # ids per IN (...) list when loading a page of runs
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_DIALECT = search.SqliteDialect()

_INSERT_METRIC = (
    "INSERT OR IGNORE INTO metrics (run_id, key, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, ?)"
)
# The latest value per key: greatest (step, timestamp); on a tie the later insert wins (>=).
_UPSERT_LATEST = """
INSERT INTO latest_metrics (run_id, key, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (run_id, key) DO UPDATE SET
    step = excluded.step, timestamp = excluded.timestamp, value = excluded.value, is_nan = excluded.is_nan
WHERE (excluded.step, excluded.timestamp) >= (latest_metrics.step, latest_metrics.timestamp)
"""


def now_ms() -> int:
    return int(time.time() * 1000)


def to_artifact_uri(location: str) -> str:
    """A local path becomes an absolute ``file://`` URI; URIs are kept as they are."""
    if _SCHEME_RE.match(location) and not re.match(r"^[A-Za-z]:[\\/]", location):
        return location
    return Path(location).expanduser().resolve().as_uri()


def _join_uri(base: str, *parts: str) -> str:
    return "/".join([base.rstrip("/"), *parts])


def _metric_from_row(key: str, value: float | None, is_nan: int, timestamp: int, step: int) -> Metric:
    return make_metric(key, math.nan if is_nan else value, timestamp, step)


def _chunks(items: Sequence[Any], size: int = _ID_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _experiment_pk(experiment_id: Any) -> int | None:
    """Experiment ids are integers in the DB and strings outside; None when it cannot be one of ours."""
    if isinstance(experiment_id, bool):
        return None
    if isinstance(experiment_id, int):
        return experiment_id
    if isinstance(experiment_id, str) and re.fullmatch(r"\d{1,18}", experiment_id.strip()):
        return int(experiment_id)
    return None


def _validate_max_results(max_results: Any, limit: int) -> int:
    if isinstance(max_results, bool) or not isinstance(max_results, int) or max_results < 0:
        raise InvalidParameterValue(
            f"Invalid max_results {max_results!r}: it must be a non-negative integer."
        )
    if max_results > limit:
        raise InvalidParameterValue(
            f"Invalid value for max_results: it must be at most {limit}, but got value {max_results}."
        )
    return max_results


class SqlTrackingStore(SqliteLoggedModelsMixin, SqliteRegistryMixin, AbstractTrackingStore):
    """Tracking and model registry on weir's relational schema, for any SQL database.

    The SQL is written once, in SQLite's dialect (``?`` placeholders); a back end supplies:
    ``_db`` with ``read(fn)`` / ``write(fn)`` running ``fn(conn)`` in a transaction (retried on
    conflicts) and ``close()``, where ``conn.execute`` / ``conn.executemany`` take that SQL;
    ``_dialect`` for compiled searches; ``artifact_root``; and ``_migrate(conn)``. A subclass
    sets those up, then calls ``self._open()``.
    """

    _dialect: search.SqlDialect = _DIALECT
    _db: Any
    artifact_root: str

    def _migrate(self, conn: Any) -> None:
        raise NotImplementedError

    def _open(self, **write_options: Any) -> None:
        """Bring the schema up to date and create the Default experiment (id 0) when missing."""
        self._valid_keys: set[str] = set()
        self._db.write(self._initialize, **write_options)

    def _initialize(self, conn: Any) -> None:
        self._migrate(conn)
        if conn.execute("SELECT 1 FROM experiments WHERE experiment_id = 0").fetchone() is None:
            taken = conn.execute(
                "SELECT experiment_id FROM experiments WHERE name = ?", (DEFAULT_EXPERIMENT_NAME,)
            ).fetchone()
            if taken is None:
                now = now_ms()
                conn.execute(
                    "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, "
                    "creation_time, last_update_time) VALUES (0, ?, ?, 'active', ?, ?)",
                    (DEFAULT_EXPERIMENT_NAME, _join_uri(self.artifact_root, DEFAULT_EXPERIMENT_ID), now, now),
                )

    def close(self) -> None:
        self._db.close()

    # === experiments ==============================================================================
    def create_experiment(
        self, name: str, artifact_location: str | None = None, tags: Sequence[RunTag] | None = None
    ) -> str:
        v.validate_experiment_name(name)
        if artifact_location is not None and not isinstance(artifact_location, str):
            raise InvalidParameterValue(
                f"Invalid artifact_location {artifact_location!r}: expected a string URI."
            )
        if artifact_location:
            if artifact_location.startswith("runs:"):
                raise InvalidParameterValue(
                    f"Invalid artifact_location {artifact_location!r}: an experiment cannot store artifacts "
                    "under a runs:/ URI."
                )
            artifact_location = to_artifact_uri(artifact_location)
        tag_rows = [v.validate_experiment_tag(tag.key, tag.value) for tag in tags or ()]

        def create(conn: sqlite3.Connection) -> str:
            if conn.execute("SELECT 1 FROM experiments WHERE name = ?", (name,)).fetchone():
                raise ResourceAlreadyExists(f"Experiment(name={name}) already exists.")
            now = now_ms()
            cursor = conn.execute(
                "INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, "
                "last_update_time) VALUES (?, ?, 'active', ?, ?)",
                (name, artifact_location or "", now, now),
            )
            experiment_id = cursor.lastrowid
            if not artifact_location:
                conn.execute(
                    "UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?",
                    (_join_uri(self.artifact_root, str(experiment_id)), experiment_id),
                )
            conn.executemany(
                "INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)",
                [(experiment_id, key, value) for key, value in tag_rows],
            )
            return str(experiment_id)

        return self._db.write(create)

    def _experiment_row(self, conn: sqlite3.Connection, experiment_id: Any) -> tuple:
        pk = _experiment_pk(experiment_id)
        row = None
        if pk is not None:
            row = conn.execute(
                "SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time "
                "FROM experiments WHERE experiment_id = ?",
                (pk,),
            ).fetchone()
        if row is None:
            raise ResourceDoesNotExist(f"No Experiment with id={experiment_id} exists")
        return row

    def _experiments_from_rows(self, conn: sqlite3.Connection, rows: list[tuple]) -> list[Experiment]:
        tags: dict[int, dict[str, str]] = {row[0]: {} for row in rows}
        ids = list(tags)
        for chunk in _chunks(ids):
            for experiment_id, key, value in conn.execute(
                f"SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id IN "
                f"({self._dialect.placeholders(len(chunk))})",
                chunk,
            ):
                tags[experiment_id][key] = value
        return [Experiment(str(row[0]), row[1], row[2], row[3], tags[row[0]], row[4], row[5]) for row in rows]

    def get_experiment(self, experiment_id: str) -> Experiment:
        def get(conn: sqlite3.Connection) -> Experiment:
            return self._experiments_from_rows(conn, [self._experiment_row(conn, experiment_id)])[0]

        return self._db.read(get)

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        def get(conn: sqlite3.Connection) -> Experiment | None:
            row = conn.execute(
                "SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time "
                "FROM experiments WHERE name = ?",
                (name,),
            ).fetchone()
            return None if row is None else self._experiments_from_rows(conn, [row])[0]

        return self._db.read(get)

    def search_experiments(
        self,
        view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        filter_string: str | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Experiment]:
        _validate_max_results(max_results, SEARCH_MAX_RESULTS_THRESHOLD)
        filters = search.parse_filter(filter_string, search.EXPERIMENTS)
        orders = search.parse_order_bys(order_by, search.EXPERIMENTS)
        offset = search.decode_page_token(page_token)
        stages = LifecycleStage.view_type_to_stages(view_type)
        sql, params = search.compile_experiment_search(
            self._dialect, stages, filters, orders, max_results + 1, offset
        )

        def run(conn: sqlite3.Connection) -> PagedList[Experiment]:
            rows = conn.execute(sql, params).fetchall()
            more = len(rows) > max_results
            rows = rows[:max_results]
            token = search.encode_page_token(offset + max_results) if more else None
            return PagedList(self._experiments_from_rows(conn, rows), token)

        return self._db.read(run)

    def delete_experiment(self, experiment_id: str) -> None:
        def delete(conn: sqlite3.Connection) -> None:
            row = self._experiment_row(conn, experiment_id)
            if row[3] != LifecycleStage.ACTIVE:
                raise InvalidParameterValue(f"Experiment with id={experiment_id} is already deleted.")
            now = now_ms()
            conn.execute(
                "UPDATE experiments SET lifecycle_stage = 'deleted', last_update_time = ? WHERE experiment_id = ?",
                (now, row[0]),
            )
            conn.execute(
                "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? "
                "WHERE experiment_id = ? AND lifecycle_stage = 'active'",
                (now, row[0]),
            )

        self._db.write(delete)

    def restore_experiment(self, experiment_id: str) -> None:
        def restore(conn: sqlite3.Connection) -> None:
            row = self._experiment_row(conn, experiment_id)
            if row[3] != LifecycleStage.DELETED:
                raise InvalidParameterValue(
                    f"Cannot restore experiment with id={experiment_id}: it is not deleted."
                )
            conn.execute(
                "UPDATE experiments SET lifecycle_stage = 'active', last_update_time = ? WHERE experiment_id = ?",
                (now_ms(), row[0]),
            )
            # As MLflow does: every run of the experiment becomes active again.
            conn.execute(
                "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE experiment_id = ?",
                (row[0],),
            )

        self._db.write(restore)

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        v.validate_experiment_name(new_name)

        def rename(conn: sqlite3.Connection) -> None:
            row = self._experiment_row(conn, experiment_id)
            if row[3] != LifecycleStage.ACTIVE:
                raise WeirException(
                    f"Cannot rename experiment with id={experiment_id}: it is deleted.", "INVALID_STATE"
                )
            if row[1] == new_name:
                return
            if conn.execute("SELECT 1 FROM experiments WHERE name = ?", (new_name,)).fetchone():
                raise ResourceAlreadyExists(f"Experiment(name={new_name}) already exists.")
            conn.execute(
                "UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?",
                (new_name, now_ms(), row[0]),
            )

        self._db.write(rename)

    def set_experiment_tag(self, experiment_id: str, tag: RunTag) -> None:
        key, value = v.validate_experiment_tag(tag.key, tag.value)

        def set_tag(conn: sqlite3.Connection) -> None:
            row = self._check_active_experiment(conn, experiment_id)
            conn.execute(
                "INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value",
                (row[0], key, value),
            )

        self._db.write(set_tag)

    def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        def delete(conn: sqlite3.Connection) -> None:
            row = self._check_active_experiment(conn, experiment_id)
            cursor = conn.execute(
                "DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?", (row[0], key)
            )
            if cursor.rowcount == 0:
                raise ResourceDoesNotExist(f"No tag with name: {key} in experiment with id {experiment_id}")

        self._db.write(delete)

    def _check_active_experiment(self, conn: sqlite3.Connection, experiment_id: Any) -> tuple:
        row = self._experiment_row(conn, experiment_id)
        if row[3] != LifecycleStage.ACTIVE:
            raise InvalidParameterValue(
                f"The experiment {experiment_id} must be in the 'active' state. Current state is {row[3]}."
            )
        return row

    # === runs =====================================================================================
    def create_run(
        self,
        experiment_id: str,
        user_id: str,
        start_time: int,
        tags: Sequence[RunTag],
        run_name: str | None,
    ) -> Run:
        tag_values: dict[str, str] = {}
        for tag in tags or ():
            v.validate_key("tag", tag.key)
            if tag.value is None:
                raise InvalidParameterValue(f"Tag {tag.key!r} has no value.")
            tag_values[tag.key] = v.tag_value(tag.key, tag.value)
        name_tag = tag_values.get(RUN_NAME_TAG)
        if run_name is not None and not isinstance(run_name, str):
            raise InvalidParameterValue(f"Invalid run name {run_name!r}: expected a string.")
        if run_name and name_tag and run_name != name_tag:
            raise InvalidParameterValue(
                f"Both run_name {run_name!r} and tag {RUN_NAME_TAG} {name_tag!r} were given, with different values."
            )
        run_name = run_name or name_tag or generate_run_name()
        tag_values[RUN_NAME_TAG] = v.tag_value(RUN_NAME_TAG, run_name)
        if start_time is None:
            start_time = now_ms()
        start_time = v.metric_integer(None, "start_time", start_time, nonnegative=True)
        run_uuid = uuid.uuid4().hex

        def create(conn: sqlite3.Connection) -> Run:
            experiment = self._experiment_row(conn, experiment_id)
            if experiment[3] != LifecycleStage.ACTIVE:
                raise InvalidParameterValue(
                    f"The experiment {experiment_id} must be in the 'active' state to create runs in it. "
                    f"Current state is {experiment[3]}."
                )
            artifact_uri = _join_uri(experiment[2], run_uuid, "artifacts")
            cursor = conn.execute(
                "INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, "
                "artifact_uri, lifecycle_stage) VALUES (?, ?, ?, ?, 'RUNNING', ?, NULL, ?, 'active')",
                (run_uuid, experiment[0], run_name, user_id, start_time, artifact_uri),
            )
            pk = cursor.lastrowid
            conn.executemany(
                "INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)",
                [(pk, key, value) for key, value in tag_values.items()],
            )
            info = RunInfo(
                run_uuid,
                str(experiment[0]),
                run_name,
                user_id,
                RunStatus.RUNNING,
                start_time,
                None,
                artifact_uri,
                LifecycleStage.ACTIVE,
            )
            return Run(info, RunData(tags=tag_values))

        return self._db.write(create)

    def _run_row(self, conn: sqlite3.Connection, run_id: Any) -> tuple:
        row = None
        if isinstance(run_id, str):
            row = conn.execute(
                "SELECT id, run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, "
                "lifecycle_stage FROM runs WHERE run_uuid = ?",
                (run_id,),
            ).fetchone()
        if row is None:
            raise ResourceDoesNotExist(f"Run with id={run_id} not found")
        return row

    def _active_run_row(self, conn: sqlite3.Connection, run_id: Any) -> tuple:
        row = self._run_row(conn, run_id)
        if row[9] != LifecycleStage.ACTIVE:
            raise InvalidParameterValue(
                f"The run {run_id} must be in the 'active' state. Current state is {row[9]}."
            )
        return row

    @staticmethod
    def _info_from_row(row: tuple) -> RunInfo:
        return RunInfo(row[1], str(row[2]), row[3], row[4], row[5], row[6], row[7], row[8], row[9])

    def _runs_from_rows(self, conn: sqlite3.Connection, rows: list[tuple]) -> list[Run]:
        """Runs for rows of ``runs``, loading their data with a few queries for the whole page."""
        params: dict[int, dict[str, str]] = {}
        tags: dict[int, dict[str, str]] = {}
        metrics: dict[int, dict[str, float]] = {}
        for row in rows:
            params[row[0]] = {}
            tags[row[0]] = {}
            metrics[row[0]] = {}
        ids = [row[0] for row in rows]
        nan = math.nan
        for chunk in _chunks(ids):
            marks = self._dialect.placeholders(len(chunk))
            for run_pk, key, value in conn.execute(
                f"SELECT run_id, key, value FROM params WHERE run_id IN ({marks})", chunk
            ):
                params[run_pk][key] = value
            for run_pk, key, value in conn.execute(
                f"SELECT run_id, key, value FROM tags WHERE run_id IN ({marks})", chunk
            ):
                tags[run_pk][key] = value
            for run_pk, key, value, is_nan in conn.execute(
                f"SELECT run_id, key, value, is_nan FROM latest_metrics WHERE run_id IN ({marks})", chunk
            ):
                metrics[run_pk][key] = nan if is_nan else value
        return [
            make_run(row[1], str(row[2]), *row[3:], metrics[row[0]], params[row[0]], tags[row[0]])
            for row in rows
        ]

    def get_run(self, run_id: str) -> Run:
        return self._db.read(lambda conn: self._runs_from_rows(conn, [self._run_row(conn, run_id)])[0])

    def update_run_info(
        self, run_id: str, run_status: str | None, end_time: int | None, run_name: str | None
    ) -> RunInfo:
        status = RunStatus.validate(run_status) if run_status is not None else None
        if end_time is not None:
            end_time = v.metric_integer(None, "end_time", end_time, nonnegative=True)
        if run_name is not None:
            if not isinstance(run_name, str):
                raise InvalidParameterValue(f"Invalid run name {run_name!r}: expected a string.")
            v.tag_value(RUN_NAME_TAG, run_name)

        def update(conn: sqlite3.Connection) -> RunInfo:
            row = self._active_run_row(conn, run_id)
            conn.execute(
                "UPDATE runs SET status = coalesce(?, status), end_time = coalesce(?, end_time), "
                "name = coalesce(?, name) WHERE id = ?",
                (status, end_time, run_name or None, row[0]),
            )
            if run_name:
                self._set_run_tags(conn, row[0], [(RUN_NAME_TAG, run_name)])
            return self._info_from_row(self._run_row(conn, run_id))

        return self._db.write(update)

    def delete_run(self, run_id: str) -> None:
        def delete(conn: sqlite3.Connection) -> None:
            row = self._run_row(conn, run_id)
            conn.execute(
                "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = coalesce(deleted_time, ?) WHERE id = ?",
                (now_ms(), row[0]),
            )

        self._db.write(delete)

    def restore_run(self, run_id: str) -> None:
        def restore(conn: sqlite3.Connection) -> None:
            row = self._run_row(conn, run_id)
            conn.execute(
                "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE id = ?", (row[0],)
            )

        self._db.write(restore)

    # === logging ==================================================================================
    def _check_key(self, kind: str, key: Any) -> None:
        if key not in self._valid_keys:
            v.validate_key(kind, key)
            if len(self._valid_keys) < 100_000:
                self._valid_keys.add(key)

    def _prepare_params(self, params: Sequence[Param]) -> dict[str, str]:
        values: dict[str, str] = {}
        for param in params:
            key = param.key
            self._check_key("param", key)
            if param.value is None:
                raise InvalidParameterValue(f"Param {key!r} has no value.")
            value = v.param_value(key, param.value)
            if key in values and values[key] != value:
                raise InvalidParameterValue(
                    f"Duplicate parameter key {key!r} in one batch with different values "
                    f"{values[key]!r} and {value!r}."
                )
            values[key] = value
        return values

    def _prepare_tags(self, tags: Sequence[RunTag]) -> dict[str, str]:
        values: dict[str, str] = {}
        for tag in tags:
            key = tag.key
            self._check_key("tag", key)
            if tag.value is None:
                raise InvalidParameterValue(f"Tag {key!r} has no value.")
            values[key] = v.tag_value(key, tag.value)
        return values

    def _prepare_metrics(self, run_pk: int, metrics: Sequence[Metric]) -> tuple[list[tuple], list[tuple]]:
        """Validated history rows for ``metrics`` and the rows for the latest point of each key."""
        rows: list[tuple] = []
        append = rows.append
        latest: dict[str, tuple] = {}
        valid_keys = self._valid_keys
        int64_max = v.INT64_MAX
        for metric in metrics:
            try:
                key, value, timestamp, step = metric._key, metric._value, metric._timestamp, metric._step
            except AttributeError:
                key, value, timestamp, step = metric.key, metric.value, metric.timestamp, metric.step
            if key not in valid_keys:
                self._check_key("metric", key)
            if type(value) is not float:
                value = v.metric_value(key, value)
            if type(timestamp) is not int or not 0 <= timestamp <= int64_max:
                timestamp = v.metric_integer(key, "timestamp", timestamp, nonnegative=True)
            if type(step) is not int or not -int64_max <= step <= int64_max:
                step = 0 if step is None else v.metric_integer(key, "step", step)
            row = (
                (run_pk, key, step, timestamp, value, 0)
                if value == value
                else (run_pk, key, step, timestamp, 0.0, 1)
            )
            append(row)
            previous = latest.get(key)
            if previous is None or step > previous[2] or (step == previous[2] and timestamp >= previous[3]):
                latest[key] = row
        return rows, [row if not row[5] else (*row[:4], None, 1) for row in latest.values()]

    def _set_run_tags(self, conn: sqlite3.Connection, run_pk: int, items: Sequence[tuple[str, str]]) -> None:
        conn.executemany(
            "INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value",
            [(run_pk, key, value) for key, value in items],
        )

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
    ) -> None:
        metrics = metrics if isinstance(metrics, (list, tuple)) else list(metrics or ())
        params = params if isinstance(params, (list, tuple)) else list(params or ())
        tags = tags if isinstance(tags, (list, tuple)) else list(tags or ())
        v.validate_batch_sizes(len(metrics), len(params), len(tags))
        param_values = self._prepare_params(params)
        tag_values = self._prepare_tags(tags)

        def log(conn: sqlite3.Connection) -> None:
            row = self._active_run_row(conn, run_id)
            run_pk = row[0]
            metric_rows, latest_rows = self._prepare_metrics(run_pk, metrics) if metrics else ([], [])
            if param_values:
                new_params = self._check_param_conflicts(conn, run_id, run_pk, param_values)
                conn.executemany("INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)", new_params)
            if tag_values:
                self._set_run_tags(conn, run_pk, list(tag_values.items()))
                if RUN_NAME_TAG in tag_values:
                    conn.execute("UPDATE runs SET name = ? WHERE id = ?", (tag_values[RUN_NAME_TAG], run_pk))
            if metric_rows:
                conn.executemany(_INSERT_METRIC, metric_rows)
                conn.executemany(_UPSERT_LATEST, latest_rows)

        self._db.write(log)

    def _check_param_conflicts(
        self, conn: sqlite3.Connection, run_id: str, run_pk: int, values: dict[str, str]
    ) -> list[tuple]:
        keys = list(values)
        existing: dict[str, str] = {}
        for chunk in _chunks(keys):
            existing.update(
                conn.execute(
                    f"SELECT key, value FROM params WHERE run_id = ? AND key IN ({self._dialect.placeholders(len(chunk))})",
                    [run_pk, *chunk],
                ).fetchall()
            )
        for key, old in existing.items():
            if old != values[key]:
                raise InvalidParameterValue(
                    f"Changing param values is not allowed. Param with key={key!r} was already logged with "
                    f"value={old!r} for run ID={run_id!r}. Attempted logging new value {values[key]!r}."
                )
        return [(run_pk, key, value) for key, value in values.items() if key not in existing]

    def delete_tag(self, run_id: str, key: str) -> None:
        def delete(conn: sqlite3.Connection) -> None:
            row = self._active_run_row(conn, run_id)
            cursor = conn.execute("DELETE FROM tags WHERE run_id = ? AND key = ?", (row[0], key))
            if cursor.rowcount == 0:
                raise ResourceDoesNotExist(f"No tag with name: {key} in run with id {run_id}")

        self._db.write(delete)

    # === metric history ===========================================================================
    def get_metric_history(self, run_id: str, metric_key: str) -> list[Metric]:
        def history(conn: sqlite3.Connection) -> list[Metric]:
            row = self._run_row(conn, run_id)
            return [
                _metric_from_row(metric_key, value, is_nan, timestamp, step)
                for step, timestamp, value, is_nan in conn.execute(
                    "SELECT step, timestamp, value, is_nan FROM metrics WHERE run_id = ? AND key = ? "
                    "ORDER BY step, timestamp",
                    (row[0], metric_key),
                )
            ]

        return self._db.read(history)

    def get_metric_history_page(
        self, run_id: str, metric_key: str, max_results: int = 25000, page_token: str | None = None
    ) -> PagedList[Metric]:
        """One page of ``get_metric_history`` (the REST get-history call pages with tokens)."""
        _validate_max_results(max_results, 1_000_000)
        offset = search.decode_page_token(page_token)

        def history(conn: sqlite3.Connection) -> PagedList[Metric]:
            row = self._run_row(conn, run_id)
            rows = conn.execute(
                "SELECT step, timestamp, value, is_nan FROM metrics WHERE run_id = ? AND key = ? "
                "ORDER BY step, timestamp LIMIT ? OFFSET ?",
                (row[0], metric_key, max_results + 1, offset),
            ).fetchall()
            token = search.encode_page_token(offset + max_results) if len(rows) > max_results else None
            return PagedList(
                [_metric_from_row(metric_key, r[2], r[3], r[1], r[0]) for r in rows[:max_results]], token
            )

        return self._db.read(history)

    def get_metric_history_bulk_interval(
        self,
        run_ids: Sequence[str],
        metric_key: str,
        max_results: int = 2500,
        start_step: int | None = None,
        end_step: int | None = None,
    ) -> dict[str, list[Metric]]:
        """Per run (in the order given), at most ``max_results`` points of the metric sampled across steps.

        When a run has more points than that, steps are sampled evenly over the range, keeping the
        first and last step, the last point logged at each kept step, and the points holding the
        minimum and maximum value.
        """
        if isinstance(max_results, bool) or not isinstance(max_results, int) or max_results < 1:
            raise InvalidParameterValue(
                f"Invalid max_results {max_results!r}: it must be a positive integer."
            )
        lower = -v.INT64_MAX if start_step is None else int(start_step)
        upper = v.INT64_MAX if end_step is None else int(end_step)
        if lower > upper:
            raise InvalidParameterValue(f"start_step {start_step} is greater than end_step {end_step}.")

        def sample(conn: sqlite3.Connection) -> dict[str, list[Metric]]:
            result: dict[str, list[Metric]] = {}
            for run_id in run_ids:
                row = self._run_row(conn, run_id)
                points = conn.execute(
                    "SELECT step, timestamp, value, is_nan FROM metrics WHERE run_id = ? AND key = ? "
                    "AND step BETWEEN ? AND ? ORDER BY step, timestamp LIMIT ?",
                    (row[0], metric_key, lower, upper, _SEEK_SAMPLING_FACTOR * max_results + 1),
                ).fetchall()
                if len(points) > _SEEK_SAMPLING_FACTOR * max_results:
                    points = _seek_sample_points(conn, row[0], metric_key, lower, upper, max_results)
                elif len(points) > max_results:
                    points = _sample_points(points, max_results)
                result[run_id] = [_metric_from_row(metric_key, p[2], p[3], p[1], p[0]) for p in points]
            return result

        return self._db.read(sample)

    # === search ===================================================================================
    def search_runs(
        self,
        experiment_ids: Sequence[str],
        filter_string: str = "",
        run_view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Run]:
        _validate_max_results(max_results, SEARCH_MAX_RESULTS_THRESHOLD)
        if isinstance(experiment_ids, (str, int)):
            experiment_ids = [experiment_ids]
        filters = search.parse_filter(filter_string, search.RUNS)
        orders = search.parse_order_bys(order_by, search.RUNS)
        offset = search.decode_page_token(page_token)
        pks = [pk for pk in (_experiment_pk(e) for e in experiment_ids or ()) if pk is not None]
        if not pks or max_results == 0:
            return PagedList([], None)
        stages = LifecycleStage.view_type_to_stages(run_view_type)
        sql, params = search.compile_run_search(
            self._dialect, pks, stages, filters, orders, max_results + 1, offset
        )

        def run(conn: sqlite3.Connection) -> PagedList[Run]:
            rows = conn.execute(sql, params).fetchall()
            more = len(rows) > max_results
            runs = self._runs_from_rows(conn, rows[:max_results])
            return PagedList(runs, search.encode_page_token(offset + max_results) if more else None)

        return self._db.read(run)


class SqliteTrackingStore(SqlTrackingStore):
    """A tracking and model-registry store on one SQLite file, safe for many threads and processes.

    :param db_path: the database file (created with its folder when missing).
    :param default_artifact_root: URI (or local path) under which experiments keep artifacts;
        defaults to ``<db folder>/artifacts``.
    :param timeout: seconds a call keeps retrying while other writers hold the database.
    """

    def __init__(
        self, db_path: str | os.PathLike, default_artifact_root: str | None = None, *, timeout: float = 60.0
    ):
        path = Path(db_path).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db_path = str(path)
        self.artifact_root = to_artifact_uri(default_artifact_root or str(path.parent / "artifacts"))
        self._db = SqliteDatabase(self.db_path, timeout=timeout)
        self._open()

    def _migrate(self, conn: sqlite3.Connection) -> None:
        migrate(conn, self.db_path)

    def __repr__(self) -> str:
        return f"SqliteTrackingStore({self.db_path!r}, artifact_root={self.artifact_root!r})"


_SEEK_SAMPLING_FACTOR = 8


def _seek_sample_points(
    conn: sqlite3.Connection, run_pk: int, key: str, lower: int, upper: int, max_results: int
) -> list[tuple]:
    """``_sample_points`` for long histories without reading every row: evenly spaced steps are
    found by primary-key seeks (a million-point metric samples in milliseconds); only the minimum
    and maximum values need a scan."""
    where = "FROM metrics WHERE run_id = ? AND key = ? AND step BETWEEN ? AND ?"
    args = (run_pk, key, lower, upper)
    first = conn.execute(f"SELECT step {where} ORDER BY step LIMIT 1", args).fetchone()[0]
    last = conn.execute(f"SELECT step {where} ORDER BY step DESC LIMIT 1", args).fetchone()[0]
    extremes = [
        tuple(p)
        for p in (
            # ORDER BY ... LIMIT 1 rather than SQLite's bare columns beside min(): portable SQL
            conn.execute(
                f"SELECT step, timestamp, value, is_nan {where} AND is_nan = 0 ORDER BY value, step, timestamp LIMIT 1",
                args,
            ).fetchone(),
            conn.execute(
                f"SELECT step, timestamp, value, is_nan {where} AND is_nan = 0 "
                "ORDER BY value DESC, step, timestamp LIMIT 1",
                args,
            ).fetchone(),
        )
        if p is not None and p[2] is not None
    ]
    seek = (
        "SELECT step, timestamp, value, is_nan FROM metrics WHERE run_id = ? AND key = ? AND step = "
        "(SELECT step FROM metrics WHERE run_id = ? AND key = ? AND step >= ? AND step <= ? ORDER BY step LIMIT 1) "
        "ORDER BY timestamp DESC LIMIT 1"
    )
    slots = max(max_results - len(extremes), 2)
    chosen: dict[int, tuple] = {}
    for i in range(slots):
        target = first + (last - first) * i // (slots - 1)
        point = conn.execute(seek, (run_pk, key, run_pk, key, target, upper)).fetchone()
        if point is not None:
            chosen.setdefault(point[0], tuple(point))
    ordered = sorted(set(chosen.values()) | set(extremes), key=lambda p: (p[0], p[1]))
    if len(ordered) > max_results:  # only when max_results is tiny: keep the ends and the extremes
        must = {ordered[0], ordered[-1], *extremes}
        ordered = [p for p in ordered if p in must][:max_results]
    return ordered


def _sample_points(points: list[tuple], max_results: int) -> list[tuple]:
    """Reduce (step, timestamp, value, is_nan) rows, sorted by step, to at most ``max_results``."""
    last_per_step: dict[int, tuple] = {}
    for point in points:
        last_per_step[point[0]] = point
    steps = list(last_per_step)
    finite = [p for p in points if not p[3]]
    extremes = []
    if finite:
        extremes = [min(finite, key=lambda p: p[2]), max(finite, key=lambda p: p[2])]
    slots = max(max_results - len(extremes), 2)
    if len(steps) <= slots:
        chosen = [last_per_step[s] for s in steps]
    else:
        indices = sorted({round(i * (len(steps) - 1) / (slots - 1)) for i in range(slots)})
        chosen = [last_per_step[steps[i]] for i in indices]
    kept = {id(p): p for p in chosen}
    for point in extremes:
        kept.setdefault(id(point), point)
    ordered = sorted(kept.values(), key=lambda p: (p[0], p[1]))
    if len(ordered) > max_results:  # only when max_results is tiny: keep the ends and the extremes
        must = {id(ordered[0]), id(ordered[-1]), *(id(p) for p in extremes)}
        ordered = [p for p in ordered if id(p) in must][:max_results]
    return ordered
