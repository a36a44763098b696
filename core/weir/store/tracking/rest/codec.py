"""Proto-JSON (MLflow's REST shapes) <-> weir entities, for the REST store.

Decoding is lenient the way proto-JSON readers are: int64 values may come as numbers or strings,
doubles may be ``"NaN"``/``"Infinity"``, empty fields may be missing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from weir.entities import (
    Experiment,
    Metric,
    ModelVersion,
    ModelVersionStageTransition,
    Param,
    RegisteredModel,
    Run,
    RunData,
    RunInfo,
    RunInputs,
    RunTag,
)
from weir.entities.logged_model import LoggedModel, LoggedModelStatus

_SPECIAL_DOUBLES = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return int(value)


def _double(value: Any) -> float:
    if isinstance(value, str):
        special = _SPECIAL_DOUBLES.get(value)
        return special if special is not None else float(value)
    return float(value)


def encode_double(value: float) -> float | str:
    """JSON numbers for finite values, proto-JSON strings for NaN and infinities."""
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def _pairs(items: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    return {item["key"]: item.get("value", "") for item in items or ()}


def tag_list(tags: Iterable[RunTag | Param] | None) -> list[dict[str, str]]:
    return [{"key": tag.key, "value": tag.value} for tag in tags or ()]


def metric_json(metric: Metric) -> dict[str, Any]:
    return {
        "key": metric.key,
        "value": encode_double(float(metric.value)),
        "timestamp": int(metric.timestamp),
        "step": int(metric.step or 0),
    }


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _checked_point(metric: Metric) -> tuple[float, int, int]:
    """Value, timestamp and step, validated like the SQLite store does (bad input never leaves)."""
    from weir.store.tracking.sqlite import validation

    key = metric.key
    value = validation.metric_value(key, metric.value)
    timestamp = validation.metric_integer(key, "timestamp", metric.timestamp, nonnegative=True)
    step = validation.metric_integer(key, "step", metric.step if metric.step is not None else 0)
    return value, timestamp, step


def metrics_json(metrics: Sequence[Metric]) -> list[dict[str, Any]]:
    """Metric dicts for log-batch; invalid points raise INVALID_PARAMETER_VALUE before sending."""
    out = []
    append = out.append
    isfinite = math.isfinite
    for metric in metrics:
        value, timestamp, step = metric.value, metric.timestamp, metric.step
        if not (
            type(value) is float  # noqa: E721 - exact types: bool and str must take the slow path
            and type(timestamp) is int  # noqa: E721
            and type(step) is int  # noqa: E721
            and 0 <= timestamp <= _INT64_MAX
            and _INT64_MIN <= step <= _INT64_MAX
        ):
            value, timestamp, step = _checked_point(metric)
        append(
            {
                "key": metric.key,
                "value": value if isfinite(value) else encode_double(value),
                "timestamp": timestamp,
                "step": step,
            }
        )
    return out


def decode_experiment(data: Mapping[str, Any]) -> Experiment:
    return Experiment(
        experiment_id=str(data["experiment_id"]),
        name=data.get("name", ""),
        artifact_location=data.get("artifact_location", ""),
        lifecycle_stage=data.get("lifecycle_stage", "active"),
        tags=_pairs(data.get("tags")),
        creation_time=_int(data.get("creation_time")),
        last_update_time=_int(data.get("last_update_time")),
    )


def decode_run_info(data: Mapping[str, Any]) -> RunInfo:
    run_id = data.get("run_id") or data.get("run_uuid")
    return RunInfo(
        run_id=run_id,
        experiment_id=str(data.get("experiment_id", "")),
        run_name=data.get("run_name", ""),
        user_id=data.get("user_id", ""),
        status=data.get("status", "RUNNING"),
        start_time=_int(data.get("start_time")),
        end_time=_int(data.get("end_time")),
        artifact_uri=data.get("artifact_uri", ""),
        lifecycle_stage=data.get("lifecycle_stage", "active"),
    )


def decode_metric(data: Mapping[str, Any]) -> Metric:
    return Metric(
        data["key"],
        _double(data.get("value", 0.0)),
        _int(data.get("timestamp")) or 0,
        _int(data.get("step")) or 0,
    )


def decode_run(data: Mapping[str, Any]) -> Run:
    body = data.get("data") or {}
    metrics = {m["key"]: _double(m.get("value", 0.0)) for m in body.get("metrics") or ()}
    inputs = data.get("inputs") or {}
    return Run(
        decode_run_info(data.get("info") or {}),
        RunData(metrics=metrics, params=_pairs(body.get("params")), tags=_pairs(body.get("tags"))),
        RunInputs(list(inputs.get("dataset_inputs") or [])),
    )


def decode_model_version(data: Mapping[str, Any]) -> ModelVersion:
    return ModelVersion(
        name=data["name"],
        version=str(data["version"]),
        creation_timestamp=_int(data.get("creation_timestamp")) or 0,
        last_updated_timestamp=_int(data.get("last_updated_timestamp")),
        description=data.get("description"),
        user_id=data.get("user_id"),
        current_stage=data.get("current_stage", "None"),
        source=data.get("source"),
        run_id=data.get("run_id"),
        run_link=data.get("run_link"),
        status=data.get("status", "READY"),
        status_message=data.get("status_message"),
        tags=_pairs(data.get("tags")),
        aliases=list(data.get("aliases") or []),
    )


def decode_registered_model(data: Mapping[str, Any]) -> RegisteredModel:
    return RegisteredModel(
        name=data["name"],
        creation_timestamp=_int(data.get("creation_timestamp")),
        last_updated_timestamp=_int(data.get("last_updated_timestamp")),
        description=data.get("description"),
        latest_versions=[decode_model_version(v) for v in data.get("latest_versions") or ()],
        tags=_pairs(data.get("tags")),
        aliases={a["alias"]: str(a["version"]) for a in data.get("aliases") or ()},
        user_id=data.get("user_id"),
    )


def decode_logged_model(data: Mapping[str, Any]) -> LoggedModel:
    """An MLflow 3 logged model (``{"info": ..., "data": ...}``); metrics are left out."""
    info, values = data.get("info") or {}, data.get("data") or {}
    return LoggedModel(
        model_id=info["model_id"],
        experiment_id=str(info.get("experiment_id", "")),
        name=info.get("name") or "",
        artifact_location=info.get("artifact_uri") or "",
        creation_timestamp=_int(info.get("creation_timestamp_ms")),
        last_updated_timestamp=_int(info.get("last_updated_timestamp_ms")),
        status=LoggedModelStatus.validate(info.get("status") or "LOGGED_MODEL_PENDING"),
        status_message=info.get("status_message"),
        model_type=info.get("model_type"),
        source_run_id=info.get("source_run_id"),
        tags=_pairs(info.get("tags")),
        params=_pairs(values.get("params")),
    )


def decode_stage_transition(data: Mapping[str, Any]) -> ModelVersionStageTransition:
    return ModelVersionStageTransition(
        name=data["name"],
        version=str(data["version"]),
        from_stage=data.get("from_stage", "None"),
        to_stage=data.get("to_stage", "None"),
        user_id=data.get("user_id"),
        timestamp=_int(data.get("timestamp")) or 0,
    )
