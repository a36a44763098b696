"""``weir run``: run a project (a folder or git repository) as a weir run."""

from __future__ import annotations

import signal
import sys

import click


def _pairs(values: tuple[str, ...], option: str, allow_flag: bool = False) -> dict[str, str | bool]:
    result: dict[str, str | bool] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep and not allow_flag:
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint=option)
        if not key:
            raise click.BadParameter(f"missing the name in {item!r}", param_hint=option)
        if key in result:
            raise click.BadParameter(f"repeated parameter {key!r}", param_hint=option)
        result[key] = value if sep else True
    return result


@click.command("run")
@click.argument("uri")
@click.option("-e", "--entry-point", default="main", show_default=True, help="Entry point of the project.")
@click.option(
    "-v", "--version", "version", default=None, help="Git ref (branch, tag or commit) to check out."
)
@click.option(
    "-P", "--param-list", "params", multiple=True, metavar="NAME=VALUE", help="A parameter (repeatable)."
)
@click.option(
    "-A", "--docker-args", multiple=True, metavar="NAME[=VALUE]", help="A `docker run` flag (repeatable)."
)
@click.option("--experiment-name", default=None, help="Experiment to run in (created if missing).")
@click.option("--experiment-id", default=None, help="Id of the experiment to run in.")
@click.option("--run-name", default=None, help="Name of the new run.")
@click.option("--run-id", default=None, help="Use this existing run instead of creating one.")
@click.option(
    "--env-manager",
    type=click.Choice(["local", "virtualenv", "uv", "conda"]),
    default=None,
    help="Environment for the command; default: virtualenv for python_env projects, conda for conda_env, else local.",
)
@click.option("-b", "--backend", type=click.Choice(["local"]), default="local", show_default=True)
@click.option("--storage-dir", default=None, help="Where remote `path` parameters are downloaded.")
def run(
    uri: str,
    entry_point: str,
    version: str | None,
    params: tuple[str, ...],
    docker_args: tuple[str, ...],
    experiment_name: str | None,
    experiment_id: str | None,
    run_name: str | None,
    run_id: str | None,
    env_manager: str | None,
    backend: str,
    storage_dir: str | None,
) -> None:
    """Run the project at URI (a folder, or a git URL; append #sub/dir for a subdirectory).

    \b
    weir run . -P alpha=5.0
    weir run experiment -e manual_logger --experiment-name manual_logging -P max_iter=1000
    weir run https://github.com/org/repo#projects/wine --version v1.2
    """
    if experiment_name is not None and experiment_id is not None:
        raise click.UsageError("give either --experiment-name or --experiment-id, not both")
    parameters = _pairs(params, "-P")
    flags = _pairs(docker_args, "-A", allow_flag=True)
    received: list[int] = []

    def on_sigterm(signum, frame):
        received.append(signum)
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, on_sigterm)
    except ValueError:  # not the main thread (an embedding test runner): leave SIGTERM alone
        previous = None
    from weir.projects import run as run_project

    try:
        submitted = run_project(
            uri,
            entry_point=entry_point,
            version=version,
            parameters=parameters,
            docker_args=flags,
            experiment_name=experiment_name,
            experiment_id=experiment_id,
            backend=backend,
            storage_dir=storage_dir,
            run_id=run_id,
            run_name=run_name,
            env_manager=env_manager,
        )
    except KeyboardInterrupt:
        click.echo("weir: interrupted", err=True)
        sys.exit(128 + (received[0] if received else signal.SIGINT))
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    click.echo(f"weir: === Run (ID '{submitted.run_id}') succeeded ===", err=True)
