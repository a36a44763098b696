"""Start the scoring app under uvicorn (one process, or ``workers`` processes each loading the model)."""

from __future__ import annotations

import os
from typing import Any

from weir.serving.app import MAX_BODY_SIZE_ENV, TIMEOUT_ENV, ScoringApp, build_app

MODEL_URI_ENV = "WEIR_SCORING_SERVER_MODEL_URI"


def app_from_environment() -> ScoringApp:
    """uvicorn factory for worker processes: the model URI and limits come from the environment."""
    model_uri = os.environ.get(MODEL_URI_ENV)
    if not model_uri:
        raise RuntimeError(f"{MODEL_URI_ENV} is not set; start the server with `weir models serve -m URI`.")
    return build_app(model_uri)


def _uvicorn_options(host: str, port: int, log_level: str) -> dict[str, Any]:
    # "auto" picks uvloop and httptools when installed (the `serve` extra brings them), else asyncio/h11.
    return {
        "host": host,
        "port": port,
        "log_level": log_level,
        "access_log": False,
        "loop": "auto",
        "http": "auto",
        "lifespan": "on",
        "server_header": False,
    }


def serve(
    model_uri: str,
    host: str = "127.0.0.1",
    port: int = 5000,
    workers: int = 1,
    timeout: float | None = None,
    max_body_size: int | None = None,
    log_level: str = "info",
) -> None:
    """Serve ``model_uri`` until interrupted. With one worker the model loads before the port opens."""
    try:
        import uvicorn
    except ImportError:
        from weir.exceptions import WeirException

        raise WeirException(
            "The scoring server needs uvicorn: pip install 'weir[serve]'", "INVALID_STATE"
        ) from None
    if workers < 1:
        from weir.exceptions import InvalidParameterValue

        raise InvalidParameterValue(f"--workers must be at least 1, got {workers}.")
    if timeout is not None:
        os.environ[TIMEOUT_ENV] = str(timeout)
    if max_body_size is not None:
        os.environ[MAX_BODY_SIZE_ENV] = str(max_body_size)
    options = _uvicorn_options(host, port, log_level)
    if workers == 1:
        uvicorn.run(build_app(model_uri), **options)
    else:
        os.environ[MODEL_URI_ENV] = model_uri
        uvicorn.run("weir.serving.launcher:app_from_environment", factory=True, workers=workers, **options)
