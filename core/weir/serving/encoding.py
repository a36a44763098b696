"""Predictions -> the JSON body ``{"predictions": ...}``, converted the way MLflow's server does it.

ndarrays become (nested) lists, a DataFrame becomes a list of records, a Series becomes the records of
its one-column frame, dicts and lists stay as they are; numpy scalars, dates and bytes inside any of
these are converted on the way.
"""

from __future__ import annotations

import base64
import datetime
import json
import sys
from typing import Any


def to_jsonable(predictions: Any) -> Any:
    """Top-level conversion of a model output (numpy/pandas types), as MLflow's ``_get_jsonable_obj``."""
    numpy = sys.modules.get("numpy")
    pandas = sys.modules.get("pandas")
    if numpy is not None and isinstance(predictions, numpy.ndarray):
        return predictions.tolist()
    if pandas is not None:
        if isinstance(predictions, pandas.DataFrame):
            return predictions.to_dict(orient="records")
        if isinstance(predictions, pandas.Series):
            return pandas.DataFrame(predictions).to_dict(orient="records")
    return predictions


def _default(value: Any) -> Any:
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        if isinstance(value, numpy.generic):
            return value.item()
        if isinstance(value, numpy.ndarray):
            return value.tolist()
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()  # pandas.Timestamp is a datetime
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    converted = to_jsonable(value)
    if converted is not value:
        return converted
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def encode_predictions(predictions: Any) -> bytes:
    """The response body for a successful invocation."""
    return json.dumps({"predictions": to_jsonable(predictions)}, default=_default).encode("utf-8")


def encode_error(error_code: str, message: str) -> bytes:
    return json.dumps({"error_code": error_code, "message": message}).encode("utf-8")
