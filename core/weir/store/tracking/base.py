"""The tracking-store interface. Every back end (SQLite, PostgreSQL, REST) implements it.

Stores are synchronous and durable: when a method returns, the data is stored. Batching of
metric calls happens above the store (``weir.tracking.batching``), which calls ``log_batch``.
Errors are ``weir.exceptions.WeirException`` with MLflow's error codes.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence

from weir.entities import Experiment, Metric, PagedList, Param, Run, RunInfo, RunTag, ViewType

SEARCH_MAX_RESULTS_DEFAULT = 1000
SEARCH_MAX_RESULTS_THRESHOLD = 50000


class AbstractTrackingStore(abc.ABC):
    # --- experiments -------------------------------------------------------------------------
    @abc.abstractmethod
    def create_experiment(
        self, name: str, artifact_location: str | None = None, tags: Sequence[RunTag] | None = None
    ) -> str:
        """Create an experiment and return its id. A taken name raises RESOURCE_ALREADY_EXISTS."""

    @abc.abstractmethod
    def get_experiment(self, experiment_id: str) -> Experiment:
        """An unknown id raises RESOURCE_DOES_NOT_EXIST."""

    @abc.abstractmethod
    def get_experiment_by_name(self, name: str) -> Experiment | None:
        """Active or deleted experiment with that name, or None."""

    @abc.abstractmethod
    def search_experiments(
        self,
        view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        filter_string: str | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Experiment]: ...

    @abc.abstractmethod
    def delete_experiment(self, experiment_id: str) -> None:
        """Soft delete: the experiment and its runs move to lifecycle stage ``deleted``."""

    @abc.abstractmethod
    def restore_experiment(self, experiment_id: str) -> None: ...

    @abc.abstractmethod
    def rename_experiment(self, experiment_id: str, new_name: str) -> None: ...

    @abc.abstractmethod
    def set_experiment_tag(self, experiment_id: str, tag: RunTag) -> None: ...

    # --- runs --------------------------------------------------------------------------------
    @abc.abstractmethod
    def create_run(
        self,
        experiment_id: str,
        user_id: str,
        start_time: int,
        tags: Sequence[RunTag],
        run_name: str | None,
    ) -> Run:
        """Create a RUNNING run. ``run_name`` None means generate one; it is stored as tag mlflow.runName too."""

    @abc.abstractmethod
    def get_run(self, run_id: str) -> Run:
        """An unknown id raises RESOURCE_DOES_NOT_EXIST naming the id."""

    @abc.abstractmethod
    def update_run_info(
        self, run_id: str, run_status: str | None, end_time: int | None, run_name: str | None
    ) -> RunInfo: ...

    @abc.abstractmethod
    def delete_run(self, run_id: str) -> None: ...

    @abc.abstractmethod
    def restore_run(self, run_id: str) -> None: ...

    @abc.abstractmethod
    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
    ) -> None:
        """Store all of it in one transaction, or none of it.

        A param whose key already holds a different value raises INVALID_PARAMETER_VALUE naming
        the key; the same value again is fine. Logging to a deleted or unknown run is an error.
        """

    def log_metric(self, run_id: str, metric: Metric) -> None:
        self.log_batch(run_id, metrics=[metric])

    def log_param(self, run_id: str, param: Param) -> None:
        self.log_batch(run_id, params=[param])

    def set_tag(self, run_id: str, tag: RunTag) -> None:
        self.log_batch(run_id, tags=[tag])

    @abc.abstractmethod
    def delete_tag(self, run_id: str, key: str) -> None:
        """A missing key raises RESOURCE_DOES_NOT_EXIST."""

    @abc.abstractmethod
    def get_metric_history(self, run_id: str, metric_key: str) -> list[Metric]:
        """Every point of the metric, ordered by step then timestamp."""

    @abc.abstractmethod
    def search_runs(
        self,
        experiment_ids: Sequence[str],
        filter_string: str = "",
        run_view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Run]:
        """MLflow's filter language, evaluated by the back end (SQL), with paging tokens."""

    def close(self) -> None:  # noqa: B027 - optional hook, a no-op for stores without connections
        """Release connections. Safe to call twice."""
