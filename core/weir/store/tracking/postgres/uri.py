"""PostgreSQL tracking URIs: which ones are ours, what psycopg is given, what messages show."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from weir.exceptions import InvalidParameterValue

# postgresql+psycopg2:// is SQLAlchemy's spelling from MLflow setups; psycopg 3 serves it the same.
SCHEMES = ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")


def is_postgres_uri(uri: object) -> bool:
    if not isinstance(uri, str):
        return False
    match = _SCHEME_RE.match(uri)
    return bool(match) and match.group(1).lower() in SCHEMES


def to_conninfo(uri: str) -> str:
    """The libpq URI psycopg connects with (``postgresql://``), or INVALID_PARAMETER_VALUE."""
    if not is_postgres_uri(uri):
        raise InvalidParameterValue(
            f"Invalid PostgreSQL URI {mask_password(str(uri))!r}: expected postgresql://user@host:port/database"
        )
    parts = urlsplit(uri)
    if not parts.path.strip("/"):
        raise InvalidParameterValue(
            f"Invalid PostgreSQL URI {mask_password(uri)!r}: it names no database "
            "(postgresql://user@host:port/database)"
        )
    return urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, parts.fragment))


def mask_password(uri: str) -> str:
    """``uri`` with its password replaced by ``***`` (for errors and logs)."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit((parts.scheme, f"{user}:***@{netloc[1]}", parts.path, parts.query, parts.fragment))
