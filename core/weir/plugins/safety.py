"""The safety net around weir's own autologging code.

Anything weir (or a plugin) does around a user's training call runs inside ``guard(...)``: an
exception there becomes an ``AutologgingWarning`` naming the integration, and the user's call
carries on. ``WEIR_AUTOLOG_STRICT=1`` (set by the ``weir_strict_autolog`` pytest fixture) makes
the guard re-raise instead, so plugin tests cannot pass while hiding a failure.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Iterator

__all__ = ["AutologgingWarning", "guard", "is_strict", "warn"]

_logger = logging.getLogger("weir.autolog")


class AutologgingWarning(UserWarning):
    """weir's autologging could not do something; the user's code was not affected."""


def is_strict() -> bool:
    """True when ``WEIR_AUTOLOG_STRICT`` asks for autologging errors to raise."""
    return os.environ.get("WEIR_AUTOLOG_STRICT", "").strip().lower() in ("1", "true", "yes", "on")


def warn(integration: str, message: str, *, silent: bool = False) -> None:
    """Emit an ``AutologgingWarning`` for ``integration`` (only a debug log when ``silent``)."""
    text = f"weir autologging ({integration}): {message}"
    if silent:
        _logger.debug(text)
        return
    warnings.warn(text, AutologgingWarning, stacklevel=3)


@contextlib.contextmanager
def guard(integration: str, what: str, *, silent: bool = False) -> Iterator[None]:
    """Turn an exception in the block into a warning (or re-raise it in strict mode).

    ``what`` says which step failed ("logging after LinearRegression.fit"); the warning reads
    ``weir autologging (sklearn): logging after LinearRegression.fit failed: ValueError: ...``.
    """
    try:
        if silent:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield
        else:
            yield
    except Exception as exc:
        if is_strict():
            raise
        warn(integration, f"{what} failed: {type(exc).__name__}: {exc}", silent=silent)
