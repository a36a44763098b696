"""mlflow/logged-models/*: the MLflow 3 logged-model calls made inside log_model and load_model."""

from __future__ import annotations

from typing import Any

from weir.exceptions import InvalidParameterValue, WeirException
from weir.server import protojson
from weir.server.config import ServerContext
from weir.server.handlers._common import page
from weir.server.request import Request, missing
from weir.server.routing import Router


def _store(ctx: ServerContext) -> Any:
    if not hasattr(ctx.store, "create_logged_model"):
        raise WeirException(
            f"The tracking store {type(ctx.store).__name__} does not support logged models.",
            "NOT_IMPLEMENTED",
        )
    return ctx.store


def _pairs(req: Request, name: str) -> list[dict[str, Any]]:
    items = req.objects(name)
    for item in items:
        if item.get("key") is None:
            raise missing(f"{name}.key")
    return items


def create_logged_model(ctx: ServerContext, req: Request) -> dict[str, Any]:
    model = _store(ctx).create_logged_model(
        experiment_id=req.string("experiment_id", required=True),
        name=req.string("name") or None,
        source_run_id=req.string("source_run_id") or None,
        tags=_pairs(req, "tags"),
        params=_pairs(req, "params"),
        model_type=req.string("model_type") or None,
    )
    return {"model": protojson.logged_model(model)}


def search_logged_models(ctx: ServerContext, req: Request) -> dict[str, Any]:
    datasets = req.objects("datasets")
    order_by = (
        req.objects("order_by") if isinstance(req.body.get("order_by"), list) else req.strings("order_by")
    )
    result = _store(ctx).search_logged_models(
        experiment_ids=req.strings("experiment_ids"),
        filter_string=req.string("filter") or None,
        datasets=datasets or None,
        max_results=req.integer("max_results"),
        order_by=order_by or None,
        page_token=req.string("page_token") or None,
    )
    return page(list(result), result.token, "models", protojson.logged_model)


def _split(req: Request) -> tuple[str, str]:
    model_id, _, rest = req.path_params["tail"].partition("/")
    if not model_id:
        raise InvalidParameterValue("The URL names no logged model id.")
    return model_id, rest


def _not_found(req: Request) -> WeirException:
    return WeirException(f"No API endpoint at {req.path} for {req.method}.", "ENDPOINT_NOT_FOUND")


def get_dispatch(ctx: ServerContext, req: Request) -> dict[str, Any]:
    model_id, rest = _split(req)
    if rest == "":
        return {"model": protojson.logged_model(_store(ctx).get_logged_model(model_id))}
    if rest == "artifacts/directories":
        from weir.server.handlers.artifacts import list_uri

        model = _store(ctx).get_logged_model(model_id)
        files = list_uri(ctx, model.artifact_location, req.string("artifact_directory_path"))
        body: dict[str, Any] = {"root_uri": model.artifact_location}
        if files:
            body["files"] = files
        return body
    raise _not_found(req)


def patch_dispatch(ctx: ServerContext, req: Request) -> dict[str, Any]:
    model_id, rest = _split(req)
    store = _store(ctx)
    if rest == "":
        status = req.raw("status")
        if req.string("status") is None:
            raise missing("status")
        return {"model": protojson.logged_model(store.finalize_logged_model(model_id, status))}
    if rest == "tags":
        store.set_logged_model_tags(model_id, _pairs(req, "tags"))
        return {"model": protojson.logged_model(store.get_logged_model(model_id))}
    raise _not_found(req)


def delete_dispatch(ctx: ServerContext, req: Request) -> dict[str, Any]:
    model_id, rest = _split(req)
    if rest == "":
        _store(ctx).delete_logged_model(model_id)
        return {}
    if rest.startswith("tags/") and len(rest) > len("tags/"):
        _store(ctx).delete_logged_model_tag(model_id, rest[len("tags/") :])
        return {}
    raise _not_found(req)


def post_dispatch(ctx: ServerContext, req: Request) -> dict[str, Any]:
    model_id, rest = _split(req)
    if rest == "params":
        _store(ctx).log_logged_model_params(model_id, _pairs(req, "params"))
        return {}
    raise _not_found(req)


def register(router: Router) -> None:
    router.api("POST", "mlflow/logged-models", create_logged_model)
    router.api("POST", "mlflow/logged-models/search", search_logged_models)
    for base in ("/api/2.0/", "/ajax-api/2.0/"):
        prefix = base + "mlflow/logged-models/"
        router.add("GET", prefix, get_dispatch, prefix=True)
        router.add("PATCH", prefix, patch_dispatch, prefix=True)
        router.add("DELETE", prefix, delete_dispatch, prefix=True)
        router.add("POST", prefix, post_dispatch, prefix=True)
