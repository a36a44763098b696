"""Which resource an API request targets and which permission it needs.

``rule_for(method, endpoint)`` returns a ``Rule``: the kind of target (experiment, run, model...),
where its id is read from, and the permission required (READ for gets/searches/downloads, EDIT
for logging/updates/uploads, MANAGE for deletes and permission changes). Endpoints are MLflow's
paths without the ``/api/2.0/`` or ``/ajax-api/2.0/`` prefix.
"""

from __future__ import annotations

from dataclasses import dataclass

from weir.server.auth.permissions import EDIT, MANAGE, READ

# kinds of target
EXPERIMENT = "experiment"  # field experiment_id
EXPERIMENT_NAME = "experiment_name"  # field experiment_name
EXPERIMENTS = "experiments"  # repeated field experiment_ids
RUN = "run"  # field run_id (or run_uuid)
RUNS = "runs"  # repeated field run_ids (or run_id)
MODEL = "model"  # field name (a registered model)
LOGGED_MODEL = "logged_model"  # model id in the path
ARTIFACT_PATH = "artifact_path"  # proxied artifact path: <experiment id>/...
AUTHENTICATED = "authenticated"  # any signed-in user
FILTER = "filter"  # any signed-in user; results filtered by READ
CREATE = "create"  # any signed-in user; the creator gets MANAGE


@dataclass(frozen=True)
class Rule:
    kind: str
    permission: str = READ


_M = "mlflow/"
RULES: dict[tuple[str, str], Rule] = {
    # experiments
    ("POST", _M + "experiments/create"): Rule(CREATE),
    ("GET", _M + "experiments/get"): Rule(EXPERIMENT, READ),
    ("GET", _M + "experiments/get-by-name"): Rule(EXPERIMENT_NAME, READ),
    ("GET", _M + "experiments/search"): Rule(FILTER),
    ("POST", _M + "experiments/search"): Rule(FILTER),
    ("POST", _M + "experiments/update"): Rule(EXPERIMENT, EDIT),
    ("POST", _M + "experiments/set-experiment-tag"): Rule(EXPERIMENT, EDIT),
    ("POST", _M + "experiments/delete-experiment-tag"): Rule(EXPERIMENT, EDIT),
    ("POST", _M + "experiments/delete"): Rule(EXPERIMENT, MANAGE),
    ("POST", _M + "experiments/restore"): Rule(EXPERIMENT, MANAGE),
    ("POST", _M + "experiments/search-datasets"): Rule(EXPERIMENTS, READ),
    # runs
    ("POST", _M + "runs/create"): Rule(EXPERIMENT, EDIT),
    ("GET", _M + "runs/get"): Rule(RUN, READ),
    ("POST", _M + "runs/update"): Rule(RUN, EDIT),
    ("POST", _M + "runs/delete"): Rule(RUN, MANAGE),
    ("POST", _M + "runs/restore"): Rule(RUN, MANAGE),
    ("POST", _M + "runs/search"): Rule(EXPERIMENTS, READ),
    ("POST", _M + "runs/log-metric"): Rule(RUN, EDIT),
    ("POST", _M + "runs/log-parameter"): Rule(RUN, EDIT),
    ("POST", _M + "runs/set-tag"): Rule(RUN, EDIT),
    ("POST", _M + "runs/delete-tag"): Rule(RUN, EDIT),
    ("POST", _M + "runs/log-batch"): Rule(RUN, EDIT),
    ("POST", _M + "runs/log-model"): Rule(RUN, EDIT),
    ("POST", _M + "runs/log-inputs"): Rule(RUN, EDIT),
    ("POST", _M + "runs/outputs"): Rule(RUN, EDIT),
    ("GET", _M + "metrics/get-history"): Rule(RUN, READ),
    ("GET", _M + "metrics/get-history-bulk-interval"): Rule(RUNS, READ),
    ("GET", _M + "metrics/get-history-bulk"): Rule(RUNS, READ),
    ("GET", _M + "artifacts/list"): Rule(RUN, READ),
    ("POST", _M + "artifacts/presigned-upload-url"): Rule(RUN, EDIT),
    ("POST", _M + "artifacts/presigned-download-url"): Rule(RUN, READ),
    # logged models (the id is in the path; handled by prefix below)
    ("POST", _M + "logged-models"): Rule(EXPERIMENT, EDIT),
    ("POST", _M + "logged-models/search"): Rule(EXPERIMENTS, READ),
    # registered models
    ("POST", _M + "registered-models/create"): Rule(CREATE),
    ("GET", _M + "registered-models/get"): Rule(MODEL, READ),
    ("POST", _M + "registered-models/rename"): Rule(MODEL, EDIT),
    ("PATCH", _M + "registered-models/update"): Rule(MODEL, EDIT),
    ("DELETE", _M + "registered-models/delete"): Rule(MODEL, MANAGE),
    ("GET", _M + "registered-models/search"): Rule(FILTER),
    ("GET", _M + "registered-models/get-latest-versions"): Rule(MODEL, READ),
    ("POST", _M + "registered-models/get-latest-versions"): Rule(MODEL, READ),
    ("POST", _M + "registered-models/set-tag"): Rule(MODEL, EDIT),
    ("DELETE", _M + "registered-models/delete-tag"): Rule(MODEL, EDIT),
    ("POST", _M + "registered-models/alias"): Rule(MODEL, EDIT),
    ("DELETE", _M + "registered-models/alias"): Rule(MODEL, EDIT),
    ("GET", _M + "registered-models/alias"): Rule(MODEL, READ),
    ("POST", _M + "model-versions/create"): Rule(MODEL, EDIT),
    ("GET", _M + "model-versions/get"): Rule(MODEL, READ),
    ("PATCH", _M + "model-versions/update"): Rule(MODEL, EDIT),
    ("POST", _M + "model-versions/transition-stage"): Rule(MODEL, EDIT),
    ("DELETE", _M + "model-versions/delete"): Rule(MODEL, MANAGE),
    ("GET", _M + "model-versions/search"): Rule(FILTER),
    ("GET", _M + "model-versions/get-download-uri"): Rule(MODEL, READ),
    ("POST", _M + "model-versions/set-tag"): Rule(MODEL, EDIT),
    ("DELETE", _M + "model-versions/delete-tag"): Rule(MODEL, EDIT),
    ("GET", "weir/model-versions/stage-history"): Rule(MODEL, READ),
    ("GET", _M + "server-info"): Rule(AUTHENTICATED),
}

_LOGGED_MODEL_PREFIX = _M + "logged-models/"
_ARTIFACTS_PREFIX = "mlflow-artifacts/"
_BY_METHOD = {"GET": READ, "HEAD": READ, "PUT": EDIT, "POST": EDIT, "PATCH": EDIT, "DELETE": MANAGE}


def rule_for(method: str, endpoint: str) -> Rule | None:
    """The rule for an API endpoint, or None when it is unknown (then only admins may call it)."""
    rule = RULES.get((method, endpoint))
    if rule is not None:
        return rule
    if endpoint.startswith(_LOGGED_MODEL_PREFIX):
        tail = endpoint[len(_LOGGED_MODEL_PREFIX) :]
        if "/tags" in tail or "/params" in tail:
            return Rule(LOGGED_MODEL, EDIT if method != "GET" else READ)
        return Rule(LOGGED_MODEL, _BY_METHOD.get(method, MANAGE))
    if endpoint.startswith(_ARTIFACTS_PREFIX):
        tail = endpoint[len(_ARTIFACTS_PREFIX) :]
        if tail.startswith("mpu/upload/"):  # the upload id, issued by a checked mpu/create, is the key
            return Rule(AUTHENTICATED)
        if tail.startswith("mpu/"):
            return Rule(ARTIFACT_PATH, EDIT)
        return Rule(ARTIFACT_PATH, _BY_METHOD.get(method, MANAGE))
    return None


def logged_model_id(endpoint: str) -> str:
    return endpoint[len(_LOGGED_MODEL_PREFIX) :].split("/", 1)[0]


def artifact_path(endpoint: str, query_path: str | None) -> str:
    """The artifact path below the proxy root that a mlflow-artifacts request touches."""
    tail = endpoint[len(_ARTIFACTS_PREFIX) :]
    if tail.startswith("mpu/"):
        parts = tail.split("/", 2)
        return parts[2] if len(parts) > 2 else query_path or ""
    for kind in ("artifacts", "presigned"):
        if tail == kind:
            return query_path or ""
        if tail.startswith(kind + "/"):
            return tail[len(kind) + 1 :]
    return ""
