"""Read what the scoring layer needs from a model's input schema.

Only duck-typed attributes of MLflow's ``Schema`` API are used (``inputs``, ``is_tensor_spec()``,
each spec's ``name`` and ``type``), so any schema object with that shape works.
"""

from __future__ import annotations

import enum
from typing import Any

# MLflow scalar column types -> numpy dtype names used when casting parsed input.
NUMPY_DTYPE_BY_COLUMN_TYPE = {
    "double": "float64",
    "float": "float32",
    "long": "int64",
    "integer": "int32",
    "boolean": "bool",
}


def _type_name(spec_type: Any) -> str | None:
    """The scalar type name of a ColSpec type ('double', 'string'...), None for nested types."""
    if isinstance(spec_type, str):
        return spec_type
    if isinstance(spec_type, enum.Enum):  # MLflow's DataType members are named 'double', 'long'...
        return str(spec_type.name)
    return None


def is_tensor_schema(schema: Any) -> bool:
    if schema is None:
        return False
    checker = getattr(schema, "is_tensor_spec", None)
    return bool(checker()) if callable(checker) else False


def _specs(schema: Any) -> list:
    if schema is None:
        return []
    inputs = getattr(schema, "inputs", None)
    return list(inputs) if inputs is not None else []


# id(schema) -> (schema, column types): a server asks for the same schema on every request.
_COLUMN_TYPES_CACHE: dict[int, tuple[Any, dict[str, str]]] = {}


def column_types(schema: Any) -> dict[str, str]:
    """``{column name: scalar type name}`` for a named column schema; empty when not applicable.

    The result is cached per schema object and must not be modified.
    """
    if schema is None:
        return {}
    cached = _COLUMN_TYPES_CACHE.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    result = _column_types(schema)
    if len(_COLUMN_TYPES_CACHE) > 64:
        _COLUMN_TYPES_CACHE.clear()
    _COLUMN_TYPES_CACHE[id(schema)] = (schema, result)
    return result


def _column_types(schema: Any) -> dict[str, str]:
    if is_tensor_schema(schema):
        return {}
    result: dict[str, str] = {}
    for spec in _specs(schema):
        name = getattr(spec, "name", None)
        type_name = _type_name(getattr(spec, "type", None))
        if name is not None and type_name is not None:
            result[str(name)] = type_name
    return result


def single_column_type(schema: Any) -> str | None:
    """The scalar type of an unnamed single-column ColSpec schema, if that is what the schema is."""
    specs = _specs(schema)
    if len(specs) != 1 or is_tensor_schema(schema) or getattr(specs[0], "name", None) is not None:
        return None
    return _type_name(getattr(specs[0], "type", None))


def tensor_dtypes(schema: Any) -> tuple[Any, dict[str, Any]]:
    """For a tensor schema: (dtype of the unnamed tensor or None, {tensor name: dtype})."""
    if not is_tensor_schema(schema):
        return None, {}
    unnamed = None
    named: dict[str, Any] = {}
    for spec in _specs(schema):
        dtype = getattr(spec, "type", None)
        name = getattr(spec, "name", None)
        if name is None:
            unnamed = dtype
        else:
            named[str(name)] = dtype
    return unnamed, named
