"""Background work that must be done before a run ends or ``weir.flush()`` returns.

Plugins that log artifacts from a worker thread (the scikit-learn plugin draws its plots there)
register a ``wait`` callable; ``end_run`` and ``flush`` call every one of them, so "everything
logged before end_run returns is stored" holds for that work too.
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
