"""mlflow/registered-models/* and mlflow/model-versions/*: the model registry, stages and aliases."""

from __future__ import annotations

from typing import Any

from weir.entities import RunTag
from weir.server import protojson
from weir.server.config import ServerContext
from weir.server.handlers._common import page, required_key, tags_of
from weir.server.request import Request
from weir.server.routing import Router
from weir.store.registry.base import (
    SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT,
    SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT,
)


def _name(req: Request) -> str:
    return req.string("name", required=True)  # type: ignore[return-value]


def _version(req: Request) -> str:
    return req.string("version", required=True)  # type: ignore[return-value]


def _model(model: Any) -> dict[str, Any]:
    return {"registered_model": protojson.registered_model(model)}


def _mv(version: Any) -> dict[str, Any]:
    return {"model_version": protojson.model_version(version)}


# --- registered models -------------------------------------------------------------------------
def create_registered_model(ctx: ServerContext, req: Request) -> dict[str, Any]:
    return _model(ctx.store.create_registered_model(_name(req), tags_of(req), req.string("description")))


def get_registered_model(ctx: ServerContext, req: Request) -> dict[str, Any]:
    return _model(ctx.store.get_registered_model(_name(req)))


def rename_registered_model(ctx: ServerContext, req: Request) -> dict[str, Any]:
    return _model(ctx.store.rename_registered_model(_name(req), req.string("new_name", required=True)))


def update_registered_model(ctx: ServerContext, req: Request) -> dict[str, Any]:
    return _model(ctx.store.update_registered_model(_name(req), req.string("description")))


def delete_registered_model(ctx: ServerContext, req: Request) -> dict[str, Any]:
    ctx.store.delete_registered_model(_name(req))
    return {}


def search_registered_models(ctx: ServerContext, req: Request) -> dict[str, Any]:
    result = ctx.store.search_registered_models(
        filter_string=req.string("filter") or None,
        max_results=req.integer("max_results", SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT),
        order_by=req.strings("order_by") or None,
        page_token=req.string("page_token") or None,
    )
    return page(list(result), result.token, "registered_models", protojson.registered_model)


def get_latest_versions(ctx: ServerContext, req: Request) -> dict[str, Any]:
    versions = ctx.store.get_latest_versions(_name(req), req.strings("stages") or None)
    return {"model_versions": [protojson.model_version(v) for v in versions]} if versions else {}


def set_registered_model_tag(ctx: ServerContext, req: Request) -> dict[str, Any]:
    key = required_key(req)
    ctx.store.set_registered_model_tag(
        _name(req), RunTag(key, req.string("value", required=True, allow_empty=True))
    )
    return {}


def delete_registered_model_tag(ctx: ServerContext, req: Request) -> dict[str, Any]:
    ctx.store.delete_registered_model_tag(_name(req), required_key(req))
    return {}


def set_alias(ctx: ServerContext, req: Request) -> dict[str, Any]:
    ctx.store.set_registered_model_alias(_name(req), req.string("alias", required=True), _version(req))
    return {}


def delete_alias(ctx: ServerContext, req: Request) -> dict[str, Any]:
    ctx.store.delete_registered_model_alias(_name(req), req.string("alias", required=True))
    return {}


def get_by_alias(ctx: ServerContext, req: Request) -> dict[str, Any]:
    return _mv(ctx.store.get_model_version_by_alias(_name(req), req.string("alias", required=True)))


# --- model versions ----------------------------------------------------------------------------
def create_model_version(ctx: ServerContext, req: Request) -> dict[str, Any]:
    source = req.string("source", required=True)
    model_id = req.string("model_id")
    if model_id and not protojson.model_id_of_source(source):
        _logged_model(ctx, model_id)  # an unknown model id is an error, as in MLflow
    version = ctx.store.create_model_version(
        _name(req),
        source,
        run_id=req.string("run_id") or None,
        tags=tags_of(req),
        run_link=req.string("run_link") or None,
        description=req.string("description") or None,
    )
    return _mv(version)


def get_model_version(ctx: ServerContext, req: Request) -> dict[str, Any]:
    return _mv(ctx.store.get_model_version(_name(req), _version(req)))


def update_model_version(ctx: ServerContext, req: Request) -> dict[str, Any]:
    return _mv(ctx.store.update_model_version(_name(req), _version(req), req.string("description")))


def delete_model_version(ctx: ServerContext, req: Request) -> dict[str, Any]:
    ctx.store.delete_model_version(_name(req), _version(req))
    return {}


def transition_stage(ctx: ServerContext, req: Request) -> dict[str, Any]:
    version = ctx.store.transition_model_version_stage(
        _name(req),
        _version(req),
        req.string("stage", required=True),
        archive_existing_versions=req.boolean("archive_existing_versions", False),
    )
    return _mv(version)


def search_model_versions(ctx: ServerContext, req: Request) -> dict[str, Any]:
    result = ctx.store.search_model_versions(
        filter_string=req.string("filter") or None,
        max_results=req.integer("max_results", SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT),
        order_by=req.strings("order_by") or None,
        page_token=req.string("page_token") or None,
    )
    return page(list(result), result.token, "model_versions", protojson.model_version)


def _logged_model(ctx: ServerContext, model_id: str) -> Any:
    getter = getattr(ctx.store, "get_logged_model", None)
    if getter is None:
        from weir.exceptions import WeirException

        raise WeirException(
            f"The tracking store cannot resolve logged model {model_id!r}.", "NOT_IMPLEMENTED"
        )
    return getter(model_id)


def download_uri(ctx: ServerContext, name: str, version: str) -> str:
    """The version's source, except that a ``models:/m-<id>`` source resolves to that logged model's files."""
    source = ctx.store.get_model_version_download_uri(name, version)
    model_id = protojson.model_id_of_source(source)
    if model_id is None:
        return source
    location = _logged_model(ctx, model_id).artifact_location
    rest = source[len(f"models:/{model_id}") :].strip("/")
    return f"{location.rstrip('/')}/{rest}" if rest else location


def get_download_uri(ctx: ServerContext, req: Request) -> dict[str, Any]:
    return {"artifact_uri": download_uri(ctx, _name(req), _version(req))}


def set_model_version_tag(ctx: ServerContext, req: Request) -> dict[str, Any]:
    key = required_key(req)
    value = req.string("value", required=True, allow_empty=True)
    ctx.store.set_model_version_tag(_name(req), _version(req), RunTag(key, value))
    return {}


def delete_model_version_tag(ctx: ServerContext, req: Request) -> dict[str, Any]:
    ctx.store.delete_model_version_tag(_name(req), _version(req), required_key(req))
    return {}


def register(router: Router) -> None:
    rm = "mlflow/registered-models/"
    router.api("POST", rm + "create", create_registered_model)
    router.api("GET", rm + "get", get_registered_model)
    router.api("POST", rm + "rename", rename_registered_model)
    router.api("PATCH", rm + "update", update_registered_model)
    router.api("DELETE", rm + "delete", delete_registered_model)
    router.api("GET", rm + "search", search_registered_models)
    router.api(("POST", "GET"), rm + "get-latest-versions", get_latest_versions)
    router.api("POST", rm + "set-tag", set_registered_model_tag)
    router.api("DELETE", rm + "delete-tag", delete_registered_model_tag)
    router.api("POST", rm + "alias", set_alias)
    router.api("DELETE", rm + "alias", delete_alias)
    router.api("GET", rm + "alias", get_by_alias)
    mv = "mlflow/model-versions/"
    router.api("POST", mv + "create", create_model_version)
    router.api("GET", mv + "get", get_model_version)
    router.api("PATCH", mv + "update", update_model_version)
    router.api("DELETE", mv + "delete", delete_model_version)
    router.api("POST", mv + "transition-stage", transition_stage)
    router.api("GET", mv + "search", search_model_versions)
    router.api("GET", mv + "get-download-uri", get_download_uri)
    router.api("POST", mv + "set-tag", set_model_version_tag)
    router.api("DELETE", mv + "delete-tag", delete_model_version_tag)
