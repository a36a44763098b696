"""A launched project run: the child process, its status, and how it is stopped.

The child runs in its own process group (session), so stopping it stops everything it started;
weir records the run as FINISHED or FAILED from the child's exit status, KILLED when cancelled.
"""

from __future__ import annotations

import abc
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable

from weir.entities import RunStatus

# seconds between SIGTERM and SIGKILL when stopping a child
KILL_GRACE_ENV = "WEIR_PROJECT_KILL_TIMEOUT"
_DEFAULT_KILL_GRACE = 10.0


def _kill_grace() -> float:
    try:
        return float(os.environ.get(KILL_GRACE_ENV, _DEFAULT_KILL_GRACE))
    except ValueError:
        return _DEFAULT_KILL_GRACE


class SubmittedRun(abc.ABC):
    """A project run that was started (MLflow's ``mlflow.projects.SubmittedRun``)."""

    @property
    @abc.abstractmethod
    def run_id(self) -> str: ...

    @abc.abstractmethod
    def wait(self) -> bool:
        """Block until the run ends; True when it FINISHED."""

    @abc.abstractmethod
    def get_status(self) -> str:
        """RUNNING, FINISHED, FAILED or KILLED."""

    @abc.abstractmethod
    def cancel(self) -> None:
        """Stop the run (and everything it started) and record it as KILLED."""


class LocalSubmittedRun(SubmittedRun):
    """A child process this process watches; it records the run's final status itself."""

    def __init__(
        self,
        run_id: str,
        process: subprocess.Popen,
        tracking_uri: str,
        cleanup: Callable[[], None] | None = None,
    ) -> None:
        self._run_id = run_id
        self.process = process
        self._tracking_uri = tracking_uri
        self._cleanup = cleanup
        self._final_status: str | None = None
        self._lock = threading.Lock()

    @property
    def run_id(self) -> str:
        return self._run_id

    @property
    def command_proc(self) -> subprocess.Popen:  # MLflow's attribute name
        return self.process

    def wait(self) -> bool:
        """Wait for the child; Ctrl-C (KeyboardInterrupt) while waiting cancels the run, then re-raises."""
        try:
            code = self.process.wait()
        except BaseException:
            self.cancel()
            raise
        self._finish(RunStatus.FINISHED if code == 0 else RunStatus.FAILED)
        return self._final_status == RunStatus.FINISHED

    @property
    def exit_code(self) -> int | None:
        return self.process.returncode

    def get_status(self) -> str:
        if self._final_status is not None:
            return self._final_status
        code = self.process.poll()
        if code is None:
            return RunStatus.RUNNING
        return RunStatus.FINISHED if code == 0 else RunStatus.FAILED

    def cancel(self) -> None:
        if self.process.poll() is None:
            _stop_process_group(self.process)
        self._finish(RunStatus.KILLED)

    def _finish(self, status: str) -> None:
        with self._lock:
            if self._final_status is not None:
                return
            self._final_status = status
            try:
                from weir.tracking.client import WeirClient

                WeirClient(tracking_uri=self._tracking_uri).set_terminated(self._run_id, status)
            finally:
                if self._cleanup is not None:
                    self._cleanup()


class SupervisedRun(SubmittedRun):
    """An asynchronous run: a ``weir.projects._supervisor`` process watches the child and records its status."""

    def __init__(self, run_id: str, supervisor: subprocess.Popen, tracking_uri: str) -> None:
        self._run_id = run_id
        self.process = supervisor
        self._tracking_uri = tracking_uri

    @property
    def run_id(self) -> str:
        return self._run_id

    def wait(self) -> bool:
        self.process.wait()
        return self.get_status() == RunStatus.FINISHED

    def get_status(self) -> str:
        from weir.tracking.client import WeirClient

        status = WeirClient(tracking_uri=self._tracking_uri).get_run(self._run_id).info.status
        if status == RunStatus.RUNNING and self.process.poll() is not None:
            return RunStatus.FAILED  # the supervisor died without recording the end (killed -9)
        return status

    def cancel(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the supervisor stops the child and records KILLED
            try:
                self.process.wait(timeout=_kill_grace() + 10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        from weir.tracking.client import WeirClient

        client = WeirClient(tracking_uri=self._tracking_uri)
        if not RunStatus.is_terminated(client.get_run(self._run_id).info.status):
            client.set_terminated(self._run_id, RunStatus.KILLED)


def _stop_process_group(process: subprocess.Popen) -> None:
    """SIGTERM the child's process group, then SIGKILL what is left after the grace period."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        process.terminate()
    deadline = time.monotonic() + _kill_grace()
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        os.killpg(process.pid, signal.SIGKILL)  # also reaps grandchildren that ignored SIGTERM
    except (ProcessLookupError, PermissionError):
        pass
    if process.poll() is None:
        process.kill()
    process.wait()
