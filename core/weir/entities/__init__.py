"""weir's entities: small immutable value classes shared by the stores, the client and the server."""

from weir.entities.enums import LifecycleStage, RunStatus, ViewType
from weir.entities.paged_list import PagedList
from weir.entities.registry import (
    ModelVersion,
    ModelVersionStages,
    ModelVersionStageTransition,
    RegisteredModel,
    RegisteredModelAlias,
)
from weir.entities.tracking import (
    Experiment,
    ExperimentTag,
    FileInfo,
    Metric,
    Param,
    Run,
    RunData,
    RunInfo,
    RunInputs,
    RunTag,
)

__all__ = [
    "Experiment",
    "ExperimentTag",
    "FileInfo",
    "LifecycleStage",
    "Metric",
    "ModelVersion",
    "ModelVersionStageTransition",
    "ModelVersionStages",
    "PagedList",
    "Param",
    "RegisteredModel",
    "RegisteredModelAlias",
    "Run",
    "RunData",
    "RunInfo",
    "RunInputs",
    "RunStatus",
    "RunTag",
    "ViewType",
]
