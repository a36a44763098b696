"""``weir db``: maintenance of a tracking database (SQLite file or PostgreSQL)."""

from __future__ import annotations

import click


@click.group("db")
def db() -> None:
    """Manage the tracking database behind a server or a tracking URI."""


@db.command("upgrade")
@click.argument("url")
def upgrade(url: str) -> None:
    """Create the schema of the database at URL, or migrate it to this weir's version.

    URL is sqlite:///path.db (or a folder) or postgresql://user:password@host:port/database.
    Stores migrate by themselves when opened; this does it ahead of time, e.g. before
    starting several server workers after an upgrade.
    """
    from weir.exceptions import WeirException
    from weir.store.tracking.local import local_tracking_store
    from weir.store.tracking.postgres import postgres_tracking_store
    from weir.store.tracking.postgres.uri import mask_password
    from weir.store.tracking.sqlite.schema import SCHEMA_VERSION

    store = postgres_tracking_store(url) or local_tracking_store(url)
    if store is None:
        raise WeirException(
            f"{mask_password(url)!r} is not a database URL: use sqlite:///path.db or postgresql://...",
            "INVALID_PARAMETER_VALUE",
        )
    store.close()
    click.echo(f"{mask_password(url)} is at schema version {SCHEMA_VERSION}.")
