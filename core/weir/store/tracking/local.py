"""The built-in handler for local tracking URIs: folders, ``file:`` URIs and ``sqlite:`` URIs."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from weir.exceptions import InvalidParameterValue

DB_FILE_NAME = "weir.db"
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def _sqlite_path(store_uri: str) -> Path:
    """``sqlite:///relative.db`` or ``sqlite:////abs/path.db`` (SQLAlchemy's forms) -> a path."""
    rest = store_uri[len("sqlite:") :]
    if not rest.startswith("//"):
        raise InvalidParameterValue(
            f"Invalid SQLite URI {store_uri!r}: use sqlite:///relative/path.db or sqlite:////absolute/path.db"
        )
    path = unquote(rest[3:] if rest.startswith("///") else rest[2:]).split("?", 1)[0]
    if not path or path == ":memory:":
        raise InvalidParameterValue(f"Invalid SQLite URI {store_uri!r}: it needs a database file path")
    return Path(path).expanduser()


def _file_uri_path(store_uri: str) -> Path:
    parsed = urlparse(store_uri)
    if parsed.netloc not in ("", "localhost"):
        raise InvalidParameterValue(f"Invalid file URI {store_uri!r}: only local files are supported")
    return Path(url2pathname(parsed.path))


def local_tracking_store(store_uri: str, default_artifact_root: str | None = None):
    """The SQLite store behind a local tracking URI, or None when the URI is not local.

    - a plain path or ``file:`` URI names a folder: the database is ``<folder>/weir.db`` and
      artifacts go under ``<folder>/artifacts``;
    - ``sqlite:///relative.db`` / ``sqlite:////abs/path.db`` name the database file; artifacts go
      under ``<its folder>/artifacts``;
    - any other scheme (http, postgresql, ...) returns None so other plugins can answer.
    """
    from weir.store.tracking.sqlite import SqliteTrackingStore

    if not store_uri:
        return None
    store_uri = str(store_uri)
    match = _SCHEME_RE.match(store_uri)
    scheme = match.group(1).lower() if match else ""
    if len(scheme) == 1:  # a Windows drive letter, not a scheme
        scheme = ""
    if scheme == "sqlite":
        db_path = _sqlite_path(store_uri)
    elif scheme in ("", "file"):
        folder = _file_uri_path(store_uri) if scheme == "file" else Path(store_uri).expanduser()
        if folder.exists() and not folder.is_dir():
            raise InvalidParameterValue(f"The tracking URI {store_uri!r} names a file, not a folder")
        folder.mkdir(parents=True, exist_ok=True)
        db_path = folder / DB_FILE_NAME
    else:
        return None
    db_path = db_path.resolve()
    artifact_root = default_artifact_root or str(db_path.parent / "artifacts")
    return SqliteTrackingStore(db_path, artifact_root)
