"""``weir experiments``: create, list, delete, restore and rename experiments."""

from __future__ import annotations

import click

from weir.cli._output import (
    collect_pages,
    echo_json,
    echo_table,
    experiment_sort_key,
    get_client,
    json_option,
    max_results_option,
    tracking_uri_option,
    view_option,
    view_type,
)

experiment_id_option = click.option(
    "--experiment-id", "-x", required=True, metavar="ID", help="ID of the experiment."
)


class _AliasedGroup(click.Group):
    """A group where ``search`` also names ``list`` (MLflow calls the command ``search``)."""

    aliases = {"search": "list"}

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, self.aliases.get(cmd_name, cmd_name))

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name, command, rest = super().resolve_command(ctx, args)
        return (command.name if command is not None else name), command, rest


@click.group("experiments", cls=_AliasedGroup)
def experiments() -> None:
    """Manage experiments ('search' is an alias of 'list')."""


@experiments.command("create")
@click.option("--experiment-name", "-n", required=True, metavar="NAME", help="Name of the new experiment.")
@click.option(
    "--artifact-location",
    "-l",
    default=None,
    metavar="URI",
    help="Where runs of this experiment store artifacts (default: chosen by the store).",
)
@tracking_uri_option
@json_option
def create(
    experiment_name: str, artifact_location: str | None, tracking_uri: str | None, as_json: bool
) -> None:
    """Create an experiment and print its id."""
    experiment_id = get_client(tracking_uri).create_experiment(
        experiment_name, artifact_location=artifact_location
    )
    if as_json:
        echo_json({"experiment_id": experiment_id, "name": experiment_name})
    else:
        click.echo(f"Created experiment '{experiment_name}' with id {experiment_id}")


@experiments.command("list")
@view_option
@max_results_option
@click.option(
    "--filter", "filter_string", default=None, metavar="FILTER", help="e.g. \"name LIKE 'prod-%'\"."
)
@click.option(
    "--order-by",
    multiple=True,
    metavar="CLAUSE",
    help="e.g. 'name ASC' or 'creation_time DESC'; repeatable (default: by id).",
)
@tracking_uri_option
@json_option
def list_experiments(
    view: str,
    max_results: int | None,
    filter_string: str | None,
    order_by: tuple[str, ...],
    tracking_uri: str | None,
    as_json: bool,
) -> None:
    """List experiments."""
    client = get_client(tracking_uri)
    found = collect_pages(
        lambda token, size: client.search_experiments(
            view_type=view_type(view),
            max_results=size,
            filter_string=filter_string,
            order_by=list(order_by) or None,
            page_token=token,
        ),
        max_results,
    )
    if not order_by:
        found.sort(key=lambda e: experiment_sort_key(e.experiment_id))
    if as_json:
        echo_json([dict(e) for e in found])
        return
    echo_table(
        [[e.experiment_id, e.name, e.lifecycle_stage, e.artifact_location] for e in found],
        headers=["Experiment Id", "Name", "Lifecycle Stage", "Artifact Location"],
    )


@experiments.command("delete")
@experiment_id_option
@tracking_uri_option
def delete(experiment_id: str, tracking_uri: str | None) -> None:
    """Mark an experiment deleted; 'restore' brings it back."""
    get_client(tracking_uri).delete_experiment(experiment_id)
    click.echo(f"Experiment with id {experiment_id} has been deleted.")


@experiments.command("restore")
@experiment_id_option
@tracking_uri_option
def restore(experiment_id: str, tracking_uri: str | None) -> None:
    """Restore a deleted experiment."""
    get_client(tracking_uri).restore_experiment(experiment_id)
    click.echo(f"Experiment with id {experiment_id} has been restored.")


@experiments.command("rename")
@experiment_id_option
@click.option("--new-name", required=True, metavar="NAME", help="The experiment's new name.")
@tracking_uri_option
def rename(experiment_id: str, new_name: str, tracking_uri: str | None) -> None:
    """Rename an experiment."""
    get_client(tracking_uri).rename_experiment(experiment_id, new_name)
    click.echo(f"Experiment with id {experiment_id} has been renamed to '{new_name}'.")
