"""Server information and the web UI's extra endpoint (downsampled long metric histories)."""

from __future__ import annotations

from typing import Any

from weir.exceptions import InvalidParameterValue
from weir.server.config import ServerContext
from weir.server.handlers.metrics import sampled_history
from weir.server.request import Request
from weir.server.routing import Router

DOWNSAMPLED_DEFAULT_POINTS = 1000
DOWNSAMPLED_MAX_POINTS = 20000


def server_info(ctx: ServerContext, req: Request) -> dict[str, Any]:
    """What the MLflow 3 client asks before it downloads artifacts (no secrets, no addresses)."""
    store = type(ctx.store).__name__
    return {
        "store_type": "SqlStore" if "Sql" in store or "Postgres" in store else store,
        "workspaces_enabled": False,
        "trace_archival_enabled": False,
        "multipart_uploads_enabled": ctx.artifacts.supports_multipart,
        "multipart_downloads_enabled": False,
        "presigned_upload_run_id_supported": False,
        "presigned_upload_model_id_supported": False,
        "features_enabled": {"gateway": False},
    }


def downsampled_metric(ctx: ServerContext, req: Request) -> dict[str, Any]:
    """``run_id``, ``metric_key``, ``max_points``: at most max_points points spread over the steps,
    always keeping the first and last step and the minimum and maximum values."""
    run_id = req.run_id()
    key = req.string("metric_key", required=True)
    max_points = req.integer("max_points", DOWNSAMPLED_DEFAULT_POINTS)
    if not 2 <= max_points <= DOWNSAMPLED_MAX_POINTS:
        raise InvalidParameterValue(
            f"max_points must be between 2 and {DOWNSAMPLED_MAX_POINTS}, got {max_points}."
        )
    points = sampled_history(
        ctx, [run_id], key, max_points, req.integer("start_step"), req.integer("end_step")
    )
    for point in points:
        point.pop("run_id", None)
    return {"run_id": run_id, "metric_key": key, "metrics": points}


def register(router: Router) -> None:
    for base in ("/api/3.0/mlflow/server-info", "/ajax-api/3.0/mlflow/server-info"):
        router.add("GET", base, server_info, inline=True)
    router.add("GET", "/ajax-api/2.0/weir/metrics/downsampled", downsampled_metric)
    router.add("GET", "/api/2.0/weir/metrics/downsampled", downsampled_metric)
