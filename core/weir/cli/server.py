"""``weir server`` and ``weir ui``: the MLflow-compatible tracking server (REST API, artifact proxy, UI)."""

from __future__ import annotations

import click

_BACKEND_HELP = (
    "Where runs are stored: a folder, sqlite:///path.db, or postgresql://... (default ./weirruns)."
)


def _options(func):
    options = [
        click.option("--backend-store-uri", default="./weirruns", show_default=True, help=_BACKEND_HELP),
        click.option(
            "--default-artifact-root",
            default=None,
            help="Artifact root for new experiments (default mlflow-artifacts:/ when serving artifacts).",
        ),
        click.option(
            "--artifacts-destination",
            default=None,
            help="Where proxied artifacts are stored: a folder or URI (default <backend folder>/artifacts).",
        ),
        click.option(
            "--serve-artifacts/--no-serve-artifacts",
            default=True,
            show_default=True,
            help="Proxy artifact uploads and downloads through this server.",
        ),
        click.option("--workers", "-w", default=1, show_default=True, type=click.IntRange(min=1)),
        click.option("--auth", is_flag=True, default=False, help="Require logins (see `weir auth`)."),
        click.option("--log-level", default="warning", show_default=True, hidden=True),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _run(
    backend_store_uri,
    default_artifact_root,
    artifacts_destination,
    serve_artifacts,
    workers,
    auth,
    log_level,
    host,
    port,
) -> None:
    from weir.server.config import ServerConfig
    from weir.server.launcher import run_server

    config = ServerConfig(
        backend_store_uri=backend_store_uri,
        default_artifact_root=default_artifact_root,
        artifacts_destination=artifacts_destination,
        serve_artifacts=serve_artifacts,
        auth=auth,
    )
    run_server(config, host=host, port=port, workers=workers, log_level=log_level)


@click.command(context_settings={"help_option_names": ["--help"]})
@_options
@click.option(
    "--host",
    "-h",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind (keep 127.0.0.1 unless you mean it).",
)
@click.option("--port", "-p", default=5000, show_default=True, type=click.IntRange(0, 65535))
def server(**kwargs) -> None:
    """Run the tracking server: MLflow's REST API, the artifact proxy and the web UI."""
    _run(**kwargs)


@click.command(context_settings={"help_option_names": ["--help"]})
@_options
@click.option("--host", "-h", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", "-p", default=5000, show_default=True, type=click.IntRange(0, 65535))
def ui(**kwargs) -> None:
    """Run the tracking server with its web UI (the same as `weir server`; `mlflow ui` users start here)."""
    _run(**kwargs)
