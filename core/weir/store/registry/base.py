"""The model-registry store interface (MLflow's registry operations, stages, aliases, stage history).

Versions are passed as ``str | int`` and returned as strings in entities. Errors are
``WeirException`` with MLflow's codes: unknown model/version/alias -> RESOURCE_DOES_NOT_EXIST,
taken name -> RESOURCE_ALREADY_EXISTS, bad input -> INVALID_PARAMETER_VALUE.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence

from weir.entities import (
    ModelVersion,
    ModelVersionStageTransition,
    PagedList,
    RegisteredModel,
    RunTag,
)

SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT = 100
SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD = 1000
SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT = 10000
SEARCH_MODEL_VERSION_MAX_RESULTS_THRESHOLD = 200000


class AbstractRegistryStore(abc.ABC):
    # --- registered models ------------------------------------------------------------------
    @abc.abstractmethod
    def create_registered_model(
        self, name: str, tags: Sequence[RunTag] | None = None, description: str | None = None
    ) -> RegisteredModel: ...

    @abc.abstractmethod
    def get_registered_model(self, name: str) -> RegisteredModel: ...

    @abc.abstractmethod
    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel: ...

    @abc.abstractmethod
    def update_registered_model(self, name: str, description: str | None) -> RegisteredModel: ...

    @abc.abstractmethod
    def delete_registered_model(self, name: str) -> None:
        """Deletes the model with its versions, tags, aliases and stage history."""

    @abc.abstractmethod
    def set_registered_model_tag(self, name: str, tag: RunTag) -> None: ...

    @abc.abstractmethod
    def delete_registered_model_tag(self, name: str, key: str) -> None: ...

    @abc.abstractmethod
    def search_registered_models(
        self,
        filter_string: str | None = None,
        max_results: int = SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[RegisteredModel]: ...

    # --- model versions ----------------------------------------------------------------------
    @abc.abstractmethod
    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        tags: Sequence[RunTag] | None = None,
        run_link: str | None = None,
        description: str | None = None,
        user_id: str | None = None,
    ) -> ModelVersion:
        """Versions are numbered 1, 2, 3... per model; numbers are never reused after deletes."""

    @abc.abstractmethod
    def get_model_version(self, name: str, version: str | int) -> ModelVersion: ...

    @abc.abstractmethod
    def update_model_version(
        self, name: str, version: str | int, description: str | None
    ) -> ModelVersion: ...

    @abc.abstractmethod
    def delete_model_version(self, name: str, version: str | int) -> None:
        """Also drops the version's aliases; its stage history is kept."""

    @abc.abstractmethod
    def set_model_version_tag(self, name: str, version: str | int, tag: RunTag) -> None: ...

    @abc.abstractmethod
    def delete_model_version_tag(self, name: str, version: str | int, key: str) -> None: ...

    @abc.abstractmethod
    def search_model_versions(
        self,
        filter_string: str | None = None,
        max_results: int = SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[ModelVersion]: ...

    @abc.abstractmethod
    def get_model_version_download_uri(self, name: str, version: str | int) -> str:
        """The version's ``source``."""

    # --- stages ------------------------------------------------------------------------------
    @abc.abstractmethod
    def get_latest_versions(self, name: str, stages: Sequence[str] | None = None) -> list[ModelVersion]:
        """The newest version in each stage (every stage when ``stages`` is None or empty)."""

    @abc.abstractmethod
    def transition_model_version_stage(
        self,
        name: str,
        version: str | int,
        stage: str,
        archive_existing_versions: bool = False,
        user_id: str | None = None,
    ) -> ModelVersion: ...

    @abc.abstractmethod
    def get_model_version_stage_history(
        self, name: str, version: str | int | None = None
    ) -> list[ModelVersionStageTransition]:
        """Transitions oldest first, for one version or the whole model."""

    @abc.abstractmethod
    def get_model_version_in_stage_at(self, name: str, stage: str, timestamp: int) -> str | None:
        """The version (newest, if several) that was in ``stage`` at ``timestamp`` (ms), or None."""

    # --- aliases -----------------------------------------------------------------------------
    @abc.abstractmethod
    def set_registered_model_alias(self, name: str, alias: str, version: str | int) -> None: ...

    @abc.abstractmethod
    def delete_registered_model_alias(self, name: str, alias: str) -> None: ...

    @abc.abstractmethod
    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion: ...
