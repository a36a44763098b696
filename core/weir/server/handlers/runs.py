"""mlflow/runs/*: create, get, update, delete, restore, search, logging, log-model, inputs and outputs."""

from __future__ import annotations

import json
import time
from typing import Any

from weir.entities import Metric, Param, RunTag
from weir.exceptions import InvalidParameterValue
from weir.server import protojson
from weir.server.config import ServerContext
from weir.server.handlers._common import page, required_key, tags_of, view_type
from weir.server.request import Request, missing, to_double
from weir.server.routing import Router

MAX_BATCH_LOG_REQUEST_SIZE = 1_000_000
LOG_MODEL_HISTORY_TAG = "mlflow.log-model.history"
RUN_NAME_TAG = "mlflow.runName"


def run_links(ctx: ServerContext, run_id: str) -> dict[str, list] | None:
    getter = getattr(ctx.store, "get_run_links", None)
    return getter(run_id) if getter is not None else None


def create_run(ctx: ServerContext, req: Request) -> dict[str, Any]:
    tags = tags_of(req)
    run_name = req.string("run_name") or None
    if run_name is None:
        run_name = next((t.value for t in tags if t.key == RUN_NAME_TAG and t.value), None)
    start_time = req.integer("start_time")
    run = ctx.store.create_run(
        experiment_id=req.string("experiment_id") or "0",
        user_id=req.string("user_id") or "",
        start_time=start_time if start_time is not None else int(time.time() * 1000),
        tags=tags,
        run_name=run_name,
    )
    return {"run": protojson.run(run)}


def get_run(ctx: ServerContext, req: Request) -> dict[str, Any]:
    run_id = req.run_id()
    run = ctx.store.get_run(run_id)
    return {"run": protojson.run(run, run_links(ctx, run_id))}


def update_run(ctx: ServerContext, req: Request) -> dict[str, Any]:
    info = ctx.store.update_run_info(
        req.run_id(), req.string("status") or None, req.integer("end_time"), req.string("run_name") or None
    )
    return {"run_info": protojson.run_info(info)}


def delete_run(ctx: ServerContext, req: Request) -> dict[str, Any]:
    ctx.store.delete_run(req.run_id())
    return {}


def restore_run(ctx: ServerContext, req: Request) -> dict[str, Any]:
    ctx.store.restore_run(req.run_id())
    return {}


def search_runs(ctx: ServerContext, req: Request) -> dict[str, Any]:
    result = ctx.store.search_runs(
        experiment_ids=req.strings("experiment_ids"),
        filter_string=req.string("filter") or "",
        run_view_type=view_type(req, "run_view_type"),
        max_results=req.integer("max_results", 1000),
        order_by=req.strings("order_by") or None,
        page_token=req.string("page_token") or None,
    )
    return page(list(result), result.token, "runs", protojson.run)


def _metric(item: dict[str, Any], where: str) -> Metric:
    key = item.get("key")
    if key is None:
        raise missing(f"{where}key")
    if item.get("value") is None:
        raise missing(f"{where}value")
    timestamp = item.get("timestamp")
    if timestamp is None:
        raise missing(f"{where}timestamp")
    step = item.get("step")
    try:
        timestamp = int(timestamp)
        step = int(step) if step is not None else 0
    except (TypeError, ValueError):
        raise InvalidParameterValue(
            f"Invalid timestamp {timestamp!r} or step {step!r} for metric {key!r}: expected integers."
        ) from None
    return Metric(key, to_double(f"{where}value", item["value"]), timestamp, step)


def _model_metrics(run_id: str, items: list[dict[str, Any]], metrics: list[Metric]) -> list[Any]:
    from weir.entities.logged_model import LoggedModelMetric

    return [
        LoggedModelMetric(
            m.key,
            m.value,
            m.timestamp,
            m.step,
            run_id,
            item.get("dataset_name"),
            item.get("dataset_digest"),
            item["model_id"],
        )
        for item, m in zip(items, metrics, strict=True)
        if item.get("model_id")
    ]


def _attach_to_models(ctx: ServerContext, model_metrics: list[Any]) -> None:
    if model_metrics:
        logger = getattr(ctx.store, "log_logged_model_metrics", None)
        if logger is not None:
            logger(model_metrics)


def log_metric(ctx: ServerContext, req: Request) -> dict[str, Any]:
    run_id = req.run_id()
    fields = ("key", "value", "timestamp", "step", "model_id", "dataset_name", "dataset_digest")
    item = req.body if req.body else {k: req.string(k) for k in fields if req.string(k) is not None}
    metric = _metric(item, "")
    ctx.store.log_batch(run_id, metrics=[metric])
    if item.get("model_id"):
        _attach_to_models(ctx, _model_metrics(run_id, [item], [metric]))
    return {}


def log_param(ctx: ServerContext, req: Request) -> dict[str, Any]:
    key = required_key(req)
    value = req.string("value", required=True, allow_empty=True)
    ctx.store.log_batch(req.run_id(), params=[Param(key, value)])
    return {}


def set_tag(ctx: ServerContext, req: Request) -> dict[str, Any]:
    key = required_key(req)
    value = req.string("value", required=True, allow_empty=True)
    ctx.store.log_batch(req.run_id(), tags=[RunTag(key, value)])
    return {}


def delete_tag(ctx: ServerContext, req: Request) -> dict[str, Any]:
    ctx.store.delete_tag(req.run_id(), required_key(req))
    return {}


def _key_values(items: list[dict[str, Any]], kind: str, cls: type) -> list[Any]:
    out = []
    for item in items:
        key, value = item.get("key"), item.get("value")
        if key is None:
            raise missing(f"{kind}.key")
        if value is None:
            raise missing(f"{kind}.value")
        out.append(cls(key, value if isinstance(value, str) else str(value)))
    return out


def log_batch(ctx: ServerContext, req: Request) -> dict[str, Any]:
    run_id = req.run_id()
    metric_items = req.objects("metrics")
    metrics = [_metric(item, "metrics.") for item in metric_items]
    params = _key_values(req.objects("params"), "params", Param)
    tags = _key_values(req.objects("tags"), "tags", RunTag)
    keys = [p.key for p in params]
    if len(keys) != len(set(keys)):
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        raise InvalidParameterValue(
            f"Duplicate parameter keys have been submitted: {duplicates}. Please ensure the request contains only "
            "one param value per param key."
        )
    ctx.store.log_batch(run_id, metrics=metrics, params=params, tags=tags)
    _attach_to_models(ctx, _model_metrics(run_id, metric_items, metrics))
    return {}


def log_model(ctx: ServerContext, req: Request) -> dict[str, Any]:
    """MLflow 2's log-model: append the model's metadata to the run's mlflow.log-model.history tag."""
    run_id = req.run_id()
    model_json = req.string("model_json", required=True)
    try:
        model = json.loads(model_json)
    except ValueError:
        raise InvalidParameterValue(
            f"Malformed model info. \n {model_json} \n is not a valid JSON."
        ) from None
    missing_fields = [f for f in ("artifact_path", "flavors", "utc_time_created", "run_id") if f not in model]
    if not isinstance(model, dict) or missing_fields:
        raise InvalidParameterValue(f"Model json is missing mandatory fields: {missing_fields}")
    run = ctx.store.get_run(run_id)
    try:
        history = json.loads(run.data.tags.get(LOG_MODEL_HISTORY_TAG, "[]"))
        if not isinstance(history, list):
            history = []
    except ValueError:
        history = []
    history.append(model)
    ctx.store.log_batch(run_id, tags=[RunTag(LOG_MODEL_HISTORY_TAG, json.dumps(history))])
    return {}


def log_inputs(ctx: ServerContext, req: Request) -> dict[str, Any]:
    run_id = req.run_id()
    datasets = req.objects("datasets")
    models = [(item.get("model_id"), 0) for item in req.objects("models")]
    if any(not model_id for model_id, _ in models):
        raise missing("models.model_id")
    if datasets and hasattr(ctx.store, "log_dataset_inputs"):
        ctx.store.log_dataset_inputs(run_id, datasets)
    elif not models:
        ctx.store.get_run(run_id)  # an unknown run is still an error when the inputs are not kept
    if models and hasattr(ctx.store, "log_run_model_links"):
        ctx.store.log_run_model_links(run_id, "input", models)
    return {}


def log_outputs(ctx: ServerContext, req: Request) -> dict[str, Any]:
    run_id = req.run_id()
    models = []
    for item in req.objects("models"):
        if not item.get("model_id"):
            raise missing("models.model_id")
        try:
            models.append((item["model_id"], int(item.get("step") or 0)))
        except (TypeError, ValueError):
            raise InvalidParameterValue(
                f"Invalid step {item.get('step')!r} for model {item['model_id']!r}."
            ) from None
    if hasattr(ctx.store, "log_run_model_links"):
        ctx.store.log_run_model_links(run_id, "output", models)
    else:
        ctx.store.get_run(run_id)
    return {}


def register(router: Router) -> None:
    router.api("POST", "mlflow/runs/create", create_run, inline=True)
    router.api("GET", "mlflow/runs/get", get_run, inline=True)
    router.api("POST", "mlflow/runs/update", update_run, inline=True)
    router.api("POST", "mlflow/runs/delete", delete_run)
    router.api("POST", "mlflow/runs/restore", restore_run)
    router.api(("POST", "GET"), "mlflow/runs/search", search_runs)
    router.api("POST", "mlflow/runs/log-metric", log_metric, inline=True)
    router.api("POST", "mlflow/runs/log-parameter", log_param, inline=True)
    router.api("POST", "mlflow/runs/set-tag", set_tag, inline=True)
    router.api("POST", "mlflow/runs/delete-tag", delete_tag, inline=True)
    router.api("POST", "mlflow/runs/log-batch", log_batch, inline=True, max_body=MAX_BATCH_LOG_REQUEST_SIZE)
    router.api("POST", "mlflow/runs/log-model", log_model)
    router.api("POST", "mlflow/runs/log-inputs", log_inputs)
    router.api("POST", "mlflow/runs/outputs", log_outputs)
