"""One parsed API request and typed access to its fields, with MLflow's error messages.

GET requests carry their fields in the query string (repeated keys for lists, ``true``/``false``
for bools); other methods carry a JSON object body. Values from either source are accepted: a
field in the body wins over the same field in the query string.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import parse_qs

from weir.exceptions import InvalidParameterValue, WeirException

_MISSING = object()
_INT64_MAX = 2**63 - 1


def missing(name: str) -> InvalidParameterValue:
    return InvalidParameterValue(
        f"Missing value for required parameter '{name}'. See the API docs for more information about "
        "request parameters."
    )


def _bad(name: str, value: Any, expected: str) -> InvalidParameterValue:
    return InvalidParameterValue(
        f"Invalid value {value!r} for parameter '{name}' supplied: expected {expected}."
    )


class Request:
    """``body`` is the parsed JSON object (``{}`` for GET or an empty body)."""

    __slots__ = ("method", "path", "query", "body", "path_params", "headers", "raw_query")

    def __init__(
        self,
        method: str,
        path: str,
        raw_query: bytes = b"",
        body: dict[str, Any] | None = None,
        headers: list[tuple[bytes, bytes]] | None = None,
        path_params: dict[str, str] | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.raw_query = raw_query
        self.query: dict[str, list[str]] | None = None
        self.body = body if body is not None else {}
        self.headers = headers or []
        self.path_params = path_params or {}

    # --- raw access ----------------------------------------------------------------------------
    def _query(self) -> dict[str, list[str]]:
        if self.query is None:
            self.query = (
                parse_qs(self.raw_query.decode("latin-1"), keep_blank_values=True) if self.raw_query else {}
            )
        return self.query

    def raw(self, name: str) -> Any:
        value = self.body.get(name, _MISSING)
        if value is not _MISSING and value is not None:
            return value
        values = self._query().get(name) if self.raw_query else None
        if values:
            return values[0] if len(values) == 1 else values
        return _MISSING

    def header(self, name: bytes) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value.decode("latin-1")
        return None

    # --- typed access --------------------------------------------------------------------------
    def string(
        self, name: str, required: bool = False, default: str | None = None, allow_empty: bool = False
    ) -> str | None:
        """A string field; ``required`` refuses a missing (and, unless ``allow_empty``, an empty) value."""
        value = self.raw(name)
        if value is _MISSING or (required and value == "" and not allow_empty):
            if required:
                raise missing(name)
            return default
        if isinstance(value, list):
            value = value[0]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise _bad(name, value, "a string")
        return value if isinstance(value, str) else str(value)

    def integer(self, name: str, default: int | None = None, required: bool = False) -> int | None:
        value = self.raw(name)
        if value is _MISSING or value == "":
            if required:
                raise missing(name)
            return default
        if isinstance(value, list):
            value = value[0]
        if isinstance(value, bool):
            raise _bad(name, value, "an integer")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str):
            try:
                value = int(value.strip())
            except ValueError:
                raise _bad(name, value, "an integer") from None
        if not isinstance(value, int) or not -_INT64_MAX - 1 <= value <= _INT64_MAX:
            raise _bad(name, value, "a 64-bit integer")
        return value

    def number(self, name: str, required: bool = False) -> float | None:
        value = self.raw(name)
        if value is _MISSING:
            if required:
                raise missing(name)
            return None
        return to_double(name, value)

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.raw(name)
        if value is _MISSING or value == "":
            return default
        if isinstance(value, list):
            value = value[0]
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise _bad(name, value, "true or false")

    def strings(self, name: str) -> list[str]:
        value = self.raw(name)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            value = [value]
        out = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, (str, int)):
                raise _bad(name, item, "a list of strings")
            out.append(str(item))
        return out

    def objects(self, name: str) -> list[dict[str, Any]]:
        value = self.body.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise _bad(name, value, "a list of objects")
        return value

    def run_id(self) -> str:
        """``run_id``, or the legacy ``run_uuid`` the MLflow client also sends."""
        value = self.string("run_id") or self.string("run_uuid")
        if not value:
            raise missing("run_id")
        return value


def to_double(name: str, value: Any) -> float:
    """A metric value from proto-JSON: a number, or the strings NaN / Infinity / -Infinity."""
    if isinstance(value, bool):
        raise _bad(name, value, "a number")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        special = {
            "nan": math.nan,
            "infinity": math.inf,
            "-infinity": -math.inf,
            "inf": math.inf,
            "-inf": -math.inf,
        }
        if text.lower() in special:
            return special[text.lower()]
        try:
            return float(text)
        except ValueError:
            pass
    raise _bad(name, value, "a number")


class BodyTooLarge(WeirException):
    def __init__(self, limit: int) -> None:
        super().__init__(
            f"Request bodies for this endpoint must be at most {limit} bytes; this one is larger.",
            "INVALID_PARAMETER_VALUE",
        )
