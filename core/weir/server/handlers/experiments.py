"""mlflow/experiments/*: create, get, get-by-name, search, update, delete, restore, tags."""

from __future__ import annotations

from typing import Any

from weir.entities import RunTag
from weir.exceptions import ResourceDoesNotExist
from weir.server import protojson
from weir.server.config import ServerContext
from weir.server.handlers._common import page, required_key, tags_of, view_type
from weir.server.request import Request
from weir.server.routing import Router


def create_experiment(ctx: ServerContext, req: Request) -> dict[str, Any]:
    name = req.string("name", required=True)
    experiment_id = ctx.store.create_experiment(name, req.string("artifact_location") or None, tags_of(req))
    return {"experiment_id": experiment_id}


def get_experiment(ctx: ServerContext, req: Request) -> dict[str, Any]:
    experiment = ctx.store.get_experiment(req.string("experiment_id", required=True))
    return {"experiment": protojson.experiment(experiment)}


def get_experiment_by_name(ctx: ServerContext, req: Request) -> dict[str, Any]:
    name = req.string("experiment_name", required=True)
    experiment = ctx.store.get_experiment_by_name(name)
    if experiment is None:
        raise ResourceDoesNotExist(f"Could not find experiment with name '{name}'")
    return {"experiment": protojson.experiment(experiment)}


def search_experiments(ctx: ServerContext, req: Request) -> dict[str, Any]:
    result = ctx.store.search_experiments(
        view_type=view_type(req, "view_type"),
        max_results=req.integer("max_results", 1000),
        filter_string=req.string("filter") or None,
        order_by=req.strings("order_by") or None,
        page_token=req.string("page_token") or None,
    )
    return page(list(result), result.token, "experiments", protojson.experiment)


def update_experiment(ctx: ServerContext, req: Request) -> dict[str, Any]:
    experiment_id = req.string("experiment_id", required=True)
    new_name = req.string("new_name")
    if new_name:
        ctx.store.rename_experiment(experiment_id, new_name)
    else:
        ctx.store.get_experiment(experiment_id)
    return {}


def delete_experiment(ctx: ServerContext, req: Request) -> dict[str, Any]:
    ctx.store.delete_experiment(req.string("experiment_id", required=True))
    return {}


def restore_experiment(ctx: ServerContext, req: Request) -> dict[str, Any]:
    ctx.store.restore_experiment(req.string("experiment_id", required=True))
    return {}


def set_experiment_tag(ctx: ServerContext, req: Request) -> dict[str, Any]:
    experiment_id = req.string("experiment_id", required=True)
    key = required_key(req)
    ctx.store.set_experiment_tag(
        experiment_id, RunTag(key, req.string("value", required=True, allow_empty=True))
    )
    return {}


def delete_experiment_tag(ctx: ServerContext, req: Request) -> dict[str, Any]:
    ctx.store.delete_experiment_tag(req.string("experiment_id", required=True), required_key(req))
    return {}


def register(router: Router) -> None:
    router.api("POST", "mlflow/experiments/create", create_experiment, inline=True)
    router.api("GET", "mlflow/experiments/get", get_experiment, inline=True)
    router.api("GET", "mlflow/experiments/get-by-name", get_experiment_by_name, inline=True)
    router.api(("GET", "POST"), "mlflow/experiments/search", search_experiments)
    router.api("POST", "mlflow/experiments/update", update_experiment)
    router.api("POST", "mlflow/experiments/delete", delete_experiment)
    router.api("POST", "mlflow/experiments/restore", restore_experiment)
    router.api("POST", "mlflow/experiments/set-experiment-tag", set_experiment_tag)
    router.api("POST", "mlflow/experiments/delete-experiment-tag", delete_experiment_tag)
