"""mlflow/metrics/*: metric history (paged), the sampled bulk-interval history and the UI's bulk history."""

from __future__ import annotations

from typing import Any

from weir.exceptions import InvalidParameterValue
from weir.server import protojson
from weir.server.config import ServerContext
from weir.server.request import Request
from weir.server.routing import Router

MAX_RUNS_PER_BULK_REQUEST = 100
BULK_INTERVAL_MAX_RESULTS = 2500
BULK_HISTORY_MAX_RESULTS = 25000


def get_metric_history(ctx: ServerContext, req: Request) -> dict[str, Any]:
    run_id = req.run_id()
    key = req.string("metric_key", required=True)
    max_results = req.integer("max_results")
    token = req.string("page_token") or None
    paged = getattr(ctx.store, "get_metric_history_page", None)
    if paged is not None and (max_results is not None or token):
        result = paged(run_id, key, max_results=max_results or 25000, page_token=token)
        points, next_token = list(result), result.token
    else:
        if token:
            raise InvalidParameterValue("This tracking store does not page metric histories.")
        points, next_token = ctx.store.get_metric_history(run_id, key), None
    body: dict[str, Any] = {}
    if points:
        body["metrics"] = [protojson.metric(p) for p in points]
    if next_token:
        body["next_page_token"] = next_token
    return body


def _run_ids(req: Request, name: str) -> list[str]:
    run_ids = req.strings(name)
    if not run_ids:
        raise InvalidParameterValue(f"GetMetricHistoryBulkInterval request must specify at least one {name}.")
    if len(run_ids) > MAX_RUNS_PER_BULK_REQUEST:
        raise InvalidParameterValue(
            f"GetMetricHistoryBulkInterval request cannot specify more than {MAX_RUNS_PER_BULK_REQUEST} run_ids. "
            f"Received {len(run_ids)} run_ids."
        )
    return run_ids


def sampled_history(
    ctx: ServerContext,
    run_ids: list[str],
    key: str,
    max_results: int,
    start_step: int | None = None,
    end_step: int | None = None,
) -> list[dict[str, Any]]:
    """Points of ``key`` per run, at most ``max_results`` each, sampled over steps keeping the extremes."""
    out: list[dict[str, Any]] = []
    if max_results >= 2 and _is_sqlite(ctx.store):  # index seeks instead of reading every point
        from weir.store.tracking.sqlite.sampling import sample_metric_history

        for run_id in run_ids:
            points = sample_metric_history(ctx.store, run_id, key, max_results, start_step, end_step)
            out.extend(protojson.metric(p, run_id) for p in points)
        return out
    sampler = getattr(ctx.store, "get_metric_history_bulk_interval", None)
    if sampler is not None:
        by_run = sampler(run_ids, key, max_results=max_results, start_step=start_step, end_step=end_step)
        for run_id in run_ids:
            out.extend(protojson.metric(p, run_id) for p in by_run.get(run_id, ()))
        return out
    for run_id in run_ids:  # a store without sampling: an even stride over the history
        points = [
            p
            for p in ctx.store.get_metric_history(run_id, key)
            if (start_step is None or p.step >= start_step) and (end_step is None or p.step <= end_step)
        ]
        if len(points) > max_results:
            stride = len(points) / max_results
            points = [points[int(i * stride)] for i in range(max_results)]
        out.extend(protojson.metric(p, run_id) for p in points)
    return out


def _is_sqlite(store: Any) -> bool:
    from weir.store.tracking.sqlite.store import SqliteTrackingStore

    return isinstance(store, SqliteTrackingStore)


def get_metric_history_bulk_interval(ctx: ServerContext, req: Request) -> dict[str, Any]:
    run_ids = _run_ids(req, "run_ids")
    key = req.string("metric_key", required=True)
    max_results = req.integer("max_results", BULK_INTERVAL_MAX_RESULTS)
    if not 1 <= max_results <= BULK_INTERVAL_MAX_RESULTS:
        raise InvalidParameterValue(
            f"max_results must be between 1 and {BULK_INTERVAL_MAX_RESULTS}, got {max_results}."
        )
    start_step, end_step = req.integer("start_step"), req.integer("end_step")
    if (start_step is None) != (end_step is None):
        raise InvalidParameterValue("If either start step or end step are specified, both must be specified.")
    if start_step is not None and end_step is not None and start_step > end_step:
        raise InvalidParameterValue("end_step must be greater than start_step. ")
    metrics = sampled_history(ctx, run_ids, key, max_results, start_step, end_step)
    return {"metrics": metrics} if metrics else {}


def get_metric_history_bulk(ctx: ServerContext, req: Request) -> dict[str, Any]:
    """The UI's (ajax-only) bulk history: every point of each run, at most max_results in total per run."""
    run_ids = _run_ids(req, "run_id")
    key = req.string("metric_key", required=True)
    max_results = req.integer("max_results", BULK_HISTORY_MAX_RESULTS)
    if not 1 <= max_results <= BULK_HISTORY_MAX_RESULTS:
        raise InvalidParameterValue(f"max_results must be between 1 and {BULK_HISTORY_MAX_RESULTS}.")
    metrics = []
    for run_id in run_ids:
        points = ctx.store.get_metric_history(run_id, key)[:max_results]
        metrics.extend(protojson.metric(p, run_id) for p in points)
    return {"metrics": metrics} if metrics else {}


def register(router: Router) -> None:
    router.api("GET", "mlflow/metrics/get-history", get_metric_history)
    router.api("GET", "mlflow/metrics/get-history-bulk-interval", get_metric_history_bulk_interval)
    router.add("GET", "/ajax-api/2.0/mlflow/metrics/get-history-bulk", get_metric_history_bulk)
