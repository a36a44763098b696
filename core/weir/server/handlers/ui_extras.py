"""Endpoints only the web UI needs, beyond MLflow's REST API: a model version's stage history."""

from __future__ import annotations

from typing import Any

from weir.exceptions import WeirException
from weir.server.config import ServerContext
from weir.server.request import Request
from weir.server.routing import Router

STAGE_HISTORY_PATH = "weir/model-versions/stage-history"


def stage_history(ctx: ServerContext, req: Request) -> dict[str, Any]:
    """``name`` (required) and ``version`` (optional: the whole model's history without it):
    ``{"transitions": [{name, version, from_stage, to_stage, user_id, timestamp}, ...]}``, oldest first."""
    name = req.string("name", required=True)
    version = req.string("version") or None
    history = getattr(ctx.store, "get_model_version_stage_history", None)
    if history is None:
        raise WeirException(
            f"The backend store {type(ctx.store).__name__} does not record model version stage history.",
            "NOT_IMPLEMENTED",
        )
    transitions = []
    for transition in history(name, version):
        item = {key: value for key, value in dict(transition).items() if value is not None}
        transitions.append(item)
    return {"transitions": transitions} if transitions else {}


def register(router: Router) -> None:
    router.api("GET", STAGE_HISTORY_PATH, stage_history)
