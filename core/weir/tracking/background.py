"""Background work that reads in this process must see: plugins' artifact logging off the caller's thread.

Plugins that log artifacts from a worker thread (the scikit-learn plugin draws its plots there, so
that ``fit`` does not wait for matplotlib) register a ``wait`` callable. ``weir.flush()``, the
client's artifact reads (``list_artifacts``, ``download_artifacts``, ``weir.artifacts``) and the
plugin's exit handler call them, so this process always reads what it logged; ``end_run`` does not
wait, and another process may see the artifacts a moment after the run ended.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable

_waiters: list[Callable[[], object]] = []
_lock = threading.Lock()


def register_waiter(wait: Callable[[], object]) -> None:
    """Register ``wait()``: it blocks until the caller's pending background work is done."""
    with _lock:
        if wait not in _waiters:
            _waiters.append(wait)


def wait_for_background_work() -> None:
    """Call every registered waiter; a failing one is reported as a warning, not raised."""
    with _lock:
        waiters = list(_waiters)
    for wait in waiters:
        try:
            wait()
        except Exception as exc:
            warnings.warn(
                f"weir: waiting for background work failed: {type(exc).__name__}: {exc}", stacklevel=2
            )
