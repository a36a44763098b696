"""``WeirClient`` (alias ``MlflowClient``): the lower-level CRUD interface to a tracking store.

Every method maps to one store operation. Metrics logged with ``synchronous=False`` go through
the same in-process buffer as the fluent API; every read flushes that buffer first, so reads
always see what was logged. Registry methods are added by ``weir.registry`` (a mixin), so this
is a plain class that subclasses can extend.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from weir.entities import Experiment, FileInfo, Metric, PagedList, Param, Run, RunStatus, RunTag, ViewType
from weir.exceptions import InvalidParameterValue, WeirException
from weir.registry.client import RegistryClientMixin
from weir.store.tracking.base import SEARCH_MAX_RESULTS_DEFAULT
from weir.tracking import artifact_helpers as helpers
from weir.tracking import batching, validation
from weir.tracking.background import wait_for_background_work
from weir.tracking.context import MLFLOW_LOGGED_ARTIFACTS, MLFLOW_LOGGED_IMAGES, current_user
from weir.tracking.uri import REGISTRY_URI_ENV_VARS, get_store, get_tracking_uri, normalize_store_uri


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class WeirClient(RegistryClientMixin):
    """A client bound to one tracking URI (default: the current one) and one registry URI."""

    def __init__(self, tracking_uri: str | None = None, registry_uri: str | None = None) -> None:
        from weir.tracking import uri as uri_module

        self._tracking_uri = tracking_uri or get_tracking_uri()
        self._registry_uri = (
            registry_uri
            or uri_module._registry_uri
            or uri_module._from_env(REGISTRY_URI_ENV_VARS)
            or self._tracking_uri
        )

    @property
    def tracking_uri(self) -> str:
        return self._tracking_uri

    @property
    def registry_uri(self) -> str:
        return self._registry_uri

    @property
    def store(self):
        return get_store(self._tracking_uri)

    # --- experiments ---------------------------------------------------------------------------
    def create_experiment(
        self, name: str, artifact_location: str | None = None, tags: dict[str, Any] | None = None
    ) -> str:
        """Create an experiment and return its id; a taken name raises RESOURCE_ALREADY_EXISTS."""
        if not isinstance(name, str) or not name.strip():
            raise InvalidParameterValue(f"Invalid experiment name {name!r}: it must be a non-empty string")
        tag_list = [RunTag(str(k), str(v)) for k, v in (tags or {}).items()]
        return str(self.store.create_experiment(name, artifact_location, tag_list))

    def get_experiment(self, experiment_id: str) -> Experiment:
        return self.store.get_experiment(str(experiment_id))

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        return self.store.get_experiment_by_name(name)

    def search_experiments(
        self,
        view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        filter_string: str | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Experiment]:
        return self.store.search_experiments(
            view_type=_view_type(view_type),
            max_results=max_results,
            filter_string=filter_string,
            order_by=list(order_by) if order_by else None,
            page_token=page_token,
        )

    def delete_experiment(self, experiment_id: str) -> None:
        self.store.delete_experiment(str(experiment_id))

    def restore_experiment(self, experiment_id: str) -> None:
        self.store.restore_experiment(str(experiment_id))

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        self.store.rename_experiment(str(experiment_id), new_name)

    def set_experiment_tag(self, experiment_id: str, key: str, value: Any) -> None:
        self.store.set_experiment_tag(str(experiment_id), RunTag(key, str(value)))

    # --- runs --------------------------------------------------------------------------------
    def create_run(
        self,
        experiment_id: str,
        start_time: int | None = None,
        tags: dict[str, Any] | None = None,
        run_name: str | None = None,
    ) -> Run:
        """Create a RUNNING run. Only the given tags are set (no system tags, as in MLflow)."""
        tag_list = [RunTag(k, validation.tag_value(k, v)) for k, v in (tags or {}).items()]
        user = (tags or {}).get("mlflow.user") or current_user()
        return self.store.create_run(
            experiment_id=str(experiment_id),
            user_id=str(user),
            start_time=_now_ms() if start_time is None else int(start_time),
            tags=tag_list,
            run_name=run_name,
        )

    def get_run(self, run_id: str) -> Run:
        batching.flush(raise_errors=False)
        return self.store.get_run(run_id)

    def get_parent_run(self, run_id: str) -> Run | None:
        parent_id = self.get_run(run_id).data.tags.get("mlflow.parentRunId")
        return self.get_run(parent_id) if parent_id else None

    def update_run(self, run_id: str, status: str | None = None, name: str | None = None) -> None:
        """Change a run's status and/or name (the end time is kept)."""
        run_status = RunStatus.validate(status) if status is not None else None
        current = self.store.get_run(run_id).info
        self.store.update_run_info(run_id, run_status or current.status, current.end_time, name)

    def set_terminated(
        self, run_id: str, status: str | None = "FINISHED", end_time: int | None = None
    ) -> None:
        """Mark a run as ended (FINISHED by default), after storing its buffered metrics."""
        status = RunStatus.validate(status or RunStatus.FINISHED)
        try:
            batching.flush()
        finally:
            self.store.update_run_info(run_id, status, _now_ms() if end_time is None else int(end_time), None)

    def delete_run(self, run_id: str) -> None:
        batching.flush(raise_errors=False)
        self.store.delete_run(run_id)

    def restore_run(self, run_id: str) -> None:
        self.store.restore_run(run_id)

    def search_runs(
        self,
        experiment_ids: str | Sequence[str],
        filter_string: str = "",
        run_view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Run]:
        """One page of runs matching MLflow's filter language; ``.token`` fetches the next page."""
        if isinstance(experiment_ids, (str, int)):
            experiment_ids = [experiment_ids]
        batching.flush(raise_errors=False)
        return self.store.search_runs(
            experiment_ids=[str(e) for e in experiment_ids],
            filter_string=filter_string or "",
            run_view_type=_view_type(run_view_type),
            max_results=max_results,
            order_by=list(order_by) if order_by else None,
            page_token=page_token,
        )

    # --- logging -------------------------------------------------------------------------------
    def log_param(self, run_id: str, key: str, value: Any, synchronous: bool | None = None) -> Any:
        """Log a param (stored as ``str(value)``); changing a logged value raises naming the key."""
        validation.validate_key("param", key)
        self.store.log_batch(run_id, params=[Param(key, validation.param_value(key, value))])
        return value

    def log_metric(
        self,
        run_id: str,
        key: str,
        value: Any,
        timestamp: int | None = None,
        step: int | None = None,
        synchronous: bool | None = None,
    ) -> None:
        """Log one metric point; a value that is not a real number raises here, naming key and value."""
        validation.validate_key("metric", key)
        number = validation.metric_value(key, value)
        timestamp = (
            _now_ms() if timestamp is None else validation.metric_int(key, "timestamp", timestamp, True)
        )
        step = 0 if step is None else validation.metric_int(key, "step", step)
        if synchronous is None:
            synchronous = not batching.async_logging_enabled()
        if synchronous:
            batching.flush()
            self.store.log_batch(run_id, metrics=[Metric(key, number, timestamp, step)])
        else:
            batching.get_writer().add(self.store, run_id, key, number, timestamp, step)

    def set_tag(self, run_id: str, key: str, value: Any, synchronous: bool | None = None) -> None:
        validation.validate_key("tag", key)
        self.store.log_batch(run_id, tags=[RunTag(key, validation.tag_value(key, value))])

    def delete_tag(self, run_id: str, key: str) -> None:
        self.store.delete_tag(run_id, key)

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
        synchronous: bool | None = True,
    ) -> None:
        """Log entities in as few store transactions as MLflow's batch limits allow."""
        metrics, params, tags = list(metrics), list(params), list(tags)
        for metric in metrics:
            validation.validate_key("metric", metric.key)
            validation.metric_value(metric.key, metric.value)
        if synchronous is False:
            writer = batching.get_writer()
            for m in metrics:
                writer.add(self.store, run_id, m.key, float(m.value), m.timestamp, m.step or 0)
            metrics = []
        elif metrics:
            batching.flush()  # buffered points of the same keys must be stored first
        store = self.store
        if (
            len(metrics) + len(params) + len(tags) <= validation.MAX_METRICS_PER_BATCH
            and max(len(params), len(tags)) <= validation.MAX_PARAMS_TAGS_PER_BATCH
        ):
            if metrics or params or tags:
                store.log_batch(run_id, metrics=metrics, params=params, tags=tags)
            return
        for chunk in _chunks(params, validation.MAX_PARAMS_TAGS_PER_BATCH):
            store.log_batch(run_id, params=chunk)
        for chunk in _chunks(tags, validation.MAX_PARAMS_TAGS_PER_BATCH):
            store.log_batch(run_id, tags=chunk)
        for chunk in _chunks(metrics, validation.MAX_METRICS_PER_BATCH):
            store.log_batch(run_id, metrics=chunk)

    def get_metric_history(self, run_id: str, key: str) -> list[Metric]:
        batching.flush(raise_errors=False)
        return self.store.get_metric_history(run_id, key)

    # --- artifacts -----------------------------------------------------------------------------
    def get_artifact_uri(self, run_id: str, artifact_path: str | None = None) -> str:
        from weir.store.artifacts.paths import validate_artifact_path

        root = self._artifact_root(run_id)
        relative = validate_artifact_path(artifact_path)
        return f"{root.rstrip('/')}/{relative}" if relative else root

    def _artifact_root(self, run_id: str) -> str:
        key = (normalize_store_uri(self._tracking_uri), run_id)
        root = _artifact_roots.get(key)
        if root is None:
            root = self.store.get_run(run_id).info.artifact_uri
            if len(_artifact_roots) > 10_000:
                _artifact_roots.clear()
            _artifact_roots[key] = root
        return root

    def _artifact_repo(self, run_id: str):
        from weir.store.factory import get_artifact_repository

        return get_artifact_repository(self._artifact_root(run_id))

    def log_artifact(self, run_id: str, local_path: str, artifact_path: str | None = None) -> None:
        """Upload a file (or a directory, as a folder of that name) under ``artifact_path``."""
        local_path = os.fspath(local_path)
        repo = self._artifact_repo(run_id)
        if os.path.isdir(local_path):
            name = os.path.basename(os.path.normpath(local_path))
            repo.log_artifacts(local_path, f"{artifact_path}/{name}" if artifact_path else name)
        elif os.path.isfile(local_path):
            repo.log_artifact(local_path, artifact_path)
        else:
            raise InvalidParameterValue(f"Cannot log artifact {local_path!r}: no such file or directory")

    def log_artifacts(self, run_id: str, local_dir: str, artifact_path: str | None = None) -> None:
        self._artifact_repo(run_id).log_artifacts(os.fspath(local_dir), artifact_path)

    def list_artifacts(self, run_id: str, path: str | None = None) -> list[FileInfo]:
        wait_for_background_work()  # artifacts plugins are still logging from a worker thread
        return self._artifact_repo(run_id).list_artifacts(path)

    def download_artifacts(self, run_id: str, path: str = "", dst_path: str | None = None) -> str:
        wait_for_background_work()
        return self._artifact_repo(run_id).download_artifacts(path, dst_path)

    @contextlib.contextmanager
    def _artifact_file(self, run_id: str, artifact_file: str) -> Iterator[str]:
        """Yield a local path to write; on success it is uploaded as ``artifact_file``."""
        directory, name = helpers.split_artifact_file(artifact_file)
        repo = self._artifact_repo(run_id)
        with tempfile.TemporaryDirectory(prefix="weir-artifact-") as tmp:
            local = os.path.join(tmp, name)
            yield local
            repo.log_artifact(local, directory)

    def log_text(self, run_id: str, text: str, artifact_file: str) -> None:
        with self._artifact_file(run_id, artifact_file) as local:
            helpers.write_text(local, text)

    def log_dict(self, run_id: str, dictionary: Any, artifact_file: str) -> None:
        """JSON, or YAML when ``artifact_file`` ends with .yaml/.yml."""
        with self._artifact_file(run_id, artifact_file) as local:
            helpers.write_dict(local, dictionary, artifact_file)

    def log_figure(
        self, run_id: str, figure: Any, artifact_file: str, *, save_kwargs: dict | None = None
    ) -> None:
        with self._artifact_file(run_id, artifact_file) as local:
            helpers.save_figure(local, figure, save_kwargs)

    def log_image(
        self,
        run_id: str,
        image: Any,
        artifact_file: str | None = None,
        key: str | None = None,
        step: int | None = None,
        timestamp: int | None = None,
        synchronous: bool | None = None,
    ) -> None:
        """Either ``artifact_file`` (a static image), or ``key``/``step`` (an image series under ``images/``)."""
        if artifact_file is not None and any(v is not None for v in (key, step, timestamp)):
            raise TypeError("log_image takes either artifact_file, or key with step/timestamp, not both")
        if artifact_file is None and key is None:
            raise TypeError("log_image needs artifact_file (a static image) or key (an image series)")
        pil_image = helpers.to_pil_image(image)
        if artifact_file is not None:
            with self._artifact_file(run_id, artifact_file) as local:
                pil_image.save(local)
            return
        full, compressed = helpers.image_step_files(
            key, int(step or 0), int(timestamp or _now_ms()), str(uuid.uuid4())
        )
        with self._artifact_file(run_id, full) as local:
            pil_image.save(local)
        with self._artifact_file(run_id, compressed) as local:
            helpers.compress_image(pil_image).save(local)
        self.set_tag(run_id, MLFLOW_LOGGED_IMAGES, "True")

    def log_table(self, run_id: str, data: Any, artifact_file: str) -> None:
        """A DataFrame or dict as JSON (pandas split orient) or parquet; appends to an existing table."""
        helpers.check_table_file(artifact_file)
        frame = helpers.table_to_dataframe(data)
        directory, _ = helpers.split_artifact_file(artifact_file)
        existing = [f.path for f in self.list_artifacts(run_id, directory) if not f.is_dir]
        normalized = helpers.validate_artifact_path(artifact_file)
        if normalized in existing:
            import pandas as pd

            with tempfile.TemporaryDirectory() as tmp:
                previous = helpers.read_table(self.download_artifacts(run_id, normalized, tmp))
            frame = pd.concat([previous, frame], ignore_index=True)
        with self._artifact_file(run_id, artifact_file) as local:
            helpers.write_table(local, frame)
        logged = json.loads(self.get_run(run_id).data.tags.get(MLFLOW_LOGGED_ARTIFACTS, "[]"))
        entry = {"path": normalized, "type": "table"}
        if entry not in logged:
            logged.append(entry)
            self.set_tag(run_id, MLFLOW_LOGGED_ARTIFACTS, json.dumps(logged))

    def load_table(
        self,
        experiment_id: str,
        artifact_file: str,
        run_ids: Sequence[str] | None = None,
        extra_columns: Sequence[str] | None = None,
    ) -> Any:
        """Concatenate the table ``artifact_file`` of every run (or of ``run_ids``) that logged it."""
        import pandas as pd

        helpers.check_table_file(artifact_file)
        normalized = helpers.validate_artifact_path(artifact_file)
        wanted = set(run_ids) if run_ids else None
        frames = []
        page_token = None
        while True:
            page = self.search_runs([experiment_id], max_results=50_000, page_token=page_token)
            for run in page:
                if wanted is not None and run.info.run_id not in wanted:
                    continue
                logged = json.loads(run.data.tags.get(MLFLOW_LOGGED_ARTIFACTS, "[]"))
                if {"path": normalized, "type": "table"} not in logged:
                    continue
                with tempfile.TemporaryDirectory() as tmp:
                    frame = helpers.read_table(self.download_artifacts(run.info.run_id, normalized, tmp))
                for column in extra_columns or ():
                    name = f"{column}_" if column in frame.columns else column
                    frame[name] = _run_column(run, column)
                frames.append(frame)
            page_token = page.token
            if not page_token:
                break
        if not frames:
            raise WeirException(
                f"No runs found with the table artifact {artifact_file!r} in experiment {experiment_id}",
                "RESOURCE_DOES_NOT_EXIST",
            )
        return pd.concat(frames, ignore_index=True)


def _run_column(run: Run, column: str) -> Any:
    if hasattr(run.info, column):
        return getattr(run.info, column)
    for prefix, values in (
        ("metrics.", run.data.metrics),
        ("params.", run.data.params),
        ("tags.", run.data.tags),
    ):
        if column.startswith(prefix):
            return values.get(column[len(prefix) :])
    raise InvalidParameterValue(
        f"Unknown extra column {column!r}: use a run attribute or metrics./params./tags. key"
    )


def _view_type(view_type: int | str) -> int:
    return ViewType.from_string(view_type) if isinstance(view_type, str) else int(view_type)


_artifact_roots: dict[tuple[str, str], str] = {}

MlflowClient = WeirClient
MLflowClient = WeirClient

__all__ = ["MLflowClient", "MlflowClient", "WeirClient"]
