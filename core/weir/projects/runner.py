"""``weir.projects.run``: validate a project invocation, create its run, and start its command.

Everything that can be wrong with the invocation (project URI, MLproject file, entry point,
parameters, experiment, missing tools, environment build) is checked before the run is created,
so a bad invocation leaves nothing in the tracking store.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from weir.projects.environments import Environment, check_available, choose_env_manager, prepare
from weir.projects.errors import ExecutionException
from weir.projects.source import FetchedProject, fetch_project
from weir.projects.spec import load_project
from weir.projects.submitted import LocalSubmittedRun, SubmittedRun, SupervisedRun

RUN_ID_ENV_VARS = ("MLFLOW_RUN_ID", "WEIR_RUN_ID")
TRACKING_URI_ENV_VARS = ("WEIR_TRACKING_URI", "MLFLOW_TRACKING_URI")
EXPERIMENT_ID_ENV_VARS = ("MLFLOW_EXPERIMENT_ID", "WEIR_EXPERIMENT_ID")
EXPERIMENT_NAME_ENV_VARS = ("MLFLOW_EXPERIMENT_NAME", "WEIR_EXPERIMENT_NAME")
DEFAULT_EXPERIMENT_ID = "0"


def run(
    uri: str,
    entry_point: str = "main",
    version: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    docker_args: Mapping[str, Any] | None = None,
    experiment_name: str | None = None,
    experiment_id: str | None = None,
    backend: str = "local",
    storage_dir: str | None = None,
    synchronous: bool = True,
    run_id: str | None = None,
    run_name: str | None = None,
    env_manager: str | None = None,
    echo: Callable[[str], None] | None = None,
) -> SubmittedRun:
    """Run a project (a folder or git repository) as a weir run; MLflow's ``mlflow.projects.run``.

    :param uri: a local folder or a git URL (``file://``, ``https://``...), optionally ``#sub/dir``.
    :param entry_point: an entry point of the MLproject file, or a ``.py``/``.sh`` file of the project.
    :param version: a git ref (branch, tag, commit) to check out.
    :param parameters: parameter values; declared ones are type-checked, unknown names are an error.
    :param docker_args: extra ``docker run`` flags for docker_env projects (``{"memory": "2g"}``).
    :param experiment_name: experiment to run in (created if missing); or give ``experiment_id``.
    :param storage_dir: where remote ``path`` parameters are downloaded (default: a temp dir).
    :param synchronous: wait for the run to end; a failed run raises ``ExecutionException``.
    :param run_id: use this existing run instead of creating one.
    :param run_name: the new run's name.
    :param env_manager: ``local``, ``virtualenv`` (``uv``) or ``conda``; default from the project.
    :param echo: where progress lines go (default: stderr).
    :returns: a ``SubmittedRun`` with ``run_id``, ``wait()``, ``get_status()`` and ``cancel()``.
    """
    echo = echo or (lambda line: print(line, file=sys.stderr, flush=True))
    if backend not in (None, "local"):
        raise ExecutionException(f"Unknown backend {backend!r}; weir runs projects with the 'local' backend")
    if experiment_name is not None and experiment_id is not None:
        raise ExecutionException("Give either an experiment name or an experiment id, not both")

    temp_dirs: list[Path] = []  # removed once the run is over

    def cleanup() -> None:
        for directory in temp_dirs:
            shutil.rmtree(directory, ignore_errors=True)

    try:
        fetched = fetch_project(uri, version)
        if fetched.cleanup_dir is not None:
            temp_dirs.append(fetched.cleanup_dir)
        project = load_project(fetched.directory)
        entry = project.get_entry_point(entry_point)
        manager = choose_env_manager(project, env_manager)
        check_available(manager, project)
        downloads = _Downloader(storage_dir, temp_dirs)
        resolved = entry.resolve_parameters(parameters, project_dir=project.directory, downloader=downloads)
        command = entry.build_command(resolved.for_command)

        tracking_uri = absolute_tracking_uri()
        from weir.tracking.client import WeirClient

        client = WeirClient(tracking_uri=tracking_uri)
        existing = _existing_run(client, run_id, resolved.for_logging) if run_id else None
        exp_id = (
            existing.info.experiment_id
            if existing
            else _resolve_experiment(client, experiment_name, experiment_id)
        )

        environment = prepare(manager, project, echo=echo)
        temp_dirs.extend(environment.temp_dirs)
        if docker_args:
            environment.docker_args += _docker_flags(docker_args)

        tags = _run_tags(uri, fetched, entry_point, environment)
        run = _start_run(client, exp_id, existing, run_name, tags, resolved.for_logging)
    except BaseException:
        cleanup()
        raise

    run_id = run.info.run_id
    run_env = {
        **{name: run_id for name in RUN_ID_ENV_VARS},
        **{name: tracking_uri for name in TRACKING_URI_ENV_VARS},
        **{name: str(run.info.experiment_id) for name in EXPERIMENT_ID_ENV_VARS},
    }
    argv, env = environment.launch(command, run_env, project.directory)
    for name in EXPERIMENT_NAME_ENV_VARS:
        env.pop(name, None)  # the run's experiment is given by id
    echo(f"weir: === Running command '{command}' in run with ID '{run_id}' ===")
    if synchronous:
        return _run_here(client, run_id, argv, env, project.directory, tracking_uri, cleanup, echo)
    return _run_supervised(client, run_id, argv, env, project.directory, tracking_uri, temp_dirs)


def _run_here(client, run_id, argv, env, cwd, tracking_uri, cleanup, echo) -> LocalSubmittedRun:
    with _interrupts_deferred() as deferred:
        try:
            process = subprocess.Popen(argv, cwd=cwd, env=env, start_new_session=True)
        except OSError as exc:
            client.set_terminated(run_id, "FAILED")
            cleanup()
            raise ExecutionException(f"Could not start the project command: {exc}", run_id=run_id) from exc
        submitted = LocalSubmittedRun(run_id, process, tracking_uri, cleanup=cleanup)
    try:
        deferred.replay()  # a Ctrl-C that came while the child was starting cancels the run here
        succeeded = submitted.wait()
    except KeyboardInterrupt:
        echo(f"weir: stopped the command; run {run_id} is KILLED")
        raise
    if not succeeded:
        raise ExecutionException(
            f"Run (ID '{run_id}') failed (the command exited with status {process.returncode})", run_id=run_id
        )
    return submitted


class _DeferredInterrupts:
    def __init__(self) -> None:
        self.received: list[int] = []
        self.previous: dict[int, Any] = {}

    def record(self, signum: int, frame: Any) -> None:
        self.received.append(signum)

    def replay(self) -> None:
        """Deliver the first deferred signal to the handler that was in place before."""
        if self.received:
            signal.raise_signal(self.received[0])


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[_DeferredInterrupts]:
    """Hold SIGINT/SIGTERM while the child starts: interrupted half-way, ``Popen`` would leave a child
    running with nobody to stop it or to end its run. Outside the main thread nothing is deferred."""
    deferred = _DeferredInterrupts()
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            deferred.previous[signum] = signal.signal(signum, deferred.record)
    except ValueError:  # not the main thread
        pass
    try:
        yield deferred
    finally:
        for signum, handler in deferred.previous.items():
            if handler is not None:  # None: installed outside Python, nothing to put back
                signal.signal(signum, handler)


def _run_supervised(client, run_id, argv, env, cwd, tracking_uri, temp_dirs) -> SupervisedRun:
    """Hand the child to a separate supervisor process that records the run's end."""
    spec = {
        "argv": argv,
        "env": env,
        "cwd": str(cwd),
        "run_id": run_id,
        "tracking_uri": tracking_uri,
        "cleanup_dirs": [str(d) for d in temp_dirs],
    }
    handle, spec_path = tempfile.mkstemp(prefix="weir-run-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        json.dump(spec, file)
    try:
        supervisor = subprocess.Popen(
            [sys.executable, "-m", "weir.projects._supervisor", spec_path],
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": _weir_import_path()},
            start_new_session=True,
        )
    except OSError as exc:
        os.unlink(spec_path)
        client.set_terminated(run_id, "FAILED")
        raise ExecutionException(f"Could not start the run supervisor: {exc}", run_id=run_id) from exc
    return SupervisedRun(run_id, supervisor, tracking_uri)


def _weir_import_path() -> str:
    """PYTHONPATH that lets the supervisor import this very weir, wherever it was imported from."""
    import weir

    package_parent = str(Path(weir.__file__).resolve().parent.parent)
    existing = os.environ.get("PYTHONPATH")
    return package_parent if not existing else os.pathsep.join([package_parent, existing])


def absolute_tracking_uri() -> str:
    """The current tracking URI with any relative local path made absolute (the child runs elsewhere)."""
    from weir.tracking.uri import get_tracking_uri

    uri = get_tracking_uri()
    parsed = urlparse(uri)
    if parsed.scheme == "sqlite":
        # sqlite:///relative.db has path "/relative.db"; sqlite:////abs.db has "//abs.db"
        path = uri[len("sqlite:///") :] if uri.startswith("sqlite:///") else None
        if path and not os.path.isabs(path) and path != ":memory:":
            return "sqlite:///" + os.path.abspath(path)
        return uri
    if parsed.scheme in ("", "file") or (len(parsed.scheme) == 1 and os.name == "nt"):
        try:
            from weir.tracking.uri import normalize_store_uri

            return normalize_store_uri(uri)
        except ImportError:
            pass
        if parsed.scheme == "":
            return Path(uri).expanduser().resolve().as_uri()
    return uri


def _resolve_experiment(client, experiment_name: str | None, experiment_id: str | None) -> str:
    from weir.exceptions import ResourceDoesNotExist

    if experiment_id is not None:
        try:
            return str(client.get_experiment(str(experiment_id)).experiment_id)
        except ResourceDoesNotExist:
            raise ExecutionException(f"No experiment with id {experiment_id!r}") from None
    if experiment_name is None:
        fluent = sys.modules.get("weir.tracking.fluent")
        active = fluent.active_run() if fluent is not None and hasattr(fluent, "active_run") else None
        if active is not None:
            return str(active.info.experiment_id)
        chosen = getattr(fluent, "_explicit_experiment_id", None) if fluent is not None else None
        if chosen is not None and chosen() is not None:  # weir.set_experiment(...) in this process
            return str(chosen())
        env_id = next((os.environ[v] for v in EXPERIMENT_ID_ENV_VARS if os.environ.get(v)), None)
        if env_id is not None:
            return _resolve_experiment(client, None, env_id)
        experiment_name = next((os.environ[v] for v in EXPERIMENT_NAME_ENV_VARS if os.environ.get(v)), None)
        if experiment_name is None:
            return DEFAULT_EXPERIMENT_ID
    experiment = client.get_experiment_by_name(experiment_name)
    if experiment is not None:
        if getattr(experiment, "lifecycle_stage", "active") == "deleted":
            raise ExecutionException(
                f"Experiment {experiment_name!r} is deleted; restore it or use another name"
            )
        return str(experiment.experiment_id)
    return client.create_experiment(experiment_name)


def _existing_run(client, run_id: str, params: Mapping[str, str]):
    from weir.exceptions import ResourceDoesNotExist

    try:
        run = client.get_run(run_id)
    except ResourceDoesNotExist:
        raise ExecutionException(f"No run with id {run_id!r} to reuse") from None
    for key, value in params.items():
        logged = run.data.params.get(key)
        if logged is not None and logged != value:
            raise ExecutionException(
                f"Run {run_id!r} already has parameter {key!r} = {logged!r}; cannot reuse it with {value!r}"
            )
    return run


def _run_tags(
    uri: str, fetched: FetchedProject, entry_point: str, environment: Environment
) -> dict[str, str]:
    from weir.tracking.context import current_user

    tags = {
        "mlflow.user": current_user(),
        "mlflow.source.name": fetched.source_name,
        "mlflow.source.type": "PROJECT",
        "mlflow.project.entryPoint": entry_point,
        "mlflow.project.backend": "local",
        **environment.tags(),
    }
    if fetched.git_commit:
        tags["mlflow.source.git.commit"] = fetched.git_commit
    if fetched.git_repo_url:
        tags["mlflow.source.git.repoURL"] = fetched.git_repo_url
        tags["mlflow.gitRepoURL"] = fetched.git_repo_url  # the older name, still read by some tools
    if fetched.git_branch:
        tags["mlflow.source.git.branch"] = fetched.git_branch
    fluent = sys.modules.get("weir.tracking.fluent")
    active = fluent.active_run() if fluent is not None and hasattr(fluent, "active_run") else None
    if active is not None:
        tags["mlflow.parentRunId"] = active.info.run_id
    return tags


def _start_run(client, experiment_id: str, existing, run_name: str | None, tags: dict[str, str], params):
    from weir.entities import Param, RunTag

    if existing is None:
        run = client.create_run(experiment_id, tags=tags, run_name=run_name)
        tag_list = []
    else:
        run = existing
        if run_name:
            client.update_run(run.info.run_id, name=run_name)
        tag_list = [RunTag(k, v) for k, v in tags.items() if k != "mlflow.user"]
        if run.info.status != "RUNNING":
            client.update_run(run.info.run_id, status="RUNNING")
    name = run_name or run.info.run_name
    if name and run.data.tags.get("mlflow.runName") != name:
        tag_list.append(RunTag("mlflow.runName", name))
    new_params = [Param(k, v) for k, v in params.items() if k not in run.data.params]
    if new_params or tag_list:
        client.log_batch(run.info.run_id, params=new_params, tags=tag_list)
    return client.get_run(run.info.run_id)


def _docker_flags(docker_args: Mapping[str, Any]) -> list[str]:
    flags: list[str] = []
    for key, value in docker_args.items():
        flag = f"-{key}" if len(key) == 1 else f"--{key}"
        if value is True or value is None or value == "":
            flags.append(flag)
        else:
            flags += [flag, str(value)]
    return flags


class _Downloader:
    """Fetches remote ``path`` parameters (``runs:/...``, artifact URIs) into the storage dir."""

    def __init__(self, storage_dir: str | None, temp_dirs: list[Path]) -> None:
        self.directory = Path(storage_dir) if storage_dir else None
        self._temp_dirs = temp_dirs
        self._count = 0

    def __call__(self, uri: str, name: str) -> str:
        if self.directory is None:
            self.directory = Path(tempfile.mkdtemp(prefix="weir-project-params-"))
            self._temp_dirs.append(self.directory)
        target = self.directory / f"param_{self._count}"
        self._count += 1
        target.mkdir(parents=True, exist_ok=True)
        try:
            parsed = urlparse(uri)
            if parsed.scheme == "runs":
                from weir.tracking.client import WeirClient

                run_id, _, path = (parsed.netloc + parsed.path).lstrip("/").partition("/")
                return WeirClient(tracking_uri=absolute_tracking_uri()).download_artifacts(
                    run_id, path, str(target)
                )
            from weir.store.factory import get_artifact_repository

            parent, _, base = uri.rstrip("/").rpartition("/")
            return get_artifact_repository(parent).download_artifacts(base, str(target))
        except ExecutionException:
            raise
        except Exception as exc:
            raise ExecutionException(f"Parameter {name!r}: could not download {uri!r}: {exc}") from exc
