"""Inferring a ``Schema`` from data, the way ``mlflow.models.infer_signature`` does.

pandas DataFrames and Series give column specs, numpy arrays (and dicts of arrays) give tensor
specs, and plain Python lists, dicts and scalars give column specs (nested lists become ``Array``,
dicts inside columns become ``Object``). numpy and pandas are imported only when the data is one.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from weir.exceptions import WeirException
from weir.types.schema import (
    Array,
    ColSpec,
    DataType,
    Object,
    ParamSchema,
    ParamSpec,
    Property,
    Schema,
    TensorSpec,
)

__all__ = ["infer_schema", "infer_param_schema", "datatype_from_numpy"]


def _type_module(value: Any) -> str:
    return type(value).__module__.split(".")[0]


def _is_dataframe(value: Any) -> bool:
    return _type_module(value) == "pandas" and type(value).__name__ == "DataFrame"


def _is_series(value: Any) -> bool:
    return _type_module(value) == "pandas" and type(value).__name__ == "Series"


def _is_ndarray(value: Any) -> bool:
    return _type_module(value) == "numpy" and type(value).__name__ == "ndarray"


def _is_sparse(value: Any) -> bool:
    return _type_module(value) == "scipy" and hasattr(value, "tocsr") and hasattr(value, "shape")


def datatype_from_numpy(dtype: Any) -> DataType | None:
    """The column type for a numpy/pandas dtype, or None when values must be inspected (object)."""
    kind = getattr(dtype, "kind", None)
    name = str(dtype)
    if kind == "b" or name == "boolean":
        return DataType.boolean
    if kind == "i":
        return DataType.integer if dtype.itemsize <= 4 else DataType.long
    if kind == "u":
        return DataType.integer if dtype.itemsize <= 2 else DataType.long
    if kind == "f":
        return DataType.float if dtype.itemsize <= 4 else DataType.double
    if kind == "M" or name.startswith("datetime64"):
        return DataType.datetime
    if kind == "U" or name in ("string", "str") or name.startswith("string["):
        return DataType.string
    if kind == "S":
        return DataType.binary
    if name.startswith(("Int", "UInt")):  # pandas nullable integers
        bits = int("".join(ch for ch in name if ch.isdigit()) or 64)
        return DataType.integer if bits <= 32 and name.startswith("Int") else DataType.long
    if name.startswith("Float"):
        return DataType.float if name == "Float32" else DataType.double
    if name == "category":
        return None
    return None


def _python_value_type(value: Any, where: str) -> Any:
    """The type of one Python (or numpy) value: a DataType, Array or Object."""
    if isinstance(value, bool):
        return DataType.boolean
    if isinstance(value, int):
        return DataType.long
    if isinstance(value, float):
        return DataType.double
    if isinstance(value, str):
        return DataType.string
    if isinstance(value, (bytes, bytearray)):
        return DataType.binary
    if isinstance(value, (_dt.datetime, _dt.date)):
        return DataType.datetime
    if _type_module(value) == "numpy":
        if _is_ndarray(value):
            return Array(_merge_types([_python_value_type(v, where) for v in value.tolist()], where))
        found = datatype_from_numpy(getattr(value, "dtype", None))
        if found is not None:
            return found
    if _type_module(value) == "pandas" and type(value).__name__ == "Timestamp":
        return DataType.datetime
    if isinstance(value, (list, tuple)):
        if not value:
            raise WeirException.invalid_parameter_value(
                f"Cannot infer the item type of an empty list in {where}"
            )
        return Array(_merge_types([_python_value_type(v, where) for v in value], where))
    if isinstance(value, dict):
        return Object(
            [
                Property(str(k), _python_value_type(v, f"{where}.{k}"))
                for k, v in value.items()
                if v is not None
            ]
        )
    raise WeirException.invalid_parameter_value(
        f"Cannot infer a schema type for a value of type {type(value).__name__} in {where}"
    )


def _merge_types(types: list[Any], where: str) -> Any:
    distinct: list[Any] = []
    for found in types:
        if found not in distinct:
            distinct.append(found)
    if len(distinct) == 1:
        return distinct[0]
    if set(distinct) <= {DataType.long, DataType.double, DataType.integer, DataType.float}:
        return DataType.double
    if all(isinstance(t, Object) for t in distinct):
        return _merge_objects(distinct)
    raise WeirException.invalid_parameter_value(
        f"Cannot infer one type for {where}: found {', '.join(repr(t) for t in distinct)}"
    )


def _merge_objects(objects: list[Object]) -> Object:
    by_name: dict[str, list[Any]] = {}
    for obj in objects:
        for prop in obj.properties:
            by_name.setdefault(prop.name, []).append(prop.dtype)
    return Object(
        [
            Property(name, _merge_types(found, name), required=len(found) == len(objects))
            for name, found in by_name.items()
        ]
    )


def _infer_pandas_column(column: Any, name: Any) -> ColSpec:
    where = f"column {name!r}" if name is not None else "the input"
    required = not bool(column.isna().any()) if len(column) else True
    found = datatype_from_numpy(column.dtype)
    if found is None:
        values = [v for v in column.tolist() if v is not None and not _is_nan(v)]
        if not values:
            raise WeirException.invalid_parameter_value(f"Cannot infer the type of {where}: it has no values")
        found = _merge_types([_python_value_type(v, where) for v in values], where)
    return ColSpec(found, name, required=required)


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and value != value


def _tensor_spec(array: Any, name: str | None = None) -> TensorSpec:
    shape = list(array.shape)
    if shape:
        shape[0] = -1
    dtype = array.dtype
    return TensorSpec("str" if dtype.kind == "U" else dtype, shape, name)


def infer_schema(data: Any) -> Schema:
    """A Schema describing ``data`` (DataFrame, Series, ndarray, dict, list or scalar)."""
    if _is_dataframe(data):
        return Schema([_infer_pandas_column(data[col], col) for col in data.columns])
    if _is_series(data):
        return Schema([_infer_pandas_column(data, data.name)])
    if _is_ndarray(data):
        return Schema([_tensor_spec(data)])
    if _is_sparse(data):
        return Schema([_tensor_spec(data)])
    if isinstance(data, dict):
        if not data:
            raise WeirException.invalid_parameter_value("Cannot infer a schema from an empty dict")
        if all(_is_ndarray(v) for v in data.values()):
            return Schema([_tensor_spec(v, str(k)) for k, v in data.items()])
        return Schema(
            [ColSpec(_python_value_type(v, f"key {k!r}"), str(k)) for k, v in data.items() if v is not None]
        )
    if isinstance(data, (list, tuple)):
        if not data:
            raise WeirException.invalid_parameter_value("Cannot infer a schema from an empty list")
        if all(isinstance(row, dict) for row in data):
            merged = _merge_objects([_python_value_type(row, "the input") for row in data])
            return Schema([ColSpec(p.dtype, p.name, required=p.required) for p in merged.properties])
        return Schema(
            [ColSpec(_merge_types([_python_value_type(v, "the input") for v in data], "the input"))]
        )
    return Schema([ColSpec(_python_value_type(data, "the input"))])


def infer_param_schema(params: dict[str, Any]) -> ParamSchema:
    """A ParamSchema whose defaults are ``params``' values (scalars or 1-D lists)."""
    if not isinstance(params, dict):
        raise WeirException.invalid_parameter_value(f"params must be a dict, got {type(params).__name__}")
    specs = []
    for name, value in params.items():
        if _is_ndarray(value):
            value = value.tolist()
        if isinstance(value, (list, tuple)):
            item_type = _python_value_type(list(value), f"param {name!r}")
            if not isinstance(item_type.dtype, DataType):
                raise WeirException.invalid_parameter_value(
                    f"Param {name!r}: only lists of scalars are supported, got {value!r}"
                )
            specs.append(ParamSpec(name, item_type.dtype, list(value), (-1,)))
            continue
        found = _python_value_type(value, f"param {name!r}")
        if not isinstance(found, DataType):
            raise WeirException.invalid_parameter_value(
                f"Param {name!r} must be a scalar or a list of scalars, got {type(value).__name__}"
            )
        specs.append(ParamSpec(name, found, value))
    return ParamSchema(specs)
