"""MLflow's validation rules and limits for what a run receives (keys, values, batch sizes).

Kept back-end neutral so the PostgreSQL store can share it.
"""

from __future__ import annotations

import math
import numbers
import posixpath
import re
from typing import Any

from weir.exceptions import InvalidParameterValue

MAX_ENTITY_KEY_LENGTH = 250
MAX_PARAM_VAL_LENGTH = 6000
MAX_TAG_VAL_LENGTH = 8000
MAX_EXPERIMENT_NAME_LENGTH = 500
MAX_EXPERIMENT_TAG_KEY_LENGTH = 250
MAX_EXPERIMENT_TAG_VAL_LENGTH = 20000
MAX_METRICS_PER_BATCH = 1000
MAX_PARAMS_TAGS_PER_BATCH = 100
MAX_ENTITIES_PER_BATCH = 1000
MAX_RUN_NAME_LENGTH = 250
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)

_KEY_RE = re.compile(r"^[/\w.\- :]*$")
_BAD_CHARACTERS = (
    "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), "
    "colons (:) and slashes (/)."
)


def validate_key(kind: str, key: Any) -> str:
    """Check a metric, param or tag key; ``kind`` ("metric", "param", "tag") names it in errors."""
    if not isinstance(key, str):
        raise InvalidParameterValue(f"Invalid {kind} name {key!r}: a {kind} name must be a string.")
    if len(key) > MAX_ENTITY_KEY_LENGTH:
        raise InvalidParameterValue(
            f"Invalid {kind} name {key[:60]!r}...: it has {len(key)} characters, more than the "
            f"limit of {MAX_ENTITY_KEY_LENGTH}."
        )
    if not _KEY_RE.match(key):
        raise InvalidParameterValue(f"Invalid {kind} name {key!r}. {_BAD_CHARACTERS}")
    normalized = posixpath.normpath(key)
    if normalized != key or normalized == "." or normalized.startswith(("..", "/")):
        raise InvalidParameterValue(
            f"Invalid {kind} name {key!r}. Names may be treated as file paths and must not resolve "
            f"to other names; this one resolves to {normalized!r}."
        )
    return key


def validate_value_length(kind: str, key: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise InvalidParameterValue(
            f"The value of {kind} {key!r} has {len(value)} characters, more than the limit of {limit}."
        )


def param_value(key: str, value: Any) -> str:
    """Params are stored as strings (MLflow stringifies what the user logs)."""
    text = value if isinstance(value, str) else str(value)
    validate_value_length("param", key, text, MAX_PARAM_VAL_LENGTH)
    return text


def tag_value(key: str, value: Any, limit: int = MAX_TAG_VAL_LENGTH) -> str:
    text = value if isinstance(value, str) else str(value)
    validate_value_length("tag", key, text, limit)
    return text


def metric_value(key: str, value: Any) -> float:
    """A real number (bool and strings are rejected, as in MLflow); NaN and +-inf are kept."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        # numpy scalars that are not registered as numbers.Real still expose __float__.
        if not isinstance(value, bool) and type(value).__module__ == "numpy" and hasattr(value, "__float__"):
            try:
                return float(value)
            except (TypeError, ValueError):
                pass
        raise InvalidParameterValue(
            f"Invalid value {value!r} for metric {key!r}: expected a number (64-bit float)."
        )
    return float(value)


def metric_integer(key: str | None, what: str, value: Any, *, nonnegative: bool = False) -> int:
    """Metric timestamps and steps (and run times, with ``key`` None): integers within int64;
    integral floats are accepted."""
    subject = f"{what} {value!r}" + (f" for metric {key!r}" if key is not None else "")
    integral = isinstance(value, numbers.Integral) or (
        isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer()
    )
    if integral and not isinstance(value, bool):
        number = int(value)
    else:
        raise InvalidParameterValue(f"Invalid {subject}: expected an integer.")
    if not INT64_MIN <= number <= INT64_MAX or (nonnegative and number < 0):
        qualifier = "a non-negative 64-bit integer" if nonnegative else "a 64-bit integer"
        raise InvalidParameterValue(f"Invalid {subject}: expected {qualifier}.")
    return number


def validate_batch_sizes(n_metrics: int, n_params: int, n_tags: int) -> None:
    if n_metrics > MAX_METRICS_PER_BATCH:
        raise InvalidParameterValue(
            f"A batch logging request can have at most {MAX_METRICS_PER_BATCH} metrics; got {n_metrics}."
        )
    if n_params > MAX_PARAMS_TAGS_PER_BATCH:
        raise InvalidParameterValue(
            f"A batch logging request can have at most {MAX_PARAMS_TAGS_PER_BATCH} params; got {n_params}."
        )
    if n_tags > MAX_PARAMS_TAGS_PER_BATCH:
        raise InvalidParameterValue(
            f"A batch logging request can have at most {MAX_PARAMS_TAGS_PER_BATCH} tags; got {n_tags}."
        )
    total = n_metrics + n_params + n_tags
    if total > MAX_ENTITIES_PER_BATCH:
        raise InvalidParameterValue(
            f"A batch logging request can have at most {MAX_ENTITIES_PER_BATCH} metrics, params and "
            f"tags in total; got {total}."
        )


def validate_experiment_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidParameterValue(f"Invalid experiment name {name!r}: it must be a non-empty string.")
    if len(name) > MAX_EXPERIMENT_NAME_LENGTH:
        raise InvalidParameterValue(
            f"Invalid experiment name {name[:60]!r}...: it has {len(name)} characters, more than the "
            f"limit of {MAX_EXPERIMENT_NAME_LENGTH}."
        )
    return name


def validate_experiment_tag(key: Any, value: Any) -> tuple[str, str]:
    validate_key("tag", key)
    if len(key) > MAX_EXPERIMENT_TAG_KEY_LENGTH:
        raise InvalidParameterValue(
            f"Experiment tag key {key!r} is longer than {MAX_EXPERIMENT_TAG_KEY_LENGTH}."
        )
    return key, tag_value(key, value, MAX_EXPERIMENT_TAG_VAL_LENGTH)
