"""Running the shared SQL (written for SQLite) on PostgreSQL.

The SQL store's statements use SQLite's spelling in three places, rewritten here once per
statement text and cached:

- ``?`` placeholders become psycopg's ``%s`` (and a literal ``%`` becomes ``%%``);
- ``INSERT OR IGNORE`` becomes ``INSERT ... ON CONFLICT DO NOTHING``;
- ``INSERT OR REPLACE`` becomes ``INSERT ... ON CONFLICT (<primary key>) DO UPDATE`` setting the
  other inserted columns (weir's tables have no unique constraint besides their primary key,
  so this is what SQLite's replace does for them).

An ``INSERT`` into a table with an identity column gets ``RETURNING <column>`` so that the cursor
can offer ``lastrowid`` as sqlite3's does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_INSERT_RE = re.compile(
    r"^\s*INSERT\s+(?:OR\s+(?P<conflict>REPLACE|IGNORE)\s+)?INTO\s+(?P<table>\w+)\s*\((?P<columns>[^)]*)\)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Translated:
    sql: str
    returning: bool = False  # the statement returns the new row's identity value


def convert_placeholders(sql: str) -> str:
    """``?`` outside string literals -> ``%s``; every ``%`` -> ``%%`` (psycopg reads % everywhere)."""
    out = []
    quoted = False
    for char in sql:
        if char == "'":
            quoted = not quoted
            out.append(char)
        elif char == "%":
            out.append("%%")
        elif char == "?" and not quoted:
            out.append("%s")
        else:
            out.append(char)
    return "".join(out)


class SqlTranslator:
    """Translates statements for one database; ``primary_key(table)`` and ``identity(table)`` read
    its catalog (called at most once per table)."""

    def __init__(
        self,
        primary_key: Callable[[str], tuple[str, ...]],
        identity: Callable[[str], str | None],
        cache_size: int = 2048,
    ) -> None:
        self._primary_key = primary_key
        self._identity = identity
        self._cache: dict[tuple[str, bool], Translated] = {}
        self._cache_size = cache_size

    def translate(self, sql: str, *, single: bool = True) -> Translated:
        """``single`` is False for ``executemany`` (no RETURNING there)."""
        key = (sql, single)
        found = self._cache.get(key)
        if found is None:
            found = self._translate(sql, single)
            if len(self._cache) >= self._cache_size:
                self._cache.clear()  # search statements vary; keep the cache bounded
            self._cache[key] = found
        return found

    def _translate(self, sql: str, single: bool) -> Translated:
        match = _INSERT_RE.match(sql)
        if match is None:
            return Translated(convert_placeholders(sql))
        table = match.group("table")
        text = sql.rstrip().rstrip(";")
        conflict = (match.group("conflict") or "").upper()
        if conflict:
            text = f"INSERT INTO {table}" + text[match.end("table") :]
            if conflict == "IGNORE":
                text += " ON CONFLICT DO NOTHING"
            else:
                text += self._upsert_clause(table, match.group("columns"))
        returning = False
        if single and " returning " not in text.lower():
            column = self._identity(table)
            if column is not None:
                text += f" RETURNING {column}"
                returning = True
        return Translated(convert_placeholders(text), returning)

    def _upsert_clause(self, table: str, columns: str) -> str:
        key = self._primary_key(table)
        if not key:
            raise ValueError(f"INSERT OR REPLACE INTO {table}: the table has no primary key")
        inserted = [column.strip() for column in columns.split(",") if column.strip()]
        updates = [column for column in inserted if column not in key]
        if not updates:
            return f" ON CONFLICT ({', '.join(key)}) DO NOTHING"
        assignments = ", ".join(f"{column} = excluded.{column}" for column in updates)
        return f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {assignments}"
