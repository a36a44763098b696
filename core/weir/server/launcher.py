"""Start the tracking server under uvicorn: one process, or ``workers`` processes sharing the store."""

from __future__ import annotations

import os
import sys
from typing import Any

from weir.exceptions import InvalidParameterValue, WeirException
from weir.server.config import ServerConfig


def app_from_environment() -> Any:
    """uvicorn factory for worker processes: the settings come from the environment."""
    from weir.server.app import build_app

    return build_app(ServerConfig.from_environment())


def _uvicorn_options(host: str, port: int, log_level: str) -> dict[str, Any]:
    # "auto" picks uvloop and httptools when installed, else asyncio and h11.
    return {
        "host": host,
        "port": port,
        "log_level": log_level,
        "access_log": False,
        "loop": "auto",
        "http": "auto",
        "lifespan": "on",
        "server_header": False,
        "timeout_keep_alive": 30,
    }


def startup_message(config: ServerConfig, host: str, port: int) -> str:
    lines = [f"weir tracking server on http://{host}:{port} (backend store: {config.backend_store_uri})"]
    if config.serve_artifacts:
        lines.append(f"Proxying artifacts: {config.default_artifact_root} -> {config.artifacts_destination}")
    else:
        lines.append(
            f"Artifact proxy off; clients write artifacts to {config.default_artifact_root} themselves"
        )
    if config.auth:
        lines.append("Authentication is on (--auth).")
    else:
        lines.append(
            "WARNING: the server is open (no authentication): anyone who can reach this address can read, "
            "change and delete every experiment, run, model and artifact. Use --auth to require logins."
        )
    return "\n".join(lines)


def run_server(
    config: ServerConfig,
    host: str = "127.0.0.1",
    port: int = 5000,
    workers: int = 1,
    log_level: str = "warning",
) -> None:
    """Serve until interrupted. The store is opened (and migrated) before the port opens."""
    try:
        import uvicorn
    except ImportError:
        raise WeirException(
            "The tracking server needs uvicorn: pip install 'weir[server]'", "INVALID_STATE"
        ) from None
    if workers < 1:
        raise InvalidParameterValue(f"--workers must be at least 1, got {workers}.")
    config = config.resolved()
    from weir.server.app import build_app

    app = build_app(config)  # fails early (bad store URI, missing auth module) before binding
    print(startup_message(config, host, port), file=sys.stderr, flush=True)
    options = _uvicorn_options(host, port, log_level)
    if workers == 1:
        uvicorn.run(app, **options)
    else:
        os.environ.update(config.to_environment())
        uvicorn.run("weir.server.launcher:app_from_environment", factory=True, workers=workers, **options)
