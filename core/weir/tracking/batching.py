"""Buffered metric logging: ``log_metric`` appends to memory, a background thread writes batches.

- Points go to the store through ``store.log_batch`` in chunks of at most 1000 (MLflow's limit),
  one transaction per chunk, in the order they were logged.
- ``flush()`` (also called by ``end_run``, reads, and at interpreter exit) writes everything
  buffered so far and waits for it; when it returns, the points are stored.
- If a background write fails, the points of that run are kept (and later points of that run are
  held back behind them, so order is preserved), a warning is issued, and the next ``flush()``
  retries them and raises if they still cannot be stored.
- A forked child starts with an empty buffer and no writer thread (``os.register_at_fork``).
"""

from __future__ import annotations

import atexit
import os
import threading
import time
import warnings
from collections import deque
from typing import Any

from weir.entities import Metric
from weir.exceptions import WeirException

CHUNK_SIZE = 1000
LINGER_SECONDS = 0.005
ASYNC_ENV_VARS = ("WEIR_ASYNC_LOGGING",)
# errors that retrying cannot fix: the points are reported and dropped instead of kept forever
_PERMANENT_CODES = frozenset(
    {"INVALID_PARAMETER_VALUE", "RESOURCE_DOES_NOT_EXIST", "INVALID_STATE", "BAD_REQUEST"}
)

Point = tuple  # (store, run_id, key, value, timestamp, step)


_FALSE_VALUES = ("0", "false", "no", "off")
try:  # os.environ's raw mapping: a plain dict lookup instead of encoding the key on every call
    _raw_env: Any = os.environ._data  # type: ignore[attr-defined]
    _ASYNC_ENV_KEY: Any = os.environ.encodekey(ASYNC_ENV_VARS[0])  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover - other platforms / implementations
    _raw_env, _ASYNC_ENV_KEY = None, None
_async_cache: tuple[Any, bool] = (None, True)


def async_logging_enabled() -> bool:
    """False when ``WEIR_ASYNC_LOGGING`` is set to false/0/no/off (read on every call, cheaply)."""
    global _async_cache
    if _raw_env is not None:
        raw = _raw_env.get(_ASYNC_ENV_KEY)
        if raw is None:
            return True
        if raw == _async_cache[0]:
            return _async_cache[1]
        value = os.environ.decodevalue(raw)  # type: ignore[attr-defined]
        enabled = value.strip().lower() not in _FALSE_VALUES
        _async_cache = (raw, enabled)
        return enabled
    value = os.environ.get(ASYNC_ENV_VARS[0])
    return value is None or value.strip().lower() not in _FALSE_VALUES


def _metrics_from_points(points: list[Point]) -> list[Metric]:
    """Metric entities for buffered points, built without the per-object ``__init__`` overhead
    (this runs for every point logged, so it matters for throughput)."""
    new = object.__new__
    set_attr = object.__setattr__
    metrics = []
    append = metrics.append
    for _, _, key, value, timestamp, step in points:
        metric = new(Metric)
        set_attr(metric, "__dict__", {"_key": key, "_value": value, "_timestamp": timestamp, "_step": step})
        append(metric)
    return metrics


class _Held:
    """Points of one run that failed to write, plus later points queued behind them."""

    __slots__ = ("store", "run_id", "points", "error", "warned")

    def __init__(self, store: Any, run_id: str) -> None:
        self.store = store
        self.run_id = run_id
        self.points: list[Point] = []
        self.error: BaseException | None = None
        self.warned = False


class MetricWriter:
    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards starting the thread
        self._write_lock = threading.Lock()  # one writer at a time, so order is kept
        # appends and poplefts on a deque are atomic, so producers never take a lock
        self._buffer: deque[Point] = deque()
        self._held: dict[tuple[int, str], _Held] = {}
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # --- producer side -----------------------------------------------------------------------
    def add(self, store: Any, run_id: str, key: str, value: float, timestamp: int, step: int) -> None:
        buffer = self._buffer
        buffer.append((store, run_id, key, value, timestamp, step))
        if len(buffer) == 1:
            if self._thread is None:
                self._start()
            self._wake.set()

    def pending(self) -> int:
        """Points not yet stored (buffered or held after a failure)."""
        return len(self._buffer) + sum(len(h.points) for h in list(self._held.values()))

    # --- writer side -------------------------------------------------------------------------
    def _start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            thread = threading.Thread(target=self._run, name="weir-metric-writer", daemon=True)
            self._thread = thread
        thread.start()

    def _run(self) -> None:
        while True:
            if not self._buffer:
                self._wake.wait()
                self._wake.clear()
                # linger a moment so points arriving together share one transaction (and so a
                # short run's end_run, which flushes anyway, does not race the thread)
                if len(self._buffer) < CHUNK_SIZE:
                    time.sleep(LINGER_SECONDS)
            try:
                self._write(background=True)
            except BaseException as exc:  # never let the writer thread die silently
                warnings.warn(f"weir's metric writer hit an unexpected error: {exc!r}", stacklevel=1)

    def _write(self, background: bool) -> list[tuple[_Held, BaseException, bool]]:
        """Write everything buffered; returns (held group, error, permanent) for failures."""
        failures: list[tuple[_Held, BaseException, bool]] = []
        with self._write_lock:
            buffer = self._buffer
            popleft = buffer.popleft
            batch = [popleft() for _ in range(len(buffer))]
            groups: dict[tuple[int, str], list[Point]] = {}
            stores: dict[tuple[int, str], Any] = {}
            if not background:
                # retry held points first, ahead of newer points of the same run
                for group_key, held in list(self._held.items()):
                    groups[group_key] = held.points
                    stores[group_key] = held.store
            for point in batch:
                group_key = (id(point[0]), point[1])
                held = self._held.get(group_key) if background else None
                if held is not None:
                    held.points.append(point)  # keep behind the failed ones
                    continue
                points = groups.get(group_key)
                if points is None:
                    groups[group_key] = points = []
                    stores[group_key] = point[0]
                points.append(point)
            for group_key, points in groups.items():
                store = stores[group_key]
                run_id = group_key[1]
                for start in range(0, len(points), CHUNK_SIZE):
                    chunk = points[start : start + CHUNK_SIZE]
                    try:
                        store.log_batch(run_id, metrics=_metrics_from_points(chunk))
                    except Exception as exc:
                        held = self._held.get(group_key)
                        if held is None:
                            held = self._held[group_key] = _Held(store, run_id)
                        held.points = points[start:]
                        held.error = exc
                        permanent = isinstance(exc, WeirException) and exc.error_code in _PERMANENT_CODES
                        failures.append((held, exc, permanent))
                        break
                else:
                    self._held.pop(group_key, None)
            if background:
                for held, exc, _ in failures:
                    if not held.warned:
                        held.warned = True
                        warnings.warn(
                            f"weir could not store {len(held.points)} metric point(s) for run {held.run_id} "
                            f"in the background ({type(exc).__name__}: {exc}). They are kept and retried; "
                            "the error is raised at the next flush() or end_run() if it persists.",
                            stacklevel=1,
                        )
            else:
                for held, _, permanent in failures:
                    if permanent:
                        self._held.pop((id(held.store), held.run_id), None)
        return failures

    def flush(self, raise_errors: bool = True) -> None:
        """Store everything logged so far (from any thread) and wait for it.

        With ``raise_errors`` a failed write raises a WeirException naming the run, the number of
        points and the cause. Points that may succeed later are kept for the next flush; points
        refused for good (a deleted run...) are dropped after being reported here.
        """
        if not raise_errors:
            # a read (get_run, search) wants fresh data but must not fail because of an old write
            self._write(background=True)
            return
        failures = self._write(background=False)
        if failures:
            lines = []
            for held, exc, permanent in failures:
                fate = "they were discarded" if permanent else "they are kept and retried at the next flush"
                lines.append(
                    f"{len(held.points)} metric point(s) for run {held.run_id} could not be stored "
                    f"({type(exc).__name__}: {exc}); {fate}"
                )
            first = failures[0][1]
            code = first.error_code if isinstance(first, WeirException) else "INTERNAL_ERROR"
            raise WeirException("; ".join(lines), code) from first

    def _reset_after_fork(self) -> None:
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._buffer = deque()
        self._held = {}
        self._wake = threading.Event()
        self._thread = None


_writer = MetricWriter()


def get_writer() -> MetricWriter:
    return _writer


def flush(raise_errors: bool = True) -> None:
    """Write all buffered metrics and wait until they are stored."""
    _writer.flush(raise_errors=raise_errors)


def _flush_at_exit() -> None:
    try:
        _writer.flush(raise_errors=True)
    except Exception as exc:
        warnings.warn(f"weir: metrics could not be stored at exit: {exc}", stacklevel=1)


atexit.register(_flush_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=lambda: _writer._reset_after_fork())
