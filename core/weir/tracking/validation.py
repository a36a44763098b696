"""Checks done at the call, before anything is buffered: a bad metric fails where it is logged.

The store validates again on write; these checks exist so that buffered (asynchronous)
metrics never fail later in a background thread because of bad input.
"""

from __future__ import annotations

import math
import numbers
import posixpath
import re
import warnings
from typing import Any

from weir.exceptions import InvalidParameterValue

MAX_KEY_LENGTH = 250
MAX_PARAM_VALUE_LENGTH = 6000
MAX_TAG_VALUE_LENGTH = 8000
MAX_METRICS_PER_BATCH = 1000
MAX_PARAMS_TAGS_PER_BATCH = 100
_INT64 = 2**63

_KEY_RE = re.compile(r"^[/\w.\- :]*$")
_valid_keys: set[str] = set()


def validate_key(kind: str, key: Any) -> str:
    """A metric/param/tag key as MLflow allows it; the error names the key."""
    if key in _valid_keys:  # fast path for the same metric logged every step
        return key
    if not isinstance(key, str):
        raise InvalidParameterValue(f"Invalid {kind} key {key!r}: it must be a string")
    if not key:
        raise InvalidParameterValue(f"Invalid {kind} key {key!r}: it must not be empty")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidParameterValue(
            f"Invalid {kind} key {key[:50]!r}...: longer than {MAX_KEY_LENGTH} characters"
        )
    if not _KEY_RE.match(key):
        raise InvalidParameterValue(
            f"Invalid {kind} key {key!r}: keys may only contain alphanumerics, underscores, dashes, "
            "periods, spaces, colons and slashes"
        )
    if posixpath.normpath(key) != key or key == "." or key.startswith(("..", "/")):
        raise InvalidParameterValue(f"Invalid {kind} key {key!r}: it must be a normalized relative path")
    if len(_valid_keys) < 100_000:
        _valid_keys.add(key)
    return key


def metric_value(key: str, value: Any) -> float:
    """The metric value as a float; NaN and +-inf are fine, bools and non-numbers are refused."""
    kind = type(value)
    if kind is float:
        return value
    if kind is int:
        return float(value)
    if isinstance(value, numbers.Real) and kind is not bool:
        return float(value)
    # numpy scalars of any precision expose __float__ without always registering as numbers.Real
    if kind is not bool and kind.__module__ == "numpy" and getattr(value, "ndim", 1) == 0:
        try:
            return float(value)
        except (TypeError, ValueError):
            pass
    raise InvalidParameterValue(
        f"Invalid value {value!r} for metric {key!r}: it must be a real number (64-bit float), "
        f"got {kind.__name__}"
    )


def metric_int(key: str, what: str, value: Any, nonnegative: bool = False) -> int:
    """A step or timestamp: an integer (integral floats accepted) within int64."""
    if type(value) is int and 0 <= value < _INT64:
        return value
    if isinstance(value, bool):
        raise InvalidParameterValue(f"Invalid {what} {value!r} for metric {key!r}: it must be an integer")
    if (
        isinstance(value, numbers.Integral)
        or isinstance(value, numbers.Real)
        and math.isfinite(value)
        and float(value).is_integer()
    ):
        number = int(value)
    else:
        raise InvalidParameterValue(f"Invalid {what} {value!r} for metric {key!r}: it must be an integer")
    if not -_INT64 <= number < _INT64 or (nonnegative and number < 0):
        raise InvalidParameterValue(f"Invalid {what} {value!r} for metric {key!r}: out of range")
    return number


def _truncate(kind: str, key: str, text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    warnings.warn(
        f"The value of {kind} {key!r} has {len(text)} characters; it is truncated to the limit of {limit}.",
        stacklevel=4,
    )
    return text[:limit]


def param_value(key: str, value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    return _truncate("param", key, text, MAX_PARAM_VALUE_LENGTH)


def tag_value(key: str, value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    return _truncate("tag", key, text, MAX_TAG_VALUE_LENGTH)
