"""The SQLite schema as an ordered list of migrations, applied in one transaction at open.

Never edit a released migration: append a new one. A database written by a newer weir (a
version above ``SCHEMA_VERSION``) is refused with a clear error instead of being misread.
"""

from __future__ import annotations

import sqlite3

from weir.exceptions import WeirException

# Version 1: tracking (experiments, runs, params, tags, metric history and latest values).
_V1 = """
CREATE TABLE experiments (
    experiment_id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    artifact_location TEXT NOT NULL,
    lifecycle_stage TEXT NOT NULL DEFAULT 'active',
    creation_time INTEGER,
    last_update_time INTEGER
);
CREATE TABLE experiment_tags (
    experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (experiment_id, key)
) WITHOUT ROWID;
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    run_uuid TEXT NOT NULL UNIQUE,
    experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id),
    name TEXT NOT NULL,
    user_id TEXT,
    status TEXT NOT NULL,
    start_time INTEGER,
    end_time INTEGER,
    artifact_uri TEXT NOT NULL,
    lifecycle_stage TEXT NOT NULL DEFAULT 'active',
    deleted_time INTEGER
);
CREATE INDEX runs_by_experiment ON runs (experiment_id, lifecycle_stage, start_time);
CREATE TABLE params (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX params_by_key_value ON params (key, value);
CREATE TABLE tags (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX tags_by_key_value ON tags (key, value);
-- Full history, one B-tree ordered for reading a history back. As in MLflow, an identical
-- point logged twice is stored once. NaN is stored as value 0 with is_nan = 1.
CREATE TABLE metrics (
    run_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    step INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    value REAL NOT NULL,
    is_nan INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, key, step, timestamp, value, is_nan)
) WITHOUT ROWID;
-- The latest point per key (greatest step, then timestamp; ties go to the later insert).
-- value is NULL for NaN so that numeric comparisons never match it.
CREATE TABLE latest_metrics (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    key TEXT NOT NULL,
    value REAL,
    is_nan INTEGER NOT NULL DEFAULT 0,
    step INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX latest_metrics_by_key_value ON latest_metrics (key, value);
"""

# Version 2: the model registry.
_V2 = """
CREATE TABLE registered_models (
    name TEXT PRIMARY KEY,
    creation_timestamp INTEGER NOT NULL,
    last_updated_timestamp INTEGER NOT NULL,
    description TEXT,
    user_id TEXT,
    next_version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX registered_models_by_update ON registered_models (last_updated_timestamp);
CREATE TABLE registered_model_tags (
    name TEXT NOT NULL REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (name, key)
) WITHOUT ROWID;
CREATE TABLE model_versions (
    name TEXT NOT NULL REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE CASCADE,
    version INTEGER NOT NULL,
    creation_timestamp INTEGER NOT NULL,
    last_updated_timestamp INTEGER NOT NULL,
    description TEXT,
    user_id TEXT,
    current_stage TEXT NOT NULL DEFAULT 'None',
    source TEXT,
    run_id TEXT,
    run_link TEXT,
    status TEXT NOT NULL DEFAULT 'READY',
    status_message TEXT,
    PRIMARY KEY (name, version)
);
CREATE INDEX model_versions_by_run ON model_versions (run_id);
CREATE INDEX model_versions_by_stage ON model_versions (name, current_stage, version);
CREATE TABLE model_version_tags (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (name, version, key),
    FOREIGN KEY (name, version) REFERENCES model_versions (name, version)
        ON UPDATE CASCADE ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE registered_model_aliases (
    name TEXT NOT NULL,
    alias TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (name, alias),
    FOREIGN KEY (name, version) REFERENCES model_versions (name, version)
        ON UPDATE CASCADE ON DELETE CASCADE
) WITHOUT ROWID;
-- Every stage transition, kept after the version is deleted (it is history).
CREATE TABLE model_version_stage_history (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    from_stage TEXT NOT NULL,
    to_stage TEXT NOT NULL,
    user_id TEXT,
    timestamp INTEGER NOT NULL
);
CREATE INDEX stage_history_by_model ON model_version_stage_history (name, to_stage, timestamp);
"""

# Version 3: MLflow 3 logged models, the run <-> model links (run inputs/outputs) and dataset inputs.
_V3 = """
CREATE TABLE logged_models (
    model_id TEXT PRIMARY KEY,
    experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id),
    name TEXT NOT NULL,
    artifact_location TEXT NOT NULL,
    creation_timestamp INTEGER NOT NULL,
    last_updated_timestamp INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'PENDING',
    status_message TEXT,
    model_type TEXT,
    source_run_id TEXT,
    lifecycle_stage TEXT NOT NULL DEFAULT 'active'
);
CREATE INDEX logged_models_by_experiment ON logged_models (experiment_id, creation_timestamp);
CREATE INDEX logged_models_by_run ON logged_models (source_run_id);
CREATE TABLE logged_model_tags (
    model_id TEXT NOT NULL REFERENCES logged_models (model_id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (model_id, key)
) WITHOUT ROWID;
CREATE TABLE logged_model_params (
    model_id TEXT NOT NULL REFERENCES logged_models (model_id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (model_id, key)
) WITHOUT ROWID;
CREATE TABLE logged_model_metrics (
    model_id TEXT NOT NULL REFERENCES logged_models (model_id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    step INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    value REAL NOT NULL,
    is_nan INTEGER NOT NULL DEFAULT 0,
    run_id TEXT NOT NULL DEFAULT '',
    dataset_name TEXT NOT NULL DEFAULT '',
    dataset_digest TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (model_id, key, step, timestamp, run_id, dataset_name, dataset_digest)
) WITHOUT ROWID;
-- direction is 'input' (runs/log-inputs models) or 'output' (runs/outputs); step only for outputs.
CREATE TABLE run_model_links (
    run_uuid TEXT NOT NULL,
    model_id TEXT NOT NULL,
    direction TEXT NOT NULL,
    step INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_uuid, direction, model_id)
) WITHOUT ROWID;
CREATE TABLE run_dataset_inputs (
    run_uuid TEXT NOT NULL,
    name TEXT NOT NULL,
    digest TEXT NOT NULL,
    source_type TEXT,
    source TEXT,
    schema TEXT,
    profile TEXT,
    tags TEXT,
    PRIMARY KEY (run_uuid, name, digest)
) WITHOUT ROWID;
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3)
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(WeirException):
    def __init__(self, path: str, found: int, supported: int) -> None:
        super().__init__(
            f"The database {path} has schema version {found}, but this weir supports versions up to "
            f"{supported}. Upgrade weir to open it.",
            "INVALID_STATE",
        )


def current_version(conn: sqlite3.Connection) -> int:
    row = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if row is None:
        return 0
    return _recorded_version(conn)


def _recorded_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection, path: str, migrations: tuple[str, ...] = MIGRATIONS) -> int:
    """Bring the schema up to date inside the caller's write transaction; return the version.

    Only portable SQL here: the PostgreSQL store runs this with its own (translated) migrations.
    """
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY)")
    found = _recorded_version(conn)
    if found > len(migrations):
        raise SchemaTooNew(path, found, len(migrations))
    for version in range(found + 1, len(migrations) + 1):
        for statement in _statements(migrations[version - 1]):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
    return len(migrations)


def _statements(script: str) -> list[str]:
    """Split a migration script on ';' (the scripts hold no ';' inside literals)."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
