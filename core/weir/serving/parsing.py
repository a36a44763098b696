"""Turn a scoring request body into model input, following MLflow's scoring protocol.

JSON bodies are objects with exactly one of ``dataframe_split``, ``dataframe_records``, ``instances``
or ``inputs`` plus an optional ``params`` object. Two shapes MLflow 1.x accepted and MLflow 3 rejects
are also read, because tutorials still post them: a bare ``DataFrame.to_json(orient="records")`` list
and a bare ``DataFrame.to_json(orient="split")`` object (``columns``/``index``/``data`` at the top).
CSV bodies are read like ``DataFrame.to_csv()`` wrote them, index column included.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, NamedTuple

from weir.serving._schema import (
    NUMPY_DTYPE_BY_COLUMN_TYPE,
    column_types,
    single_column_type,
    tensor_dtypes,
)
from weir.serving.errors import ScoringInputError, UnsupportedMediaType

DF_SPLIT = "dataframe_split"
DF_RECORDS = "dataframe_records"
INSTANCES = "instances"
INPUTS = "inputs"
PARAMS = "params"
FORMAT_KEYS = (DF_SPLIT, DF_RECORDS, INSTANCES, INPUTS)
_SPLIT_KEYS = frozenset({"columns", "index", "data"})

JSON = "json"
CSV = "csv"
PARQUET = "parquet"
_MIME_TYPES = {
    "application/json": JSON,
    "text/csv": CSV,
    "application/vnd.apache.parquet": PARQUET,
}
_REQUIRED_FORMAT = (
    "The JSON body must be an object with exactly one of the keys 'dataframe_split', "
    "'dataframe_records', 'instances' or 'inputs' (and optionally 'params')"
)


class ScoringInput(NamedTuple):
    data: Any
    params: dict[str, Any] | None


def parse_content_type(header: str | None) -> str:
    """Map a Content-Type header to ``"json"``, ``"csv"`` or ``"parquet"``; anything else is a 415."""
    if not header:
        raise UnsupportedMediaType(
            "Missing Content-Type header; send application/json, text/csv or application/vnd.apache.parquet."
        )
    mime, *parameters = (part.strip() for part in header.split(";"))
    options: dict[str, str] = {}
    for parameter in parameters:
        if parameter:
            key, _, value = parameter.partition("=")
            options[key.strip().lower()] = value.strip().strip('"')
    charset = options.pop("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"Unsupported charset '{charset}': the scoring server only reads UTF-8.")
    if options:
        raise UnsupportedMediaType(
            f"Unrecognized Content-Type parameters: {', '.join(sorted(options))} (only 'charset' is allowed)."
        )
    kind = _MIME_TYPES.get(mime.lower())
    if kind is None:
        raise UnsupportedMediaType(
            f"Unsupported Content-Type '{header}'; send one of {', '.join(_MIME_TYPES)}."
        )
    return kind


def parse_request(body: bytes | str, content_type: str | None, schema: Any = None) -> ScoringInput:
    """Parse a request body given its Content-Type header and the model's input schema."""
    kind = parse_content_type(content_type)
    if kind == JSON:
        return parse_json_input(body, schema)
    if kind == CSV:
        return ScoringInput(parse_csv_input(body, schema), None)
    return ScoringInput(parse_parquet_input(body), None)


# ------------------------------------------------------------------------------------------------ JSON


def parse_json_input(body: bytes | str | Any, schema: Any = None) -> ScoringInput:
    """Parse a JSON scoring body (bytes, text, or an already decoded object)."""
    if isinstance(body, (bytes, bytearray, str)):
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ScoringInputError(f"The request body is not valid JSON: {exc}") from None
    else:
        payload = body

    if isinstance(payload, list):  # a bare DataFrame.to_json(orient="records")
        return ScoringInput(records_to_frame(payload, schema), None)
    if not isinstance(payload, dict):
        raise ScoringInputError(f"{_REQUIRED_FORMAT}; got a JSON {type(payload).__name__}.")
    if "data" in payload and payload.keys() <= _SPLIT_KEYS:  # a bare DataFrame.to_json(orient="split")
        return ScoringInput(split_to_frame(payload, schema), None)

    unknown = [key for key in payload if key not in FORMAT_KEYS and key != PARAMS]
    if unknown:
        raise ScoringInputError(f"{_REQUIRED_FORMAT}; unknown key(s): {', '.join(map(repr, unknown))}.")
    present = [key for key in FORMAT_KEYS if key in payload]
    if len(present) != 1:
        found = ", ".join(map(repr, present)) if present else "none"
        raise ScoringInputError(f"{_REQUIRED_FORMAT}; found {found}.")
    params = payload.get(PARAMS)
    if params is not None and not isinstance(params, dict):
        raise ScoringInputError(f"'params' must be a JSON object; got a JSON {type(params).__name__}.")

    key = present[0]
    value = payload[key]
    if key == DF_SPLIT:
        data = split_to_frame(value, schema)
    elif key == DF_RECORDS:
        data = records_to_frame(value, schema)
    else:
        data = tf_serving_to_arrays(key, value, schema)
    return ScoringInput(data, params)


def _all_floats(rows: list) -> bool:
    return all(type(value) is float for row in rows for value in row)


def _all_numbers(rows: list) -> bool:
    return all(type(value) is float or type(value) is int for row in rows for value in row)


def _float_frame(rows: list, columns: list, index: Any, schema: Any):
    """Build the DataFrame in one block when every cell is a number the schema (or JSON) makes float.

    This gives the frame pandas would build column by column, for a fraction of the cost.
    """
    import numpy as np
    import pandas as pd

    if not rows or not all(type(row) is list and len(row) == len(columns) for row in rows):
        return None
    types = column_types(schema)
    all_double = bool(types) and all(types.get(str(col)) == "double" for col in columns)
    if not (_all_numbers(rows) if all_double else _all_floats(rows)):
        return None
    return pd.DataFrame(np.array(rows, dtype=np.float64), columns=columns, index=index)


def split_to_frame(value: Any, schema: Any = None):
    """``{"columns": [...], "data": [[...]], "index": [...]}`` -> DataFrame."""
    import pandas as pd

    if not isinstance(value, dict):
        raise ScoringInputError(f"'{DF_SPLIT}' must be a JSON object; got a JSON {type(value).__name__}.")
    extra = value.keys() - _SPLIT_KEYS
    if "data" not in value or extra:
        raise ScoringInputError(
            f"'{DF_SPLIT}' needs a 'data' field and optionally 'columns' and 'index'; "
            f"got {sorted(value.keys())}."
        )
    rows, columns, index = value["data"], value.get("columns"), value.get("index")
    if not isinstance(rows, list):
        raise ScoringInputError(f"'{DF_SPLIT}.data' must be a list of rows.")
    if isinstance(columns, list):
        frame = _float_frame(rows, columns, index, schema)
        if frame is not None:
            return frame  # all float64 already: nothing for cast_frame to do
    try:
        frame = pd.DataFrame(data=rows, columns=columns, index=index)
    except Exception as exc:
        raise ScoringInputError(f"'{DF_SPLIT}' is not a valid DataFrame in split orient: {exc}") from None
    return cast_frame(frame, schema, decode_binary=True)


def records_to_frame(value: Any, schema: Any = None):
    """``[{"col": v, ...}, ...]`` -> DataFrame."""
    import pandas as pd

    if not isinstance(value, list):
        raise ScoringInputError(
            f"'{DF_RECORDS}' must be a list of records; got a JSON {type(value).__name__}."
        )
    if value and type(value[0]) is dict:
        columns = list(value[0])
        if all(type(record) is dict and list(record) == columns for record in value):
            frame = _float_frame([list(record.values()) for record in value], columns, None, schema)
            if frame is not None:
                return frame
    try:
        frame = pd.DataFrame(data=value)
    except Exception as exc:
        raise ScoringInputError(f"'{DF_RECORDS}' is not a valid DataFrame in records orient: {exc}") from None
    return cast_frame(frame, schema, decode_binary=True)


def cast_frame(frame: Any, schema: Any, decode_binary: bool = False):
    """Convert columns whose JSON/CSV form differs from the schema type (ints for doubles, base64...)."""
    import base64

    import pandas as pd

    types = column_types(schema)
    if not types:
        return frame
    for name, dtype in zip(frame.columns, frame.dtypes, strict=True):
        type_name = types.get(name)
        if type_name is None or (dtype.kind == "f" and type_name in ("double", "float")):
            continue  # the common case: nothing to convert
        try:
            if type_name in ("double", "float") and dtype.kind in "iu":
                frame[name] = frame[name].astype(NUMPY_DTYPE_BY_COLUMN_TYPE[type_name])
            elif type_name == "datetime" and dtype.kind not in "mM":
                frame[name] = pd.to_datetime(frame[name])
            elif type_name == "binary" and decode_binary and dtype.kind in "OT":
                frame[name] = frame[name].map(lambda v: base64.b64decode(v) if isinstance(v, str) else v)
        except Exception as exc:
            raise ScoringInputError(f"Column '{name}' cannot be read as {type_name}: {exc}") from None
    return frame


def _numpy_dtype(type_name: str | None):
    return NUMPY_DTYPE_BY_COLUMN_TYPE.get(type_name) if type_name else None


def _to_array(value: Any, dtype: Any, what: str):
    import numpy as np

    try:
        return np.array(value, dtype=dtype)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ScoringInputError(f"{what} cannot be read as an array: {exc}") from None


def tf_serving_to_arrays(key: str, value: Any, schema: Any = None):
    """TF-serving ``instances`` (rows) or ``inputs`` (columns) -> ndarray or dict of ndarrays."""
    unnamed_dtype, tensor_types = tensor_dtypes(schema)
    col_types = column_types(schema)

    def dtype_of(name: str):
        if name in tensor_types:
            return tensor_types[name]
        return _numpy_dtype(col_types.get(name))

    if key == INSTANCES and isinstance(value, list) and value and isinstance(value[0], dict):
        if not all(isinstance(row, dict) for row in value):
            raise ScoringInputError("'instances' mixes objects with other values.")
        columns: dict[str, list] = {}
        for row in value:
            for name, cell in row.items():
                columns.setdefault(name, []).append(cell)
        value = columns
    elif isinstance(value, list):
        names = list(tensor_types or col_types)
        if len(names) == 1 and unnamed_dtype is None:  # a single named input: the list is its column
            value = {names[0]: value}
        else:
            dtype = unnamed_dtype if unnamed_dtype is not None else _numpy_dtype(single_column_type(schema))
            return _to_array(value, dtype, f"'{key}'")

    if isinstance(value, dict):
        arrays = {
            str(name): _to_array(cells, dtype_of(str(name)), f"'{key}.{name}'")
            for name, cells in value.items()
        }
        if key == INSTANCES:
            lengths = {name: len(array) for name, array in arrays.items() if array.ndim > 0}
            if len(set(lengths.values())) > 1:
                raise ScoringInputError(f"The 'instances' rows give columns of different lengths: {lengths}.")
        return arrays
    return value  # a scalar or string: passed to the model as sent


# ------------------------------------------------------------------------------------------------- CSV


def _csv_dtypes(schema: Any) -> dict[str, Any]:
    dtypes: dict[str, Any] = {}
    for name, type_name in column_types(schema).items():
        if type_name == "string":
            dtypes[name] = str
        elif type_name in NUMPY_DTYPE_BY_COLUMN_TYPE:
            dtypes[name] = NUMPY_DTYPE_BY_COLUMN_TYPE[type_name]
    return dtypes


def parse_csv_input(body: bytes | str, schema: Any = None):
    """Read a CSV body into a DataFrame, typed by the schema.

    A header starting with an empty name is the index column ``DataFrame.to_csv()`` writes by default;
    it becomes the index instead of an ``Unnamed: 0`` feature.
    """
    import pandas as pd

    if isinstance(body, (bytes, bytearray)):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScoringInputError(f"The CSV body is not valid UTF-8: {exc}") from None
    if not body.strip():
        raise ScoringInputError("The CSV body is empty; send a header line and at least one row.")
    header = next(csv.reader([body.lstrip("\ufeff").split("\n", 1)[0]]), [])
    index_col = 0 if header and header[0].strip() == "" else None
    dtypes = {name: dtype for name, dtype in _csv_dtypes(schema).items() if name in header}
    try:
        frame = pd.read_csv(io.StringIO(body), index_col=index_col, dtype=dtypes or None)
    except Exception as exc:
        raise ScoringInputError(
            f"Failed to read the CSV body as a DataFrame (write it with DataFrame.to_csv())"
            f"{_csv_culprit(body, index_col, dtypes)}: {exc}"
        ) from None
    if index_col is not None:
        frame.index.name = None
    return cast_frame(frame, schema)


def _csv_culprit(body: str, index_col: int | None, dtypes: dict[str, Any]) -> str:
    """Name the schema column whose values do not convert, for the error message."""
    import pandas as pd

    if not dtypes:
        return ""
    try:
        untyped = pd.read_csv(io.StringIO(body), index_col=index_col)
    except Exception:
        return ""
    for name, dtype in dtypes.items():
        try:
            untyped[name].astype(dtype)
        except Exception:
            return f"; column '{name}' does not match the schema type {_type_label(dtype)}"
    return ""


def _type_label(dtype: Any) -> str:
    return "string" if dtype is str else str(dtype)


def parse_parquet_input(body: bytes):
    import pandas as pd

    try:
        return pd.read_parquet(io.BytesIO(body))
    except Exception as exc:
        raise ScoringInputError(f"Failed to read the Parquet body as a DataFrame: {exc}") from None
