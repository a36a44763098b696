"""MLflow 3 logged models on the tracking store's SQLite database (schema version 3).

``SqliteLoggedModelsMixin`` needs ``self._db`` and the tracking store's ``_experiment_row`` /
``_run_row``; ``SqliteTrackingStore`` mixes it in. It also keeps the run <-> model links that
``runs/log-inputs`` and ``runs/outputs`` record, and the minimal dataset inputs of a run.
"""

from __future__ import annotations

import json
import math
import sqlite3
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from weir.entities import PagedList, RunTag
from weir.entities.logged_model import LoggedModel, LoggedModelMetric, LoggedModelStatus
from weir.exceptions import InvalidParameterValue, ResourceDoesNotExist
from weir.store.tracking import search
from weir.store.tracking.search.ast import ATTRIBUTE, METRIC, PARAM, TAG, Comparison
from weir.store.tracking.search.compiler import SelectQuery, compare, key_value_filter
from weir.store.tracking.search.parser import SearchSpec
from weir.store.tracking.sqlite import validation as v
from weir.store.tracking.sqlite.names import generate_run_name

SEARCH_LOGGED_MODELS_MAX_RESULTS_DEFAULT = 100
SEARCH_LOGGED_MODELS_MAX_RESULTS_THRESHOLD = 50000
MAX_LOGGED_MODEL_TAG_VALUE_LENGTH = 100_000
_DIALECT = search.SqliteDialect()

LOGGED_MODELS = SearchSpec(
    what="logged models",
    string_attributes={
        "name": "name",
        "model_id": "model_id",
        "source_run_id": "source_run_id",
        "status": "status",
        "model_type": "model_type",
    },
    numeric_attributes={
        "creation_timestamp": "creation_timestamp",
        "creation_time": "creation_timestamp",
        "last_updated_timestamp": "last_updated_timestamp",
    },
    kinds=frozenset({METRIC, PARAM, TAG}),
    order_attributes=frozenset(
        {"name", "model_id", "source_run_id", "status", "creation_timestamp", "last_updated_timestamp"}
    ),
    null_kinds=frozenset({PARAM, TAG}),
)

_COLUMNS = (
    "m.model_id, m.experiment_id, m.name, m.artifact_location, m.creation_timestamp, "
    "m.last_updated_timestamp, m.status, m.status_message, m.model_type, m.source_run_id, m.lifecycle_stage"
)


def _now() -> int:
    return int(time.time() * 1000)


def _pairs(items: Any, what: str) -> list[tuple[str, str]]:
    """``[(key, value)]`` from a mapping, entities with key/value, or ``{"key", "value"}`` dicts."""
    if items is None:
        return []
    if isinstance(items, Mapping):
        return [(str(k), val) for k, val in items.items()]
    pairs = []
    for item in items:
        if isinstance(item, Mapping):
            key, value = item.get("key"), item.get("value")
        else:
            key, value = getattr(item, "key", None), getattr(item, "value", None)
        if key is None:
            raise InvalidParameterValue(f"Every logged model {what} needs a key; got {item!r}.")
        pairs.append((key, value))
    return pairs


def _checked_tags(tags: Any) -> list[tuple[str, str]]:
    rows = []
    for key, value in _pairs(tags, "tag"):
        v.validate_key("tag", key)
        if value is None:
            raise InvalidParameterValue(f"Tag {key!r} has no value.")
        rows.append((key, v.tag_value(key, value, MAX_LOGGED_MODEL_TAG_VALUE_LENGTH)))
    return rows


def _checked_params(params: Any) -> list[tuple[str, str]]:
    rows = []
    for key, value in _pairs(params, "param"):
        v.validate_key("param", key)
        if value is None:
            raise InvalidParameterValue(f"Param {key!r} has no value.")
        rows.append((key, v.param_value(key, value)))
    return rows


def new_model_id() -> str:
    """MLflow's form: ``m-`` and 32 hex digits."""
    return f"m-{uuid.uuid4().hex}"


class SqliteLoggedModelsMixin:
    """Logged models (create, get, finalize, delete, search, tags, params, metrics) and run links."""

    _db: Any
    _dialect: search.SqlDialect = _DIALECT  # the PostgreSQL store sets its own

    # --- reading -----------------------------------------------------------------------------
    def _logged_model_row(
        self, conn: sqlite3.Connection, model_id: Any, allow_deleted: bool = False
    ) -> tuple:
        row = None
        if isinstance(model_id, str):
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM logged_models m WHERE model_id = ?", (model_id,)
            ).fetchone()
        if row is None or (row[10] != "active" and not allow_deleted):
            raise ResourceDoesNotExist(f"Logged model with ID '{model_id}' not found.")
        return row

    def _logged_models_from_rows(self, conn: sqlite3.Connection, rows: Sequence[tuple]) -> list[LoggedModel]:
        models = []
        for row in rows:
            model_id = row[0]
            tags = dict(
                conn.execute("SELECT key, value FROM logged_model_tags WHERE model_id = ?", (model_id,))
            )
            params = dict(
                conn.execute("SELECT key, value FROM logged_model_params WHERE model_id = ?", (model_id,))
            )
            metrics = [
                LoggedModelMetric(
                    key,
                    math.nan if is_nan else value,
                    timestamp,
                    step,
                    run_id or None,
                    dataset_name or None,
                    dataset_digest or None,
                    model_id,
                )
                for key, step, timestamp, value, is_nan, run_id, dataset_name, dataset_digest in conn.execute(
                    "SELECT key, step, timestamp, value, is_nan, run_id, dataset_name, dataset_digest "
                    "FROM logged_model_metrics WHERE model_id = ? ORDER BY key, step, timestamp",
                    (model_id,),
                )
            ]
            models.append(
                LoggedModel(
                    model_id,
                    str(row[1]),
                    row[2],
                    row[3],
                    row[4],
                    row[5],
                    row[6],
                    row[7],
                    row[8],
                    row[9],
                    tags,
                    params,
                    metrics,
                    row[10],
                )
            )
        return models

    # --- writing -----------------------------------------------------------------------------
    def create_logged_model(
        self,
        experiment_id: str,
        name: str | None = None,
        source_run_id: str | None = None,
        tags: Sequence[RunTag] | Mapping[str, str] | None = None,
        params: Sequence[Any] | Mapping[str, str] | None = None,
        model_type: str | None = None,
    ) -> LoggedModel:
        """A PENDING logged model stored at ``<experiment artifact root>/models/<model_id>/artifacts``."""
        if name is not None and not isinstance(name, str):
            raise InvalidParameterValue(f"Invalid logged model name {name!r}: expected a string.")
        if name and ("/" in name or ":" in name):
            raise InvalidParameterValue(f"Invalid logged model name {name!r}: it may not contain '/' or ':'.")
        tag_rows = _checked_tags(tags)
        param_rows = _checked_params(params)
        model_id = new_model_id()
        name = name or generate_run_name()

        def create(conn: sqlite3.Connection) -> LoggedModel:
            experiment = self._experiment_row(conn, experiment_id)  # type: ignore[attr-defined]
            if experiment[3] != "active":
                raise InvalidParameterValue(
                    f"The experiment {experiment_id} must be active to log models in it; it is {experiment[3]}."
                )
            if source_run_id:
                self._run_row(conn, source_run_id)  # type: ignore[attr-defined]
            location = "/".join([experiment[2].rstrip("/"), "models", model_id, "artifacts"])
            now = _now()
            conn.execute(
                "INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp, "
                "last_updated_timestamp, status, model_type, source_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    model_id,
                    experiment[0],
                    name,
                    location,
                    now,
                    now,
                    LoggedModelStatus.PENDING,
                    model_type,
                    source_run_id or None,
                ),
            )
            conn.executemany(
                "INSERT OR REPLACE INTO logged_model_tags (model_id, key, value) VALUES (?, ?, ?)",
                [(model_id, key, value) for key, value in tag_rows],
            )
            conn.executemany(
                "INSERT OR REPLACE INTO logged_model_params (model_id, key, value) VALUES (?, ?, ?)",
                [(model_id, key, value) for key, value in param_rows],
            )
            return self._logged_models_from_rows(conn, [self._logged_model_row(conn, model_id)])[0]

        return self._db.write(create)

    def get_logged_model(self, model_id: str, allow_deleted: bool = False) -> LoggedModel:
        return self._db.read(
            lambda conn: self._logged_models_from_rows(
                conn, [self._logged_model_row(conn, model_id, allow_deleted)]
            )[0]
        )

    def _touch(self, conn: sqlite3.Connection, model_id: str) -> None:
        conn.execute(
            "UPDATE logged_models SET last_updated_timestamp = ? WHERE model_id = ?", (_now(), model_id)
        )

    def finalize_logged_model(self, model_id: str, status: Any) -> LoggedModel:
        status = LoggedModelStatus.validate(status)

        def finalize(conn: sqlite3.Connection) -> LoggedModel:
            self._logged_model_row(conn, model_id)
            conn.execute(
                "UPDATE logged_models SET status = ?, last_updated_timestamp = ? WHERE model_id = ?",
                (status, _now(), model_id),
            )
            return self._logged_models_from_rows(conn, [self._logged_model_row(conn, model_id)])[0]

        return self._db.write(finalize)

    def delete_logged_model(self, model_id: str) -> None:
        """Soft delete: the model no longer shows in get or search; its files are kept."""

        def delete(conn: sqlite3.Connection) -> None:
            self._logged_model_row(conn, model_id)
            conn.execute(
                "UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp = ? WHERE model_id = ?",
                (_now(), model_id),
            )

        self._db.write(delete)

    def set_logged_model_tags(self, model_id: str, tags: Sequence[RunTag] | Mapping[str, str]) -> None:
        rows = _checked_tags(tags)

        def set_tags(conn: sqlite3.Connection) -> None:
            self._logged_model_row(conn, model_id)
            conn.executemany(
                "INSERT OR REPLACE INTO logged_model_tags (model_id, key, value) VALUES (?, ?, ?)",
                [(model_id, key, value) for key, value in rows],
            )
            self._touch(conn, model_id)

        self._db.write(set_tags)

    def delete_logged_model_tag(self, model_id: str, key: str) -> None:
        def delete(conn: sqlite3.Connection) -> None:
            self._logged_model_row(conn, model_id)
            cursor = conn.execute(
                "DELETE FROM logged_model_tags WHERE model_id = ? AND key = ?", (model_id, key)
            )
            if cursor.rowcount == 0:
                raise ResourceDoesNotExist(f"No tag with key {key!r} on logged model {model_id!r}.")
            self._touch(conn, model_id)

        self._db.write(delete)

    def log_logged_model_params(self, model_id: str, params: Sequence[Any] | Mapping[str, str]) -> None:
        """Params of a logged model; re-logging a key with a different value is refused as for runs."""
        rows = _checked_params(params)

        def log(conn: sqlite3.Connection) -> None:
            self._logged_model_row(conn, model_id)
            for key, value in rows:
                old = conn.execute(
                    "SELECT value FROM logged_model_params WHERE model_id = ? AND key = ?", (model_id, key)
                ).fetchone()
                if old is not None and old[0] != value:
                    raise InvalidParameterValue(
                        f"Changing param values is not allowed. Param with key={key!r} was already logged with "
                        f"value={old[0]!r} for logged model ID={model_id!r}. Attempted logging new value {value!r}."
                    )
                if old is None:
                    conn.execute(
                        "INSERT INTO logged_model_params (model_id, key, value) VALUES (?, ?, ?)",
                        (model_id, key, value),
                    )
            self._touch(conn, model_id)

        self._db.write(log)

    def log_logged_model_metrics(self, metrics: Sequence[LoggedModelMetric]) -> None:
        """Attach metric points to the logged models named by each point's ``model_id``."""
        rows = []
        for metric in metrics:
            v.validate_key("metric", metric.key)
            value = v.metric_value(metric.key, metric.value)
            timestamp = v.metric_integer(metric.key, "timestamp", metric.timestamp, nonnegative=True)
            step = v.metric_integer(metric.key, "step", metric.step or 0)
            is_nan = value != value
            rows.append(
                (
                    metric.model_id,
                    metric.key,
                    step,
                    timestamp,
                    0.0 if is_nan else value,
                    int(is_nan),
                    metric.run_id or "",
                    metric.dataset_name or "",
                    metric.dataset_digest or "",
                )
            )
        if not rows:
            return

        def log(conn: sqlite3.Connection) -> None:
            for model_id in {row[0] for row in rows}:
                self._logged_model_row(conn, model_id)
            conn.executemany(
                "INSERT OR REPLACE INTO logged_model_metrics (model_id, key, step, timestamp, value, is_nan, "
                "run_id, dataset_name, dataset_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

        self._db.write(log)

    # --- search ------------------------------------------------------------------------------
    def search_logged_models(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None = None,
        datasets: Sequence[Mapping[str, Any]] | None = None,
        max_results: int | None = None,
        order_by: Sequence[Mapping[str, Any] | str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[LoggedModel]:
        """MLflow's logged-model search: attributes, ``params.``, ``tags.`` and ``metrics.`` clauses.

        ``order_by`` items are ``{"field_name": ..., "ascending": bool}`` (the REST form) or
        ``"field [ASC|DESC]"`` strings. ``datasets`` narrows metric clauses to those datasets.
        """
        max_results = SEARCH_LOGGED_MODELS_MAX_RESULTS_DEFAULT if max_results is None else max_results
        if isinstance(max_results, bool) or not isinstance(max_results, int) or max_results < 1:
            raise InvalidParameterValue(
                f"Invalid max_results {max_results!r}: it must be a positive integer."
            )
        if max_results > SEARCH_LOGGED_MODELS_MAX_RESULTS_THRESHOLD:
            raise InvalidParameterValue(
                f"Invalid value for max_results: it must be at most {SEARCH_LOGGED_MODELS_MAX_RESULTS_THRESHOLD}, "
                f"but got value {max_results}."
            )
        clauses = search.parse_filter(filter_string, LOGGED_MODELS)
        offset = search.decode_page_token(page_token)
        experiment_pks = []
        for experiment_id in experiment_ids or ():
            text = str(experiment_id).strip()
            if not text.isdigit():
                raise InvalidParameterValue(f"Invalid experiment ID {experiment_id!r}.")
            experiment_pks.append(int(text))
        if not experiment_pks:
            raise InvalidParameterValue("Searching logged models needs at least one experiment ID.")
        query = SelectQuery()
        query.add_where(
            f"m.experiment_id IN ({self._dialect.placeholders(len(experiment_pks))}) AND m.lifecycle_stage = 'active'",
            experiment_pks,
        )
        dataset_filter = self._dataset_filter(datasets)
        for clause in clauses:
            self._filter_clause(query, clause, dataset_filter)
        for field_name, ascending in _order_items(order_by):
            self._order_clause(query, field_name, ascending)
        query.order.extend(["m.creation_timestamp DESC", "m.model_id"])
        sql, params = query.build(f"SELECT {_COLUMNS} FROM logged_models m", max_results + 1, offset, "?")

        def run(conn: sqlite3.Connection) -> PagedList[LoggedModel]:
            rows = conn.execute(sql, params).fetchall()
            more = len(rows) > max_results
            models = self._logged_models_from_rows(conn, rows[:max_results])
            return PagedList(models, search.encode_page_token(offset + max_results) if more else None)

        return self._db.read(run)

    @staticmethod
    def _dataset_filter(datasets: Sequence[Mapping[str, Any]] | None) -> tuple[str, list[Any]]:
        parts, params = [], []
        for dataset in datasets or ():
            name = dataset.get("dataset_name")
            if not name:
                raise InvalidParameterValue("Each dataset in a logged model search needs a dataset_name.")
            if dataset.get("dataset_digest"):
                parts.append("(x.dataset_name = ? AND x.dataset_digest = ?)")
                params += [name, dataset["dataset_digest"]]
            else:
                parts.append("x.dataset_name = ?")
                params.append(name)
        return (" AND (" + " OR ".join(parts) + ")" if parts else ""), params

    def _filter_clause(
        self, query: SelectQuery, clause: Comparison, dataset_filter: tuple[str, list[Any]]
    ) -> None:
        if clause.kind == ATTRIBUTE:
            value = clause.value
            if clause.key == "status" and isinstance(value, str) and clause.op in ("=", "!="):
                value = LoggedModelStatus.validate(value)
            sql, params = compare(self._dialect, f"m.{clause.key}", clause.op, value)
            query.add_where(sql, params)
        elif clause.kind == PARAM:
            key_value_filter(self._dialect, query, "logged_model_params", "{a}.model_id = m.model_id", clause)
        elif clause.kind == TAG:
            key_value_filter(self._dialect, query, "logged_model_tags", "{a}.model_id = m.model_id", clause)
        else:  # a metric matches when any of its points (on the chosen datasets) satisfies the comparison
            condition, params = compare(self._dialect, "x.value", clause.op, clause.value)
            extra, extra_params = dataset_filter
            query.add_where(
                "EXISTS (SELECT 1 FROM logged_model_metrics x WHERE x.model_id = m.model_id AND x.key = ? "
                f"AND x.is_nan = 0 AND {condition}{extra})",
                [clause.key, *params, *extra_params],
            )

    @staticmethod
    def _order_clause(query: SelectQuery, field_name: str, ascending: bool) -> None:
        direction = "ASC" if ascending else "DESC"
        if field_name.startswith(("metrics.", "metric.")):
            key = field_name.split(".", 1)[1].strip('`"')
            alias = query.alias("o")
            query.joins.append(
                f"LEFT JOIN (SELECT model_id, max(value) AS value FROM logged_model_metrics WHERE key = ? "
                f"AND is_nan = 0 GROUP BY model_id) {alias} ON {alias}.model_id = m.model_id"
            )
            query.join_params.append(key)
            query.order += [f"({alias}.value IS NULL)", f"{alias}.value {direction}"]
            return
        found = LOGGED_MODELS.attribute(field_name.removeprefix("attributes."))
        if found is None or found[0] not in LOGGED_MODELS.order_attributes:
            raise InvalidParameterValue(
                f"Invalid order_by field {field_name!r} for logged models; use name, model_id, creation_timestamp, "
                "last_updated_timestamp or metrics.<key>."
            )
        query.order.append(f"m.{found[0]} {direction}")

    # --- run links ---------------------------------------------------------------------------
    def log_run_model_links(self, run_id: str, direction: str, models: Sequence[tuple[str, int]]) -> None:
        """Record logged models as inputs (``direction="input"``) or outputs of a run."""
        if direction not in ("input", "output"):
            raise InvalidParameterValue(f"Invalid direction {direction!r}: expected 'input' or 'output'.")

        def log(conn: sqlite3.Connection) -> None:
            self._run_row(conn, run_id)  # type: ignore[attr-defined]
            for model_id, _ in models:
                self._logged_model_row(conn, model_id)
            conn.executemany(
                "INSERT OR REPLACE INTO run_model_links (run_uuid, model_id, direction, step) VALUES (?, ?, ?, ?)",
                [(run_id, model_id, direction, int(step or 0)) for model_id, step in models],
            )

        self._db.write(log)

    def log_dataset_inputs(self, run_id: str, datasets: Sequence[Mapping[str, Any]]) -> None:
        """Keep the dataset descriptions a run used (name, digest, source, schema, profile, tags)."""
        rows = []
        for item in datasets:
            dataset = item.get("dataset") or {}
            name, digest = dataset.get("name"), dataset.get("digest")
            if not isinstance(name, str) or not name or not isinstance(digest, str) or not digest:
                raise InvalidParameterValue("Each dataset input needs a dataset with a name and a digest.")
            if len(name) > 500 or len(digest) > 36:
                raise InvalidParameterValue(
                    f"Dataset {name[:60]!r}: the name may have at most 500 characters and the digest at most 36."
                )
            tags = [{"key": t.get("key"), "value": t.get("value")} for t in item.get("tags") or ()]
            rows.append(
                (
                    run_id,
                    name,
                    digest,
                    dataset.get("source_type"),
                    dataset.get("source"),
                    dataset.get("schema"),
                    dataset.get("profile"),
                    json.dumps(tags),
                )
            )

        def log(conn: sqlite3.Connection) -> None:
            self._run_row(conn, run_id)  # type: ignore[attr-defined]
            conn.executemany(
                "INSERT OR REPLACE INTO run_dataset_inputs (run_uuid, name, digest, source_type, source, schema, "
                "profile, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

        self._db.write(log)

    def get_run_links(self, run_id: str) -> dict[str, list[dict[str, Any]]]:
        """``{"dataset_inputs": [...], "model_inputs": [...], "model_outputs": [...]}`` in REST form."""

        def read(conn: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
            links: dict[str, list[dict[str, Any]]] = {
                "dataset_inputs": [],
                "model_inputs": [],
                "model_outputs": [],
            }
            for model_id, direction, step in conn.execute(
                "SELECT model_id, direction, step FROM run_model_links WHERE run_uuid = ? ORDER BY model_id",
                (run_id,),
            ):
                if direction == "output":
                    links["model_outputs"].append({"model_id": model_id, "step": step})
                else:
                    links["model_inputs"].append({"model_id": model_id})
            for name, digest, source_type, source, schema, profile, tags in conn.execute(
                "SELECT name, digest, source_type, source, schema, profile, tags FROM run_dataset_inputs "
                "WHERE run_uuid = ? ORDER BY name, digest",
                (run_id,),
            ):
                dataset = {
                    "name": name,
                    "digest": digest,
                    "source_type": source_type,
                    "source": source,
                    "schema": schema,
                    "profile": profile,
                }
                links["dataset_inputs"].append(
                    {
                        "tags": json.loads(tags or "[]"),
                        "dataset": {k: val for k, val in dataset.items() if val is not None},
                    }
                )
            return links

        return self._db.read(read)


def _order_items(order_by: Sequence[Mapping[str, Any] | str] | None) -> list[tuple[str, bool]]:
    items = []
    for item in order_by or ():
        if isinstance(item, Mapping):
            field_name = item.get("field_name")
            if not isinstance(field_name, str) or not field_name:
                raise InvalidParameterValue(f"Each order_by item needs a field_name; got {item!r}.")
            items.append((field_name.strip(), item.get("ascending", True) is not False))
        elif isinstance(item, str):
            parts = item.strip().rsplit(None, 1)
            if len(parts) == 2 and parts[1].upper() in ("ASC", "DESC"):
                items.append((parts[0], parts[1].upper() == "ASC"))
            else:
                items.append((item.strip(), True))
        else:
            raise InvalidParameterValue(f"Invalid order_by item {item!r}.")
    return items
