"""The module-level tracking API (``weir.start_run``, ``weir.log_metric``...), MLflow's fluent API.

State: the active experiment is process-wide; the stack of active runs is per thread (as in
MLflow). Metrics are buffered and written in batches by ``weir.tracking.batching``; params and
tags are written at the call, so conflicts raise where they happen.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
import time
import warnings
from collections.abc import Sequence
from typing import Any

from weir.entities import Experiment, LifecycleStage, Metric, Param, Run, RunStatus, RunTag, ViewType
from weir.exceptions import InvalidParameterValue, WeirException
from weir.tracking import batching, validation
from weir.tracking.background import wait_for_background_work
from weir.tracking.client import WeirClient
from weir.tracking.context import MLFLOW_PARENT_RUN_ID, MLFLOW_RUN_NOTE, resolve_run_context_tags
from weir.tracking.uri import (
    get_registry_uri,
    get_store,
    get_tracking_uri,
    normalize_store_uri,
    set_registry_uri,
    set_tracking_uri,
)

__all__ = [
    "ActiveRun",
    "active_run",
    "create_experiment",
    "delete_experiment",
    "delete_run",
    "delete_tag",
    "end_run",
    "flush",
    "get_artifact_uri",
    "get_experiment",
    "get_experiment_by_name",
    "get_registry_uri",
    "get_run",
    "get_tracking_uri",
    "last_active_run",
    "load_table",
    "log_artifact",
    "log_artifacts",
    "log_dict",
    "log_figure",
    "log_image",
    "log_metric",
    "log_metrics",
    "log_param",
    "log_params",
    "log_table",
    "log_text",
    "restore_experiment",
    "search_experiments",
    "search_runs",
    "set_experiment",
    "set_experiment_tag",
    "set_experiment_tags",
    "set_registry_uri",
    "set_tag",
    "set_tags",
    "set_tracking_uri",
    "start_run",
]

EXPERIMENT_NAME_ENV_VARS = ("WEIR_EXPERIMENT_NAME", "MLFLOW_EXPERIMENT_NAME")
EXPERIMENT_ID_ENV_VARS = ("WEIR_EXPERIMENT_ID", "MLFLOW_EXPERIMENT_ID")
RUN_ID_ENV_VARS = ("WEIR_RUN_ID", "MLFLOW_RUN_ID")
DEFAULT_EXPERIMENT_ID = "0"
_PAGE_SIZE = 50_000

_thread_state = threading.local()
# (normalized tracking URI, experiment id) chosen by set_experiment; ignored under another URI
_active_experiment: tuple[str, str] | None = None
_writer = batching.get_writer()
_valid_keys = validation._valid_keys
_async_enabled = batching.async_logging_enabled
_time_ns = time.time_ns
_INT64 = 2**63


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _run_stack() -> list[ActiveRun]:
    stack = getattr(_thread_state, "stack", None)
    if stack is None:
        stack = _thread_state.stack = []
    return stack


class ActiveRun(Run):
    """The run returned by ``start_run``: a ``Run`` (as it was at start) and a context manager.

    Leaving the ``with`` block ends the run: FINISHED normally, FAILED on an exception (KILLED on
    KeyboardInterrupt); the exception propagates.
    """

    def __init__(self, run: Run, tracking_uri: str) -> None:
        Run.__init__(self, run.info, run.data, run.inputs)
        object.__setattr__(self, "_run_id", run.info.run_id)
        object.__setattr__(self, "_tracking_uri", tracking_uri)
        object.__setattr__(self, "_store", get_store(tracking_uri))

    def __enter__(self) -> ActiveRun:
        return self

    def __exit__(self, exc_type, exc_value, traceback) -> bool:
        if exc_type is None:
            status = RunStatus.FINISHED
        elif issubclass(exc_type, KeyboardInterrupt):
            status = RunStatus.KILLED
        else:
            status = RunStatus.FAILED
        stack = _run_stack()
        if any(r.info.run_id == self.info.run_id for r in stack):
            # end any nested run left open inside the block, then this one
            while stack and stack[-1].info.run_id != self.info.run_id:
                end_run(status)
            end_run(status)
        return False


def _client() -> WeirClient:
    return WeirClient()


def _run_client(run_id: str | None) -> tuple[WeirClient, str]:
    """The client and run id to log to: ``run_id`` on the current store, else the active run's."""
    if run_id is not None:
        return WeirClient(), run_id
    run = _get_or_start_run()
    return WeirClient(tracking_uri=run._tracking_uri), run.info.run_id


# --- experiments -------------------------------------------------------------------------------


def create_experiment(
    name: str, artifact_location: str | None = None, tags: dict[str, Any] | None = None
) -> str:
    """Create an experiment and return its id (a taken name raises RESOURCE_ALREADY_EXISTS)."""
    return _client().create_experiment(name, artifact_location, tags)


def set_experiment(experiment_name: str | None = None, experiment_id: str | None = None) -> Experiment:
    """Make an experiment the active one, creating it by name if it does not exist.

    Setting a deleted experiment is an error (restore it first), as in MLflow.
    """
    global _active_experiment
    if (experiment_name is None) == (experiment_id is None):
        raise InvalidParameterValue("Must specify exactly one of: `experiment_id` or `experiment_name`.")
    client = _client()
    if experiment_id is not None:
        experiment = client.get_experiment(str(experiment_id))
    else:
        experiment = client.get_experiment_by_name(experiment_name)
        if experiment is None:
            try:
                new_id = client.create_experiment(experiment_name)
            except WeirException as exc:
                # another process created it between our lookup and create
                if exc.error_code != "RESOURCE_ALREADY_EXISTS":
                    raise
                experiment = client.get_experiment_by_name(experiment_name)
            else:
                experiment = client.get_experiment(new_id)
    if experiment.lifecycle_stage == LifecycleStage.DELETED:
        raise InvalidParameterValue(
            f"Cannot set a deleted experiment {experiment.name!r} (id {experiment.experiment_id}) as the "
            "active experiment. Restore it with restore_experiment(), or use another name."
        )
    _active_experiment = (normalize_store_uri(get_tracking_uri()), experiment.experiment_id)
    return experiment


def _env(names: Sequence[str]) -> str | None:
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return None


def _explicit_experiment_id() -> str | None:
    if _active_experiment is not None and _active_experiment[0] == normalize_store_uri(get_tracking_uri()):
        return _active_experiment[1]
    return None


def _get_experiment_id() -> str:
    """set_experiment's choice, else WEIR_/MLFLOW_EXPERIMENT_NAME or _ID, else the Default experiment."""
    explicit = _explicit_experiment_id()
    if explicit is not None:
        return explicit
    name = _env(EXPERIMENT_NAME_ENV_VARS)
    if name:
        client = _client()
        experiment = client.get_experiment_by_name(name)
        if experiment is not None:
            return experiment.experiment_id
        try:
            return client.create_experiment(name)
        except WeirException as exc:
            if exc.error_code != "RESOURCE_ALREADY_EXISTS":
                raise
            return client.get_experiment_by_name(name).experiment_id
    experiment_id = _env(EXPERIMENT_ID_ENV_VARS)
    if experiment_id:
        return experiment_id
    return DEFAULT_EXPERIMENT_ID


def get_experiment(experiment_id: str) -> Experiment:
    return _client().get_experiment(experiment_id)


def get_experiment_by_name(name: str) -> Experiment | None:
    return _client().get_experiment_by_name(name)


def search_experiments(
    view_type: int = ViewType.ACTIVE_ONLY,
    max_results: int | None = None,
    filter_string: str | None = None,
    order_by: Sequence[str] | None = None,
) -> list[Experiment]:
    """All matching experiments (``max_results`` None means all), paging through the store."""
    client = _client()
    results: list[Experiment] = []
    token = None
    while True:
        wanted = _PAGE_SIZE if max_results is None else min(_PAGE_SIZE, max_results - len(results))
        if wanted <= 0:
            break
        page = client.search_experiments(view_type, wanted, filter_string, order_by, token)
        results.extend(page)
        token = page.token
        if not token:
            break
    return results


def delete_experiment(experiment_id: str) -> None:
    _client().delete_experiment(experiment_id)


def restore_experiment(experiment_id: str) -> None:
    _client().restore_experiment(experiment_id)


def set_experiment_tag(key: str, value: Any) -> None:
    """Tag the active experiment."""
    _client().set_experiment_tag(_get_experiment_id(), key, value)


def set_experiment_tags(tags: dict[str, Any]) -> None:
    client = _client()
    experiment_id = _get_experiment_id()
    for key, value in tags.items():
        client.set_experiment_tag(experiment_id, key, value)


# --- runs ----------------------------------------------------------------------------------------


def start_run(
    run_id: str | None = None,
    experiment_id: str | None = None,
    run_name: str | None = None,
    nested: bool = False,
    parent_run_id: str | None = None,
    tags: dict[str, Any] | None = None,
    description: str | None = None,
    log_system_metrics: bool | None = None,
) -> ActiveRun:
    """Start a new run, or resume ``run_id`` (also taken once from WEIR_/MLFLOW_RUN_ID).

    A run is already active and ``nested`` is False: error. Nested runs get the tag
    ``mlflow.parentRunId``; ``description`` becomes ``mlflow.note.content``.
    """
    stack = _run_stack()
    experiment_id = None if experiment_id is None else str(experiment_id)
    if stack and not nested:
        raise WeirException(
            f"Run with UUID {stack[0].info.run_id} is already active. To start a new run, first end the "
            "current run with end_run(). To start a nested run, call start_run with nested=True",
            "INVALID_STATE",
        )
    if log_system_metrics:
        warnings.warn(
            "weir does not log system metrics yet; log_system_metrics=True is ignored", stacklevel=2
        )
    user_tags = {str(k): v for k, v in (tags or {}).items()}
    if description:
        if MLFLOW_RUN_NOTE in user_tags:
            raise InvalidParameterValue(
                f"Description is already set via the tag {MLFLOW_RUN_NOTE} in tags. Remove the key "
                f"{MLFLOW_RUN_NOTE} from the tags or omit the description."
            )
        user_tags[MLFLOW_RUN_NOTE] = description
    tracking_uri = get_tracking_uri()
    client = WeirClient(tracking_uri=tracking_uri)

    existing_run_id = run_id
    if existing_run_id is None:
        for name in RUN_ID_ENV_VARS:  # consume every alias, so a nested start_run does not resume it again
            value = os.environ.pop(name, None)
            if value and existing_run_id is None:
                existing_run_id = value
    if existing_run_id:
        run = _resume_run(client, existing_run_id, experiment_id, run_name, user_tags)
    else:
        run = _create_run(client, stack, experiment_id, run_name, nested, parent_run_id, user_tags)
    active = ActiveRun(run, tracking_uri)
    stack.append(active)
    return active


def _resume_run(
    client: WeirClient, run_id: str, experiment_id: str | None, run_name: str | None, tags: dict[str, Any]
) -> Run:
    run = client.get_run(run_id)
    explicit = experiment_id or _explicit_experiment_id()
    if explicit is not None and explicit != run.info.experiment_id:
        raise InvalidParameterValue(
            f"Cannot start run with ID {run_id} because it belongs to experiment {run.info.experiment_id}, "
            f"not to the active experiment {explicit}."
        )
    if run.info.lifecycle_stage == LifecycleStage.DELETED:
        raise InvalidParameterValue(f"Cannot start run with ID {run_id} because it is in the deleted state.")
    client.store.update_run_info(run_id, RunStatus.RUNNING, run.info.end_time, run_name)
    if tags:
        client.log_batch(run_id, tags=[RunTag(k, validation.tag_value(k, v)) for k, v in tags.items()])
    return client.store.get_run(run_id)


def _create_run(
    client: WeirClient,
    stack: list[ActiveRun],
    experiment_id: str | None,
    run_name: str | None,
    nested: bool,
    parent_run_id: str | None,
    tags: dict[str, Any],
) -> Run:
    parent: ActiveRun | None = stack[-1] if stack else None
    if parent_run_id is not None:
        if parent is not None and parent.info.run_id != parent_run_id:
            raise InvalidParameterValue(
                f"Current run with UUID {parent.info.run_id} does not match the specified parent_run_id "
                f"{parent_run_id}. To start a new nested run under the parent run with UUID "
                f"{parent.info.run_id}, first end the current run with end_run()."
            )
        parent_run = client.get_run(parent_run_id)
        if parent_run.info.lifecycle_stage == LifecycleStage.DELETED:
            raise InvalidParameterValue(
                f"Cannot start run under parent run with ID {parent_run_id} because it is in the deleted state."
            )
    elif parent is not None:
        parent_run_id = parent.info.run_id
    if experiment_id is None:
        # a child goes where its parent is, unless told otherwise
        experiment_id = parent.info.experiment_id if nested and parent is not None else _get_experiment_id()
    if parent_run_id is not None:
        tags[MLFLOW_PARENT_RUN_ID] = parent_run_id
    if run_name:
        tags["mlflow.runName"] = run_name
    resolved = resolve_run_context_tags(tags)
    for key in resolved:
        validation.validate_key("tag", key)
    tag_list = [RunTag(k, validation.tag_value(k, v)) for k, v in resolved.items()]
    user = resolved.get("mlflow.user") or "unknown"
    return client.store.create_run(
        experiment_id=experiment_id, user_id=user, start_time=_now_ms(), tags=tag_list, run_name=run_name
    )


def end_run(status: str = "FINISHED") -> None:
    """End the active run (FINISHED by default) after storing its buffered metrics.

    Everything logged before ``end_run`` returns is stored. A metric write that failed raises
    here, after the run is ended. Artifacts that plugins log in the background (autolog's plots)
    may land just after; reading the run's artifacts in this process, ``flush()`` and interpreter
    exit wait for them (``weir.tracking.background``).
    """
    status = RunStatus.validate(status)
    stack = _run_stack()
    if not stack:
        return
    run = stack[-1]
    flush_error: Exception | None = None
    try:
        _writer.flush()
    except Exception as exc:
        flush_error = exc
    try:
        run._store.update_run_info(run.info.run_id, status, _now_ms(), None)
    finally:
        stack.pop()
        _thread_state.last_active_run_id = run.info.run_id
        _thread_state.last_active_run_uri = run._tracking_uri
    if flush_error is not None:
        raise flush_error


def active_run() -> ActiveRun | None:
    """The innermost active run of this thread, or None."""
    stack = _run_stack()
    return stack[-1] if stack else None


def last_active_run() -> Run | None:
    """The active run, else the run this thread ended last (fresh from the store), else None."""
    current = active_run()
    if current is not None:
        return current
    run_id = getattr(_thread_state, "last_active_run_id", None)
    if run_id is None:
        return None
    return WeirClient(tracking_uri=_thread_state.last_active_run_uri).get_run(run_id)


def get_run(run_id: str) -> Run:
    return _client().get_run(run_id)


def delete_run(run_id: str) -> None:
    _client().delete_run(run_id)


def _get_or_start_run() -> ActiveRun:
    stack = _run_stack()
    if stack:
        return stack[-1]
    return start_run()


# --- logging -------------------------------------------------------------------------------------


def log_param(key: str, value: Any, synchronous: bool | None = None, run_id: str | None = None) -> Any:
    """Log a param (stored as ``str(value)``). Logging a different value for a key raises, naming it."""
    client, run_id = _run_client(run_id)
    return client.log_param(run_id, key, value)


def log_params(params: dict[str, Any], synchronous: bool | None = None, run_id: str | None = None) -> None:
    client, run_id = _run_client(run_id)
    param_list = [
        Param(validation.validate_key("param", k), validation.param_value(k, v)) for k, v in params.items()
    ]
    client.log_batch(run_id, params=param_list)


def set_tag(key: str, value: Any, synchronous: bool | None = None, run_id: str | None = None) -> None:
    client, run_id = _run_client(run_id)
    client.set_tag(run_id, key, value)


def set_tags(tags: dict[str, Any], synchronous: bool | None = None, run_id: str | None = None) -> None:
    client, run_id = _run_client(run_id)
    tag_list = [
        RunTag(validation.validate_key("tag", k), validation.tag_value(k, v)) for k, v in tags.items()
    ]
    client.log_batch(run_id, tags=tag_list)


def delete_tag(key: str, run_id: str | None = None) -> None:
    client, run_id = _run_client(run_id)
    client.delete_tag(run_id, key)


def log_metric(
    key: str,
    value: Any,
    step: int | None = None,
    timestamp: int | None = None,
    synchronous: bool | None = None,
    run_id: str | None = None,
    **_ignored: Any,
) -> None:
    """Log one metric point (buffered; see ``flush``). A value that is not a real number raises here."""
    # the hot path of training loops: kept flat, with the common cases checked first
    if run_id is None:
        stack = getattr(_thread_state, "stack", None)
        run = stack[-1] if stack else _get_or_start_run()
        run_id = run._run_id
        store = run._store
    else:
        store = get_store()
    if key not in _valid_keys:
        validation.validate_key("metric", key)
    kind = type(value)
    number = value if kind is float else validation.metric_value(key, value)
    if timestamp is None:
        timestamp = _time_ns() // 1_000_000
    else:
        timestamp = validation.metric_int(key, "timestamp", timestamp, True)
    if step is None:
        step = 0
    elif type(step) is not int or not -_INT64 <= step < _INT64:
        step = validation.metric_int(key, "step", step)
    if synchronous or (synchronous is None and not _async_enabled()):
        _writer.flush()
        store.log_batch(run_id, metrics=[Metric(key, number, timestamp, step)])
    else:
        _writer.add(store, run_id, key, number, timestamp, step)


def log_metrics(
    metrics: dict[str, Any],
    step: int | None = None,
    synchronous: bool | None = None,
    run_id: str | None = None,
    timestamp: int | None = None,
    **_ignored: Any,
) -> None:
    """Log several metrics at one step; all values are checked before any is logged."""
    client, run_id = _run_client(run_id)
    timestamp = _now_ms() if timestamp is None else timestamp
    step = 0 if step is None else step
    checked = []
    for key, value in metrics.items():
        validation.validate_key("metric", key)
        number = validation.metric_value(key, value)
        checked.append(
            Metric(
                key,
                number,
                validation.metric_int(key, "timestamp", timestamp, True),
                validation.metric_int(key, "step", step),
            )
        )
    if synchronous is None:
        synchronous = not batching.async_logging_enabled()
    client.log_batch(run_id, metrics=checked, synchronous=synchronous)


def flush() -> None:
    """Store every buffered metric (and wait for background artifact work); raises if some could not be stored."""
    wait_for_background_work()
    _writer.flush()


# --- artifacts -----------------------------------------------------------------------------------


def log_artifact(local_path: str, artifact_path: str | None = None, run_id: str | None = None) -> None:
    """Copy a local file (or directory) into the run's artifacts, under ``artifact_path``."""
    client, run_id = _run_client(run_id)
    client.log_artifact(run_id, local_path, artifact_path)


def log_artifacts(local_dir: str, artifact_path: str | None = None, run_id: str | None = None) -> None:
    client, run_id = _run_client(run_id)
    client.log_artifacts(run_id, local_dir, artifact_path)


def log_text(text: str, artifact_file: str, run_id: str | None = None) -> None:
    client, run_id = _run_client(run_id)
    client.log_text(run_id, text, artifact_file)


def log_dict(dictionary: Any, artifact_file: str, run_id: str | None = None) -> None:
    """Save a dict as JSON, or YAML when ``artifact_file`` ends with .yaml/.yml."""
    client, run_id = _run_client(run_id)
    client.log_dict(run_id, dictionary, artifact_file)


def log_figure(
    figure: Any, artifact_file: str, *, save_kwargs: dict | None = None, run_id: str | None = None
) -> None:
    """Save a matplotlib or plotly figure as ``artifact_file``."""
    client, run_id = _run_client(run_id)
    client.log_figure(run_id, figure, artifact_file, save_kwargs=save_kwargs)


def log_image(
    image: Any,
    artifact_file: str | None = None,
    key: str | None = None,
    step: int | None = None,
    timestamp: int | None = None,
    synchronous: bool | None = None,
    run_id: str | None = None,
) -> None:
    """Log a numpy array or PIL image, as ``artifact_file`` or as step ``step`` of the series ``key``."""
    client, run_id = _run_client(run_id)
    client.log_image(run_id, image, artifact_file, key=key, step=step, timestamp=timestamp)


def log_table(data: Any, artifact_file: str, run_id: str | None = None) -> None:
    """Log a DataFrame or dict as a table (JSON in pandas split orient, or parquet)."""
    client, run_id = _run_client(run_id)
    client.log_table(run_id, data, artifact_file)


def load_table(
    artifact_file: str, run_ids: Sequence[str] | None = None, extra_columns: Sequence[str] | None = None
) -> Any:
    """The table ``artifact_file`` of the runs of the active experiment, concatenated."""
    return _client().load_table(_get_experiment_id(), artifact_file, run_ids, extra_columns)


def get_artifact_uri(artifact_path: str | None = None) -> str:
    """The URI of the active run's artifacts (or of ``artifact_path`` in them)."""
    client, run_id = _run_client(None)
    return client.get_artifact_uri(run_id, artifact_path)


# --- search --------------------------------------------------------------------------------------


def search_runs(
    experiment_ids: Sequence[str] | None = None,
    filter_string: str = "",
    run_view_type: int = ViewType.ACTIVE_ONLY,
    max_results: int = 100_000,
    order_by: Sequence[str] | None = None,
    output_format: str = "pandas",
    search_all_experiments: bool = False,
    experiment_names: Sequence[str] | None = None,
) -> Any:
    """Runs matching MLflow's filter language, as a pandas DataFrame (MLflow's columns) or a list."""
    if output_format not in ("pandas", "list"):
        raise ValueError(f"Unsupported output format {output_format!r}; use 'pandas' or 'list'")
    if isinstance(experiment_ids, (str, int)):
        experiment_ids = [experiment_ids]
    if experiment_ids and experiment_names:
        raise InvalidParameterValue("Only experiment_ids or experiment_names can be used, but not both")
    client = _client()
    if experiment_names:
        ids = []
        for name in experiment_names:
            experiment = client.get_experiment_by_name(name) if name is not None else None
            if experiment is None:
                warnings.warn(f"Cannot retrieve experiment by name {name!r}", stacklevel=2)
            else:
                ids.append(experiment.experiment_id)
    elif experiment_ids:
        ids = [str(e) for e in experiment_ids]
    elif search_all_experiments:
        ids = [e.experiment_id for e in search_experiments(view_type=ViewType.ACTIVE_ONLY)]
    else:
        ids = [_get_experiment_id()]
    runs: list[Run] = []
    if ids:
        token = None
        while len(runs) < max_results:
            page = client.search_runs(
                ids, filter_string, run_view_type, min(_PAGE_SIZE, max_results - len(runs)), order_by, token
            )
            runs.extend(page)
            token = page.token
            if not token:
                break
    if output_format == "list":
        return runs
    from weir.tracking.dataframe import runs_to_dataframe

    return runs_to_dataframe(runs)


# --- interpreter exit ----------------------------------------------------------------------------


def _exit_status() -> str:
    exc = getattr(sys, "last_exc", None) or getattr(sys, "last_value", None)
    if exc is None:
        return RunStatus.FINISHED
    return RunStatus.KILLED if isinstance(exc, KeyboardInterrupt) else RunStatus.FAILED


def _end_runs_at_exit() -> None:
    status = _exit_status()
    stack = _run_stack()
    while stack:
        try:
            end_run(status)
        except Exception as exc:
            warnings.warn(
                f"weir could not end run {stack[-1].info.run_id if stack else ''} at exit: {exc}",
                stacklevel=1,
            )
            if stack:
                stack.pop()
    try:
        _writer.flush()
    except Exception as exc:
        warnings.warn(f"weir: metrics could not be stored at exit: {exc}", stacklevel=1)


atexit.register(_end_runs_at_exit)
