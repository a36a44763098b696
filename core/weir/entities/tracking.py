"""Tracking entities: experiments, runs and what is logged to them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from weir.entities._base import Entity, entity


@entity
class Metric(Entity):
    _fields = ("key", "value", "timestamp", "step")

    def __init__(self, key: str, value: float, timestamp: int, step: int = 0) -> None:
        self._init(key=key, value=value, timestamp=timestamp, step=step)


@entity
class Param(Entity):
    _fields = ("key", "value")

    def __init__(self, key: str, value: str) -> None:
        self._init(key=key, value=value)


@entity
class RunTag(Entity):
    _fields = ("key", "value")

    def __init__(self, key: str, value: str) -> None:
        self._init(key=key, value=value)


ExperimentTag = RunTag


@entity
class FileInfo(Entity):
    _fields = ("path", "is_dir", "file_size")

    def __init__(self, path: str, is_dir: bool, file_size: int | None = None) -> None:
        self._init(path=path, is_dir=is_dir, file_size=file_size)


@entity
class Experiment(Entity):
    _fields = (
        "experiment_id",
        "name",
        "artifact_location",
        "lifecycle_stage",
        "tags",
        "creation_time",
        "last_update_time",
    )

    def __init__(
        self,
        experiment_id: str,
        name: str,
        artifact_location: str,
        lifecycle_stage: str,
        tags: Mapping[str, str] | None = None,
        creation_time: int | None = None,
        last_update_time: int | None = None,
    ) -> None:
        self._init(
            experiment_id=str(experiment_id),
            name=name,
            artifact_location=artifact_location,
            lifecycle_stage=lifecycle_stage,
            tags=dict(tags or {}),
            creation_time=creation_time,
            last_update_time=last_update_time,
        )


@entity
class RunInfo(Entity):
    _fields = (
        "run_id",
        "run_uuid",
        "experiment_id",
        "run_name",
        "user_id",
        "status",
        "start_time",
        "end_time",
        "artifact_uri",
        "lifecycle_stage",
    )

    def __init__(
        self,
        run_id: str,
        experiment_id: str,
        run_name: str,
        user_id: str,
        status: str,
        start_time: int | None,
        end_time: int | None,
        artifact_uri: str,
        lifecycle_stage: str,
    ) -> None:
        self._init(
            run_id=run_id,
            run_uuid=run_id,
            experiment_id=str(experiment_id),
            run_name=run_name,
            user_id=user_id,
            status=status,
            start_time=start_time,
            end_time=end_time,
            artifact_uri=artifact_uri,
            lifecycle_stage=lifecycle_stage,
        )


@entity
class RunData(Entity):
    """``metrics`` holds the latest value per key; ``params`` and ``tags`` are str -> str."""

    _fields = ("metrics", "params", "tags")

    def __init__(
        self,
        metrics: Mapping[str, float] | None = None,
        params: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        self._init(metrics=dict(metrics or {}), params=dict(params or {}), tags=dict(tags or {}))


@entity
class RunInputs(Entity):
    _fields = ("dataset_inputs",)

    def __init__(self, dataset_inputs: list[Any] | None = None) -> None:
        self._init(dataset_inputs=list(dataset_inputs or []))


@entity
class Run(Entity):
    _fields = ("info", "data", "inputs")

    def __init__(self, info: RunInfo, data: RunData, inputs: RunInputs | None = None) -> None:
        self._init(info=info, data=data, inputs=inputs or RunInputs())

    def to_dictionary(self) -> dict[str, Any]:
        return {"info": dict(self.info), "data": dict(self.data)}
