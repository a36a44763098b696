"""``weir runs``: list, describe, delete and restore runs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from weir.cli._output import (
    collect_pages,
    echo_json,
    echo_table,
    format_duration,
    format_timestamp,
    get_client,
    json_option,
    max_results_option,
    tracking_uri_option,
    view_option,
    view_type,
)

run_id_option = click.option("--run-id", "-r", required=True, metavar="ID", help="ID of the run.")


@click.group("runs")
def runs() -> None:
    """Manage runs."""


@runs.command("list")
@click.option(
    "--experiment-id",
    "-x",
    "experiment_ids",
    multiple=True,
    envvar="MLFLOW_EXPERIMENT_ID",
    metavar="ID",
    help="Experiment whose runs to list; repeatable. Defaults to $MLFLOW_EXPERIMENT_ID.",
)
@click.option("--experiment-name", "-n", default=None, metavar="NAME", help="Experiment to list, by name.")
@view_option
@click.option("--filter", "filter_string", default=None, metavar="FILTER", help='e.g. "metrics.acc > 0.5".')
@click.option(
    "--order-by",
    multiple=True,
    metavar="CLAUSE",
    help="e.g. 'metrics.acc DESC'; repeatable (default: newest first).",
)
@max_results_option
@tracking_uri_option
@json_option
def list_runs(
    experiment_ids: tuple[str, ...],
    experiment_name: str | None,
    view: str,
    filter_string: str | None,
    order_by: tuple[str, ...],
    max_results: int | None,
    tracking_uri: str | None,
    as_json: bool,
) -> None:
    """List the runs of one or more experiments."""
    client = get_client(tracking_uri)
    ids = list(experiment_ids)
    if experiment_name is not None:
        experiment = client.get_experiment_by_name(experiment_name)
        if experiment is None:
            raise click.ClickException(f"Experiment with name '{experiment_name}' not found")
        ids.append(experiment.experiment_id)
    if not ids:
        raise click.UsageError("Give --experiment-id or --experiment-name.")
    for experiment_id in ids:
        client.get_experiment(experiment_id)  # an unknown id is an error, not an empty list
    found = collect_pages(
        lambda token, size: client.search_runs(
            experiment_ids=ids,
            filter_string=filter_string or "",
            run_view_type=view_type(view),
            max_results=size,
            order_by=list(order_by) or None,
            page_token=token,
        ),
        max_results,
    )
    if as_json:
        echo_json([run.to_dictionary() for run in found])
        return
    echo_table(
        [
            [
                run.info.run_id,
                run.info.run_name or "",
                run.info.status,
                format_timestamp(run.info.start_time),
                format_duration(run.info.start_time, run.info.end_time),
            ]
            for run in found
        ],
        headers=["Run Id", "Name", "Status", "Start Time", "Duration"],
    )


@runs.command("describe")
@run_id_option
@tracking_uri_option
@json_option
def describe(run_id: str, tracking_uri: str | None, as_json: bool) -> None:
    """Show a run's info, params, latest metrics and tags."""
    run = get_client(tracking_uri).get_run(run_id)
    if as_json:
        echo_json(run.to_dictionary())
        return
    info = run.info
    click.echo(f"Run {info.run_id}")
    _echo_section(
        None,
        {
            "name": info.run_name or "",
            "experiment_id": info.experiment_id,
            "status": info.status,
            "lifecycle_stage": info.lifecycle_stage,
            "user_id": info.user_id or "",
            "start_time": format_timestamp(info.start_time),
            "end_time": format_timestamp(info.end_time),
            "duration": format_duration(info.start_time, info.end_time),
            "artifact_uri": info.artifact_uri,
        },
    )
    _echo_section("Params", run.data.params)
    _echo_section("Metrics (latest)", {k: _format_number(v) for k, v in run.data.metrics.items()})
    _echo_section("Tags", run.data.tags)


@runs.command("delete")
@run_id_option
@tracking_uri_option
def delete(run_id: str, tracking_uri: str | None) -> None:
    """Mark a run deleted; 'restore' brings it back."""
    get_client(tracking_uri).delete_run(run_id)
    click.echo(f"Run with id {run_id} has been deleted.")


@runs.command("restore")
@run_id_option
@tracking_uri_option
def restore(run_id: str, tracking_uri: str | None) -> None:
    """Restore a deleted run."""
    get_client(tracking_uri).restore_run(run_id)
    click.echo(f"Run with id {run_id} has been restored.")


def _echo_section(title: str | None, values: Mapping[str, Any]) -> None:
    """A titled block of ``key  value`` lines, keys sorted and aligned; ``(none)`` when empty."""
    if title is not None:
        click.echo(f"\n{title}:")
    if not values:
        click.echo("  (none)")
        return
    keys = sorted(values) if title is not None else list(values)
    width = max(len(k) for k in keys)
    for key in keys:
        value = str(values[key]).replace("\n", "\n" + " " * (width + 4))
        click.echo(f"  {key.ljust(width)}  {value}")


def _format_number(value: float) -> str:
    return repr(value) if isinstance(value, float) else str(value)
