"""A dependency-free progress bar for long transfers, drawn on stderr with carriage returns.

Shown when stderr is a terminal, or always with ``WEIR_PROGRESS=1`` (``WEIR_PROGRESS=0`` hides it).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO

_WIDTH = 30


def progress_enabled(stream: TextIO | None = None) -> bool:
    setting = os.environ.get("WEIR_PROGRESS", "").strip().lower()
    if setting in ("1", "true", "yes", "on"):
        return True
    if setting in ("0", "false", "no", "off"):
        return False
    stream = stream or sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _size(num: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if num < 1024 or unit == "GB":
            return f"{num:.1f} {unit}" if unit != "B" else f"{int(num)} B"
        num /= 1024
    return f"{num:.1f} GB"  # pragma: no cover


class ProgressBar:
    """``with ProgressBar("upload model.bin", total_bytes) as bar: bar.update(n)`` (thread-safe)."""

    def __init__(
        self, label: str, total: int, stream: TextIO | None = None, min_interval: float = 0.1
    ) -> None:
        self.label = label
        self.total = max(int(total), 0)
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = progress_enabled(self.stream)
        self._lock = threading.Lock()
        self._last_draw = 0.0
        self._min_interval = min_interval
        self._start = time.monotonic()

    def __enter__(self) -> ProgressBar:
        self._draw(force=True)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self._draw(force=True)
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()

    def update(self, amount: int) -> None:
        with self._lock:
            self.done += amount
            self._draw(force=self.done >= self.total)

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < self._min_interval:
            return
        self._last_draw = now
        fraction = min(1.0, self.done / self.total) if self.total else 1.0
        filled = int(fraction * _WIDTH)
        rate = self.done / max(now - self._start, 1e-6)
        line = (
            f"\r{self.label} [{'#' * filled}{'.' * (_WIDTH - filled)}] {fraction * 100:5.1f}% "
            f"{_size(self.done)}/{_size(self.total)} {_size(rate)}/s"
        )
        self.stream.write(line)
        self.stream.flush()
