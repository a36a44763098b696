"""Compile parsed searches to parameterised SQL.

The SQL targets weir's relational schema (tables ``runs``, ``params``, ``tags``, ``latest_metrics``,
``experiments``, ``experiment_tags``), shared by every SQL back end. What differs between databases
(placeholders, case-sensitive LIKE, ILIKE) lives in a small ``SqlDialect`` object.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from weir.exceptions import InvalidParameterValue
from weir.store.tracking.search.ast import ATTRIBUTE, DATASET, METRIC, PARAM, TAG, Comparison, OrderBy


class SqlDialect:
    """Standard SQL behaviour (LIKE is case-sensitive, ILIKE exists), with ``?`` placeholders."""

    name = "standard"
    placeholder = "?"

    def placeholders(self, count: int) -> str:
        return ", ".join([self.placeholder] * count)

    def like(self, column: str, pattern: str) -> tuple[str, list[Any]]:
        return f"{column} LIKE {self.placeholder}", [pattern]

    def ilike(self, column: str, pattern: str) -> tuple[str, list[Any]]:
        return f"{column} ILIKE {self.placeholder}", [pattern]

    def as_text(self, column: str) -> str:
        return f"CAST({column} AS TEXT)"


class SqliteDialect(SqlDialect):
    """SQLite: LIKE folds ASCII case, so case-sensitive LIKE is compiled to GLOB."""

    name = "sqlite"

    def like(self, column: str, pattern: str) -> tuple[str, list[Any]]:
        return f"{column} GLOB ?", [like_to_glob(pattern)]

    def ilike(self, column: str, pattern: str) -> tuple[str, list[Any]]:
        return f"lower({column}) LIKE lower(?)", [pattern]


class PostgresDialect(SqlDialect):
    """PostgreSQL: LIKE is case-sensitive and ILIKE exists. Backslash is not an escape character in
    patterns (``ESCAPE ''``), as in SQLite. Placeholders stay ``?``: the PostgreSQL store's
    connection layer turns them into psycopg's ``%s``, so the same SQL serves both back ends."""

    name = "postgresql"

    def like(self, column: str, pattern: str) -> tuple[str, list[Any]]:
        return f"{column} LIKE ? ESCAPE ''", [pattern]

    def ilike(self, column: str, pattern: str) -> tuple[str, list[Any]]:
        return f"{column} ILIKE ? ESCAPE ''", [pattern]


def like_to_glob(pattern: str) -> str:
    """SQL LIKE pattern (``%``, ``_``) -> GLOB pattern, escaping GLOB's own wildcards."""
    out = []
    for char in pattern:
        if char == "%":
            out.append("*")
        elif char == "_":
            out.append("?")
        elif char in "*?[":
            out.append(f"[{char}]")
        else:
            out.append(char)
    return "".join(out)


def compare(dialect: SqlDialect, column: str, op: str, value: Any) -> tuple[str, list[Any]]:
    """``column <op> value`` for the operators the parser accepts (except IS [NOT] NULL)."""
    if op == "LIKE":
        return dialect.like(column, value)
    if op == "ILIKE":
        return dialect.ilike(column, value)
    if op in ("IN", "NOT IN"):
        return f"{column} {op} ({dialect.placeholders(len(value))})", list(value)
    if op in ("=", "!=", "<", "<=", ">", ">="):
        return f"{column} {op} {dialect.placeholder}", [value]
    raise InvalidParameterValue(f"Unsupported comparison operator {op!r}")


@dataclass
class SelectQuery:
    joins: list[str] = field(default_factory=list)
    join_params: list[Any] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    where_params: list[Any] = field(default_factory=list)
    order: list[str] = field(default_factory=list)
    order_params: list[Any] = field(default_factory=list)
    aliases: int = 0

    def alias(self, prefix: str) -> str:
        self.aliases += 1
        return f"{prefix}{self.aliases}"

    def add_where(self, sql: str, params: Sequence[Any]) -> None:
        self.where.append(sql)
        self.where_params.extend(params)

    def build(self, select: str, limit: int | None, offset: int, placeholder: str) -> tuple[str, list[Any]]:
        sql = select
        if self.joins:
            sql += "\n" + "\n".join(self.joins)
        if self.where:
            sql += "\nWHERE " + "\n  AND ".join(self.where)
        if self.order:
            sql += "\nORDER BY " + ", ".join(self.order)
        params = self.join_params + self.where_params + self.order_params
        if limit is not None:
            sql += f"\nLIMIT {placeholder} OFFSET {placeholder}"
            params += [limit, offset]
        return sql, params


def key_value_filter(
    dialect: SqlDialect, query: SelectQuery, table: str, link: str, clause: Comparison
) -> None:
    """A filter on a keyed table (params, tags, latest_metrics, ...). ``link`` ties a row of it,
    aliased ``{a}``, to the searched row: ``"{a}.run_id = r.id"``."""
    p = dialect.placeholder
    if clause.op in ("IS NULL", "IS NOT NULL"):
        exists = "NOT EXISTS" if clause.op == "IS NULL" else "EXISTS"
        query.add_where(
            f"{exists} (SELECT 1 FROM {table} x WHERE {link.format(a='x')} AND x.key = {p})", [clause.key]
        )
        return
    alias = query.alias("f")
    condition, params = compare(dialect, f"{alias}.value", clause.op, clause.value)
    query.joins.append(
        f"JOIN {table} {alias} ON {link.format(a=alias)} AND {alias}.key = {p} AND {condition}"
    )
    query.join_params.extend([clause.key, *params])


def key_value_order(
    dialect: SqlDialect, query: SelectQuery, table: str, link: str, order: OrderBy, nan_flag: bool = False
) -> None:
    """Order by a keyed value; rows without the key sort last in either direction."""
    alias = query.alias("o")
    query.joins.append(
        f"LEFT JOIN {table} {alias} ON {link.format(a=alias)} AND {alias}.key = {dialect.placeholder}"
    )
    query.join_params.append(order.key)
    direction = "ASC" if order.ascending else "DESC"
    if nan_flag:
        query.order.append(
            f"(CASE WHEN {alias}.key IS NULL THEN 2 WHEN {alias}.is_nan = 1 THEN 1 ELSE 0 END)"
        )
    else:
        query.order.append(f"({alias}.value IS NULL)")
    query.order.append(f"{alias}.value {direction}")


# --- runs ------------------------------------------------------------------------------------------
RUN_COLUMNS = {
    "run_id": "r.run_uuid",
    "run_name": "r.name",
    "status": "r.status",
    "user_id": "r.user_id",
    "artifact_uri": "r.artifact_uri",
    "lifecycle_stage": "r.lifecycle_stage",
    "start_time": "r.start_time",
    "end_time": "r.end_time",
}
RUN_SELECT = (
    "SELECT r.id, r.run_uuid, r.experiment_id, r.name, r.user_id, r.status, r.start_time, r.end_time, "
    "r.artifact_uri, r.lifecycle_stage\nFROM runs r"
)


def compile_run_search(
    dialect: SqlDialect,
    experiment_ids: Sequence[int],
    lifecycle_stages: Sequence[str],
    filters: Sequence[Comparison],
    order_bys: Sequence[OrderBy],
    limit: int | None,
    offset: int = 0,
) -> tuple[str, list[Any]]:
    """SQL selecting ``RUN_SELECT``'s columns for one page of a run search."""
    query = SelectQuery()
    query.add_where(f"r.experiment_id IN ({dialect.placeholders(len(experiment_ids))})", experiment_ids)
    query.add_where(f"r.lifecycle_stage IN ({dialect.placeholders(len(lifecycle_stages))})", lifecycle_stages)
    for clause in filters:
        if clause.kind == ATTRIBUTE:
            query.add_where(*compare(dialect, RUN_COLUMNS[clause.key], clause.op, clause.value))
        elif clause.kind == METRIC:
            key_value_filter(dialect, query, "latest_metrics", "{a}.run_id = r.id", clause)
        elif clause.kind == PARAM:
            key_value_filter(dialect, query, "params", "{a}.run_id = r.id", clause)
        elif clause.kind == TAG:
            key_value_filter(dialect, query, "tags", "{a}.run_id = r.id", clause)
        elif clause.kind == DATASET:
            raise InvalidParameterValue(
                f"Filtering runs on datasets.{clause.key} is not supported by this store (no dataset inputs)."
            )
    ordered = set()
    for order in order_bys:
        direction = "ASC" if order.ascending else "DESC"
        if order.kind == ATTRIBUTE:
            column = RUN_COLUMNS[order.key]
            ordered.add(order.key)
            query.order.append(f"({column} IS NULL)")
            query.order.append(f"{column} {direction}")
        elif order.kind == METRIC:
            key_value_order(dialect, query, "latest_metrics", "{a}.run_id = r.id", order, nan_flag=True)
        elif order.kind == PARAM:
            key_value_order(dialect, query, "params", "{a}.run_id = r.id", order)
        elif order.kind == TAG:
            key_value_order(dialect, query, "tags", "{a}.run_id = r.id", order)
    if "start_time" not in ordered:
        query.order.append("r.start_time DESC")
    if "run_id" not in ordered:
        query.order.append("r.run_uuid ASC")
    return query.build(RUN_SELECT, limit, offset, dialect.placeholder)


# --- experiments -----------------------------------------------------------------------------------
EXPERIMENT_SELECT = (
    "SELECT e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.creation_time, "
    "e.last_update_time\nFROM experiments e"
)


def compile_experiment_search(
    dialect: SqlDialect,
    lifecycle_stages: Sequence[str],
    filters: Sequence[Comparison],
    order_bys: Sequence[OrderBy],
    limit: int | None,
    offset: int = 0,
) -> tuple[str, list[Any]]:
    query = SelectQuery()
    query.add_where(f"e.lifecycle_stage IN ({dialect.placeholders(len(lifecycle_stages))})", lifecycle_stages)
    for clause in filters:
        if clause.kind == ATTRIBUTE:
            column = "e." + clause.key
            if clause.key == "experiment_id":
                column = dialect.as_text(column)
            query.add_where(*compare(dialect, column, clause.op, clause.value))
        elif clause.kind == TAG:
            key_value_filter(dialect, query, "experiment_tags", "{a}.experiment_id = e.experiment_id", clause)
    if not order_bys:
        order_bys = [OrderBy(ATTRIBUTE, "creation_time", False), OrderBy(ATTRIBUTE, "experiment_id", True)]
    ordered = set()
    for order in order_bys:
        if order.kind != ATTRIBUTE:
            raise InvalidParameterValue(f"Experiments can only be ordered by attributes, not {order.kind}s")
        ordered.add(order.key)
        query.order.append(f"e.{order.key} {'ASC' if order.ascending else 'DESC'}")
    if "experiment_id" not in ordered:
        query.order.append("e.experiment_id ASC")
    return query.build(EXPERIMENT_SELECT, limit, offset, dialect.placeholder)
