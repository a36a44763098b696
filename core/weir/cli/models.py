"""``weir models``: serve a model over HTTP, score files, and package a model as a Docker image.

Options follow ``mlflow models ...`` (``-m``, ``-h/--host``, ``-p/--port``, ``-i``, ``-o``...).
"""

from __future__ import annotations

import os

import click

_ENV_MANAGERS = ("local",)


def _check_env_manager(env_manager: str) -> None:
    if env_manager not in _ENV_MANAGERS:
        raise click.BadParameter(
            f"'{env_manager}' is not supported: weir serves models in the current Python environment "
            "(use --env-manager local, the default).",
            param_hint="--env-manager",
        )


_model_uri = click.option(
    "-m",
    "--model-uri",
    required=True,
    metavar="URI",
    help="The model: a local path, file://, runs:/<run_id>/<path> or models:/<name>/<version>.",
)
_env_manager = click.option(
    "--env-manager",
    default="local",
    show_default=True,
    help="How to build the model's environment; only 'local' (the current environment) is supported.",
)


@click.group("models")
def models() -> None:
    """Serve models, score files with them, and build Docker images for them."""


@models.command("serve")
@_model_uri
@click.option("-h", "--host", default="127.0.0.1", show_default=True, help="The interface to listen on.")
@click.option("-p", "--port", default=5000, show_default=True, type=int, help="The port to listen on.")
@click.option(
    "-w",
    "--workers",
    default=lambda: int(os.environ.get("MLFLOW_MODELS_WORKERS", "1")),
    show_default="1",
    type=click.IntRange(min=1),
    help="Worker processes, each with its own copy of the model.",
)
@_env_manager
@click.option(
    "-t",
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Seconds a prediction may take before the request fails with 504 (default 60, or "
    "WEIR_SCORING_SERVER_REQUEST_TIMEOUT).",
)
@click.option(
    "--max-body-size",
    type=click.IntRange(min=1),
    default=None,
    help="Largest request body in bytes; bigger ones get 413 (default 100 MiB, or "
    "WEIR_SCORING_SERVER_MAX_BODY_SIZE).",
)
def serve(
    model_uri: str,
    host: str,
    port: int,
    workers: int,
    env_manager: str,
    timeout: float | None,
    max_body_size: int | None,
) -> None:
    """Serve a model at POST /invocations (MLflow's scoring protocol), with /ping, /health and /version."""
    _check_env_manager(env_manager)
    from weir.serving.launcher import serve as run_server

    run_server(model_uri, host=host, port=port, workers=workers, timeout=timeout, max_body_size=max_body_size)


@models.command("predict")
@_model_uri
@click.option(
    "-i",
    "--input-path",
    default=None,
    help="A JSON or CSV file to score; stdin when left out. JSON takes every format the server accepts.",
)
@click.option(
    "-o", "--output-path", default=None, help="Where to write the predictions JSON; stdout by default."
)
@click.option(
    "-t",
    "--content-type",
    type=click.Choice(["json", "csv"], case_sensitive=False),
    default=None,
    help="The input format; guessed from the input file extension when left out (json otherwise).",
)
@_env_manager
def predict(
    model_uri: str,
    input_path: str | None,
    output_path: str | None,
    content_type: str | None,
    env_manager: str,
) -> None:
    """Score a file with a model and write {"predictions": ...}."""
    _check_env_manager(env_manager)
    from weir.serving.batch import predict_batch

    predict_batch(model_uri, input_path, output_path, content_type)


@models.command("generate-dockerfile")
@_model_uri
@click.option(
    "-d",
    "--output-directory",
    default="weir-dockerfile",
    show_default=True,
    help="Where to write the Dockerfile and its build context.",
)
@click.option(
    "--weir-requirement",
    default=None,
    help="How pip installs weir in the image (default weir[serve]==<this version>); a path or URL works.",
)
def generate_dockerfile(model_uri: str, output_directory: str, weir_requirement: str | None) -> None:
    """Write a Dockerfile and build context that serve the model on port 8080."""
    from weir.serving.docker import generate_dockerfile as generate

    dockerfile = generate(model_uri, output_directory, weir_requirement=weir_requirement)
    click.echo(f"Wrote {dockerfile} and the build context in {dockerfile.parent}")


@models.command("build-docker")
@_model_uri
@click.option("-n", "--name", default="weir-pyfunc", show_default=True, help="The image name (tag).")
@click.option("--weir-requirement", default=None, help="How pip installs weir in the image.")
def build_docker(model_uri: str, name: str, weir_requirement: str | None) -> None:
    """Build a Docker image serving the model (needs a running Docker engine)."""
    from weir.serving.docker import build_docker as build

    build(model_uri, name, weir_requirement=weir_requirement)
    click.echo(f"Built image {name}")
