"""Throwaway PostgreSQL schemas for tests: each test gets an empty schema in a shared database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from weir.store.tracking.postgres.uri import to_conninfo


def with_search_path(uri: str, schema: str) -> str:
    """``uri`` whose connections use ``schema`` (libpq's ``options=-csearch_path=...``)."""
    parts = urlsplit(to_conninfo(uri))
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, quote_via=quote), ""))


@contextmanager
def isolated_schema_uri(base_uri: str, prefix: str = "weir_test") -> Iterator[str]:
    """Create an empty schema in ``base_uri``'s database, yield a URI that uses it, drop it after.

    Close the stores opened on the URI before leaving the block.
    """
    import psycopg

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(to_conninfo(base_uri), autocommit=True, connect_timeout=10) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield with_search_path(base_uri, schema)
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def empty_tables(uri: str) -> None:
    """Delete every row in ``uri``'s schema but the schema version, and restart the id sequences.

    Much faster than a new schema per test; the next store opened on ``uri`` starts afresh.
    """
    import psycopg

    with psycopg.connect(to_conninfo(uri), autocommit=True, connect_timeout=10) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT c.oid::regclass::text FROM pg_class c WHERE c.relkind = 'r' "
                "AND c.relnamespace = current_schema()::regnamespace AND c.relname <> 'schema_version'"
            )
        ]
        references = conn.execute(
            "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
            "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
        ).fetchall()
        identities = conn.execute(
            "SELECT attrelid::regclass::text, attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "WHERE a.attidentity <> '' AND c.relnamespace = current_schema()::regnamespace"
        ).fetchall()
        with conn.transaction():
            for table in _referencing_first(tables, references):
                conn.execute(f"DELETE FROM {table}")
            for table, column in identities:
                conn.execute("SELECT setval(pg_get_serial_sequence(%s, %s), 1, false)", (table, column))


def _referencing_first(tables: list[str], references: list[tuple[str, str]]) -> list[str]:
    """``tables`` ordered so that a table comes before every table it references."""
    ordered: list[str] = []
    remaining = set(tables)
    while remaining:
        ready = sorted(
            t for t in remaining if not any(c in remaining and c != t for c, p in references if p == t)
        )
        if not ready:  # a reference cycle: the deletes will say which
            ready = sorted(remaining)
        ordered += ready
        remaining -= set(ready)
    return ordered
