"""Small helpers the handler modules share."""

from __future__ import annotations

from typing import Any

from weir.entities import RunTag, ViewType
from weir.exceptions import InvalidParameterValue
from weir.server.request import Request, missing


def view_type(request: Request, name: str) -> int:
    """ACTIVE_ONLY / DELETED_ONLY / ALL by name or number; ACTIVE_ONLY when absent."""
    value = request.string(name)
    if not value:
        return ViewType.ACTIVE_ONLY
    if value.strip().isdigit():
        if int(value) in (1, 2, 3):
            return int(value)
        raise InvalidParameterValue(
            f"Invalid value {value!r} for parameter '{name}': expected ACTIVE_ONLY, DELETED_ONLY or ALL."
        )
    return ViewType.from_string(value)


def tags_of(request: Request, name: str = "tags") -> list[RunTag]:
    tags = []
    for item in request.objects(name):
        key, value = item.get("key"), item.get("value")
        if key is None:
            raise missing(f"{name}.key")
        tags.append(RunTag(key, "" if value is None else str(value) if not isinstance(value, str) else value))
    return tags


def required_key(request: Request, name: str = "key") -> str:
    value = request.string(name, required=True)
    assert value is not None
    return value


def page(items: list[Any], token: str | None, name: str, encode: Any) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if items:
        body[name] = [encode(item) for item in items]
    if token:
        body["next_page_token"] = token
    return body
