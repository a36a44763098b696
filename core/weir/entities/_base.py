"""Immutable entity base: attributes are read-only properties; ``dict(entity)`` lists them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class Entity:
    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        for name in self._fields:
            yield name, getattr(self, name)

    def to_dictionary(self) -> dict[str, Any]:
        return dict(self)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and dict(self) == dict(other)  # type: ignore[arg-type]

    def __hash__(self) -> int:
        return hash(tuple(repr(v) for _, v in self))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _init(self, **values: Any) -> None:
        for name, value in values.items():
            object.__setattr__(self, "_" + name, value)

    def __repr__(self) -> str:
        body = ", ".join(f"{k}={v!r}" for k, v in self)
        return f"<{type(self).__name__}: {body}>"


def _field(name: str) -> property:
    return property(lambda self: getattr(self, "_" + name), doc=name)


def entity(cls):
    """Class decorator: adds a read-only property per name in ``cls._fields`` and matching slots."""
    for name in cls._fields:
        setattr(cls, name, _field(name))
    return cls
