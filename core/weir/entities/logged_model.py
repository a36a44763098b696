"""MLflow 3's LoggedModel: a model logged from a run, stored under its experiment's artifact root."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from weir.entities._base import Entity, entity


class LoggedModelStatus:
    """Python-side names; the REST/proto names carry the ``LOGGED_MODEL_`` prefix."""

    PENDING = "PENDING"
    READY = "READY"
    FAILED = "FAILED"

    _TO_PROTO = {
        PENDING: "LOGGED_MODEL_PENDING",
        READY: "LOGGED_MODEL_READY",
        FAILED: "LOGGED_MODEL_UPLOAD_FAILED",
    }
    _NUMBERS = {1: PENDING, 2: READY, 3: FAILED}

    @classmethod
    def to_proto(cls, status: str) -> str:
        return cls._TO_PROTO[status]

    @classmethod
    def validate(cls, status: Any) -> str:
        """Accepts ``READY``, ``LOGGED_MODEL_READY``, ``UPLOAD_FAILED`` or the proto numbers 1-3."""
        if isinstance(status, int) and not isinstance(status, bool) and status in cls._NUMBERS:
            return cls._NUMBERS[status]
        if isinstance(status, str):
            name = status.strip().upper()
            name = name.removeprefix("LOGGED_MODEL_")
            if name == "UPLOAD_FAILED":
                name = cls.FAILED
            if name in cls._TO_PROTO:
                return name
        from weir.exceptions import InvalidParameterValue

        raise InvalidParameterValue(
            f"Invalid logged model status {status!r}; expected LOGGED_MODEL_PENDING, LOGGED_MODEL_READY "
            "or LOGGED_MODEL_UPLOAD_FAILED"
        )


@entity
class LoggedModelMetric(Entity):
    """A metric point attached to a logged model (logged with ``model_id``)."""

    _fields = ("key", "value", "timestamp", "step", "run_id", "dataset_name", "dataset_digest", "model_id")

    def __init__(
        self,
        key: str,
        value: float,
        timestamp: int,
        step: int,
        run_id: str | None = None,
        dataset_name: str | None = None,
        dataset_digest: str | None = None,
        model_id: str | None = None,
    ) -> None:
        self._init(
            key=key,
            value=value,
            timestamp=timestamp,
            step=step,
            run_id=run_id,
            dataset_name=dataset_name,
            dataset_digest=dataset_digest,
            model_id=model_id,
        )


@entity
class LoggedModel(Entity):
    """``artifact_location`` is ``<experiment artifact root>/models/<model_id>/artifacts``."""

    _fields = (
        "model_id",
        "experiment_id",
        "name",
        "artifact_location",
        "creation_timestamp",
        "last_updated_timestamp",
        "status",
        "status_message",
        "model_type",
        "source_run_id",
        "tags",
        "params",
        "metrics",
        "lifecycle_stage",
    )

    def __init__(
        self,
        model_id: str,
        experiment_id: str,
        name: str,
        artifact_location: str,
        creation_timestamp: int,
        last_updated_timestamp: int,
        status: str = LoggedModelStatus.PENDING,
        status_message: str | None = None,
        model_type: str | None = None,
        source_run_id: str | None = None,
        tags: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        metrics: Sequence[LoggedModelMetric] | None = None,
        lifecycle_stage: str = "active",
    ) -> None:
        self._init(
            model_id=model_id,
            experiment_id=str(experiment_id),
            name=name,
            artifact_location=artifact_location,
            creation_timestamp=creation_timestamp,
            last_updated_timestamp=last_updated_timestamp,
            status=status,
            status_message=status_message,
            model_type=model_type,
            source_run_id=source_run_id,
            tags=dict(tags or {}),
            params=dict(params or {}),
            metrics=list(metrics or []),
            lifecycle_stage=lifecycle_stage,
        )

    @property
    def model_uri(self) -> str:
        return f"models:/{self.model_id}"

    @property
    def artifact_uri(self) -> str:
        return self.artifact_location
