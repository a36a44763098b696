"""Entities in MLflow's proto-JSON shapes: snake_case names, unset fields left out, enums by name,
int64 as plain numbers, non-finite doubles as the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"``."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from weir.entities import Experiment, FileInfo, Metric, Run, RunInfo
from weir.entities.registry import ModelVersion, RegisteredModel

_INFINITIES = (math.inf, -math.inf)
_MODEL_ID_SOURCE = re.compile(r"^models:/(m-[0-9a-f]{32})(?:/|$)")


def double(value: float | None) -> float | str | None:
    if value is None or math.isfinite(value):
        return value
    if value != value:
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def compact(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Drop unset (None) fields and empty lists, as proto-JSON does."""
    return {k: val for k, val in fields.items() if val is not None and val != []}


def key_values(items: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return [{"key": k, "value": val} for k, val in (items or {}).items()]


def experiment(exp: Experiment) -> dict[str, Any]:
    return compact(
        {
            "experiment_id": exp.experiment_id,
            "name": exp.name,
            "artifact_location": exp.artifact_location,
            "lifecycle_stage": exp.lifecycle_stage,
            "last_update_time": exp.last_update_time,
            "creation_time": exp.creation_time,
            "tags": key_values(exp.tags),
        }
    )


_RUN_INFO_FIELDS = (
    "run_id",
    "run_uuid",
    "run_name",
    "experiment_id",
    "user_id",
    "status",
    "start_time",
    "end_time",
    "artifact_uri",
    "lifecycle_stage",
)


def _state(entity: Any, fields: Sequence[str]) -> list[Any]:
    """Field values, read from the instance dict (property access dominates encoding big pages)."""
    state = getattr(entity, "__dict__", None)
    if state is not None:
        try:
            return [state["_" + name] for name in fields]
        except KeyError:
            pass
    return [getattr(entity, name) for name in fields]


def run_info(info: RunInfo) -> dict[str, Any]:
    values = _state(info, _RUN_INFO_FIELDS)
    values[1] = values[0]
    if None in values:
        return {k: val for k, val in zip(_RUN_INFO_FIELDS, values, strict=True) if val is not None}
    return dict(zip(_RUN_INFO_FIELDS, values, strict=True))


def run(entity: Run, links: Mapping[str, list] | None = None) -> dict[str, Any]:
    """``links`` are the run's inputs and outputs (``dataset_inputs``, ``model_inputs``, ``model_outputs``)."""
    info, data = _state(entity, ("info", "data"))
    metrics, params, tags = _state(data, ("metrics", "params", "tags"))
    body_data: dict[str, Any] = {}
    if metrics:
        body_data["metrics"] = [
            {"key": k, "value": val if val == val and val not in _INFINITIES else double(val)}
            for k, val in metrics.items()
        ]
    if params:
        body_data["params"] = [{"key": k, "value": val} for k, val in params.items()]
    if tags:
        body_data["tags"] = [{"key": k, "value": val} for k, val in tags.items()]
    body: dict[str, Any] = {"info": run_info(info), "data": body_data, "inputs": {}}
    if links:
        body["inputs"] = compact(
            {"dataset_inputs": links.get("dataset_inputs"), "model_inputs": links.get("model_inputs")}
        )
        if links.get("model_outputs"):
            body["outputs"] = {"model_outputs": links["model_outputs"]}
    return body


def metric(point: Metric, run_id: str | None = None) -> dict[str, Any]:
    body = {"key": point.key, "value": double(point.value), "timestamp": point.timestamp, "step": point.step}
    if run_id is not None:
        body["run_id"] = run_id
    return body


def file_info(info: FileInfo, path: str | None = None) -> dict[str, Any]:
    return compact(
        {"path": info.path if path is None else path, "is_dir": info.is_dir, "file_size": info.file_size}
    )


def model_id_of_source(source: str | None) -> str | None:
    """The logged model id of a ``models:/m-<id>`` version source, else None."""
    match = _MODEL_ID_SOURCE.match(source or "")
    return match.group(1) if match else None


def model_version(version: ModelVersion) -> dict[str, Any]:
    return compact(
        {
            "name": version.name,
            "version": version.version,
            "creation_timestamp": version.creation_timestamp,
            "last_updated_timestamp": version.last_updated_timestamp,
            "user_id": version.user_id,
            "current_stage": version.current_stage,
            "description": version.description,
            "source": version.source,
            "run_id": version.run_id,
            "status": version.status,
            "status_message": version.status_message,
            "tags": key_values(version.tags),
            "run_link": version.run_link,
            "aliases": list(version.aliases),
            "model_id": model_id_of_source(version.source),
        }
    )


def registered_model(model: RegisteredModel) -> dict[str, Any]:
    return compact(
        {
            "name": model.name,
            "creation_timestamp": model.creation_timestamp,
            "last_updated_timestamp": model.last_updated_timestamp,
            "user_id": model.user_id,
            "description": model.description,
            "latest_versions": [model_version(v) for v in model.latest_versions],
            "tags": key_values(model.tags),
            "aliases": [{"alias": a, "version": ver} for a, ver in model.aliases.items()],
        }
    )


def logged_model(model: Any, registrations: Sequence[Mapping[str, str]] = ()) -> dict[str, Any]:
    from weir.entities.logged_model import LoggedModelStatus

    info = compact(
        {
            "model_id": model.model_id,
            "experiment_id": model.experiment_id,
            "name": model.name,
            "creation_timestamp_ms": model.creation_timestamp,
            "last_updated_timestamp_ms": model.last_updated_timestamp,
            "artifact_uri": model.artifact_location,
            "status": LoggedModelStatus.to_proto(model.status),
            "model_type": model.model_type,
            "source_run_id": model.source_run_id,
            "status_message": model.status_message,
            "tags": key_values(model.tags),
            "registrations": [dict(r) for r in registrations],
        }
    )
    data = compact(
        {
            "params": key_values(model.params),
            "metrics": [
                compact(
                    {
                        "key": m.key,
                        "value": double(m.value),
                        "timestamp": m.timestamp,
                        "step": m.step,
                        "run_id": m.run_id,
                        "dataset_name": m.dataset_name,
                        "dataset_digest": m.dataset_digest,
                        "model_id": m.model_id,
                    }
                )
                for m in model.metrics
            ],
        }
    )
    return {"info": info, "data": data}
