"""The parsed form of a filter or order_by clause."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

# Entity kinds a clause can address.
ATTRIBUTE = "attribute"
METRIC = "metric"
PARAM = "param"
TAG = "tag"
DATASET = "dataset"

Value = Union[str, int, float, tuple, None]


@dataclass(frozen=True)
class Comparison:
    """``<kind>.<key> <op> <value>``. ``op`` is upper case (``=``, ``LIKE``, ``NOT IN``, ``IS NULL``...);
    ``value`` is a str, a number, a tuple of str (IN / NOT IN) or None (IS [NOT] NULL)."""

    kind: str
    key: str
    op: str
    value: Value


@dataclass(frozen=True)
class OrderBy:
    kind: str
    key: str
    ascending: bool = True
