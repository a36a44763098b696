"""Checking and converting model inputs against a signature before ``predict``.

Column schemas: the input becomes a DataFrame (dicts, lists of dicts, lists and 2-D arrays are
converted; a headerless table whose width equals the schema gets the schema's names), required
columns must be present (the error names the missing ones), extra columns are dropped, and each
column is converted to its declared type only when no value changes: int -> long, float -> double,
int -> float/double when every value is exactly representable. Anything else (double -> long,
string -> double...) raises, naming the column and both types.

Tensor schemas: arrays must match the declared shape (``-1`` is any size) and have a dtype that
converts without loss. Params are checked against the ParamSchema and defaults filled in.
"""

from __future__ import annotations

import logging
from typing import Any

from weir.exceptions import WeirException
from weir.types.schema import DataType, ParamSchema, ParamSpec, Schema

__all__ = ["enforce_schema", "validate_params", "validate_schema"]

_logger = logging.getLogger(__name__)


def _error(message: str) -> WeirException:
    return WeirException(message, "BAD_REQUEST")


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, bytes, int, float, bool)) or (
        hasattr(value, "ndim") and getattr(value, "ndim", 1) == 0
    )


def _to_frame(data: Any, schema: Schema):
    import numpy as np
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return data
    try:
        if isinstance(data, pd.Series):
            frame = data.to_frame(name=data.name if data.name is not None else 0)
        elif isinstance(data, dict):
            if all(_is_scalar(v) for v in data.values()):
                frame = pd.DataFrame([data])
            else:
                frame = pd.DataFrame(
                    {
                        k: v.tolist() if isinstance(v, np.ndarray) and v.ndim > 1 else v
                        for k, v in data.items()
                    }
                )
        elif isinstance(data, (str, bytes)):
            frame = pd.DataFrame([data])
        elif isinstance(data, (list, tuple, np.ndarray)):
            frame = pd.DataFrame(list(data) if isinstance(data, tuple) else data)
        else:
            raise _error(
                f"This model has a column-based signature and expects a DataFrame-like input; "
                f"got {type(data).__name__}"
            )
    except WeirException:
        raise
    except Exception as exc:
        raise _error(
            f"Could not convert the input of type {type(data).__name__} to a DataFrame: {exc}"
        ) from None
    names = schema.input_names()
    if (
        schema.has_input_names()
        and isinstance(frame.columns, pd.RangeIndex)
        and len(frame.columns) == len(names)
        and not set(names) & set(frame.columns)
    ):
        frame.columns = names  # a headerless table in signature order
    return frame


def _exactly_representable(values: Any, target: Any) -> bool:
    import numpy as np

    converted = values.astype(target)
    back = converted.astype(values.dtype)
    return bool(np.array_equal(back.to_numpy(), values.to_numpy()))


def _widens_safely(values: Any, target: Any) -> bool:
    kind = values.dtype.kind
    if kind == target.kind and kind in "iufb":
        return values.dtype.itemsize <= target.itemsize
    if kind == "u" and target.kind == "i":
        return values.dtype.itemsize < target.itemsize
    if kind in "iu" and target.kind == "f":
        return values.dtype.itemsize < target.itemsize or _exactly_representable(values, target)
    return False


def _convert_column(name: Any, values: Any, dtype: DataType) -> Any:
    import numpy as np
    import pandas as pd

    if dtype in (DataType.string, DataType.binary):
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype) or values.dtype.kind in "SU":
            return values
        raise _error(
            f"Incompatible input types for column {name}. Can not safely convert {values.dtype} to {dtype.name}."
        )
    if values.dtype == object:
        values = values.infer_objects()
        if dtype is DataType.boolean and values.dtype == object:
            return values  # keeps None as None rather than False
    target = dtype.to_numpy()
    if values.dtype == target:
        return values
    kind = values.dtype.kind
    if dtype is DataType.datetime:
        if kind == "M" or values.dtype == object:
            try:
                return values.astype("datetime64[ns]")
            except (TypeError, ValueError) as exc:
                raise _error(
                    f"Failed to convert column {name} from type {values.dtype} to datetime: {exc}"
                ) from None
    elif _widens_safely(values, target):
        return values.astype(target)
    hint = ""
    if kind == "f" and target.kind in "iu" and values.hasnans:
        hint = (
            " Hint: integer columns cannot hold missing values, so pandas stores them as floats; "
            "declare the column as double if it may have missing values."
        )
    raise _error(
        f"Incompatible input types for column {name}. "
        f"Can not safely convert {values.dtype} to {np.dtype(target)} (schema type {dtype.name}).{hint}"
    )


_NUMERIC_TYPES = (DataType.integer, DataType.long, DataType.float, DataType.double)


def _already_typed(frame: Any, specs: list) -> bool:
    """True when the frame has exactly the spec columns, in order, each already of the numeric
    dtype its spec converts to: then there is nothing to convert (the common case when serving)."""
    if list(frame.columns) != [spec.name for spec in specs]:
        return False
    return all(
        spec.type in _NUMERIC_TYPES and dtype == spec.type.to_numpy()
        for spec, dtype in zip(specs, frame.dtypes, strict=True)
    )


def _enforce_columns(data: Any, schema: Schema) -> Any:
    frame = _to_frame(data, schema)
    if schema.has_input_names():
        required = schema.required_input_names()
        optional = set(schema.optional_input_names())
        present = list(frame.columns)
        missing = [c for c in required if c not in present]
        extra = [c for c in present if c not in required and c not in optional]
        if missing:
            message = f"Model is missing inputs {missing}."
            if extra:
                message += f" Note that there were extra inputs: {extra}."
            raise _error(message)
        if extra:
            _logger.warning(
                "Found extra inputs in the model input that are not defined in the model signature: %s. "
                "These inputs will be ignored.",
                extra,
            )
        specs = [spec for spec in schema.inputs if spec.name in present]
        if _already_typed(frame, specs):
            return frame
        out = frame[[spec.name for spec in specs]].copy()
        for spec in specs:
            if isinstance(spec.type, DataType):
                column = out[spec.name]
                converted = _convert_column(spec.name, column, spec.type)
                if converted is not column:  # assigning every column splits the frame's blocks: slow
                    out[spec.name] = converted
        return out
    if len(frame.columns) < len(schema.inputs):
        raise _error(
            f"Model inference is missing inputs. The model signature declares {len(schema.inputs)} inputs "
            f"but the provided value only has {len(frame.columns)} inputs. Note: the inputs were not named "
            "in the signature so only their count can be checked."
        )
    out = frame.copy()
    for position, spec in enumerate(schema.inputs):
        column = out.columns[position]
        if isinstance(spec.type, DataType):
            out[column] = _convert_column(column, out[column], spec.type)
    return out


def _check_tensor(name: str, array: Any, spec: Any) -> Any:
    import numpy as np

    array = np.asarray(array)
    expected = spec.shape
    if array.ndim != len(expected) or any(
        e != -1 and e != a for e, a in zip(expected, array.shape, strict=False)
    ):
        raise _error(f"Shape of input {name} {array.shape} does not match expected shape {expected}.")
    target = spec.type
    if array.dtype == target:
        return array
    same_kind = array.dtype.kind == target.kind and array.dtype.itemsize <= target.itemsize
    if (
        same_kind
        or (target.kind in "OUS" and array.dtype.kind in "OUS")
        or np.can_cast(array.dtype, target, "safe")
    ):
        return array.astype(target)
    raise _error(f"dtype of input {name} is {array.dtype}, which does not match the expected dtype {target}.")


def _enforce_tensors(data: Any, schema: Schema) -> Any:
    import numpy as np
    import pandas as pd

    specs = schema.inputs
    if schema.has_input_names() and len(specs) > 1 or isinstance(data, dict):
        if isinstance(data, pd.DataFrame):
            data = {c: data[c].to_numpy() for c in data.columns}
        if not isinstance(data, dict):
            raise _error(
                f"This model takes named tensors {schema.input_names()}; pass a dict of arrays, "
                f"got {type(data).__name__}"
            )
        missing = [spec.name for spec in specs if spec.name not in data]
        if missing:
            raise _error(f"Model is missing inputs {missing}.")
        return {spec.name: _check_tensor(spec.name, data[spec.name], spec) for spec in specs}
    spec = specs[0]
    if isinstance(data, pd.DataFrame):
        data = data.to_numpy()
    elif not isinstance(data, np.ndarray):
        data = np.asarray(data)
    return _check_tensor(spec.name or "tensor", data, spec)


def enforce_schema(data: Any, schema: Schema | None) -> Any:
    """``data`` checked against ``schema`` and converted; unchanged when there is no schema."""
    if schema is None or not schema.inputs:
        return data
    if schema.is_tensor_spec():
        return _enforce_tensors(data, schema)
    return _enforce_columns(data, schema)


def validate_schema(data: Any, schema: Schema) -> None:
    """Raise if ``data`` does not match ``schema`` (MLflow's ``validate_schema``)."""
    enforce_schema(data, schema)


def validate_params(params: dict[str, Any] | None, schema: ParamSchema | None) -> dict[str, Any] | None:
    """Params checked against the schema, with defaults for the ones not given."""
    if schema is None:
        if params:
            _logger.warning(
                "`params` were given but the model signature defines no params schema; they are ignored: %s",
                sorted(params),
            )
        return None
    if params is not None and not isinstance(params, dict):
        raise WeirException.invalid_parameter_value(f"params must be a dict, got {type(params).__name__}")
    params = params or {}
    known = {spec.name for spec in schema.params}
    unknown = sorted(set(params) - known)
    if unknown:
        _logger.warning("Unrecognized params %s are ignored; the model accepts %s", unknown, sorted(known))
    out: dict[str, Any] = {}
    for spec in schema.params:
        if spec.name in params:
            out[spec.name] = ParamSpec.validate_value(spec.name, spec.dtype, spec.shape, params[spec.name])
        else:
            out[spec.name] = spec.default
    return out
