"""Input examples stored next to a model, in MLflow's JSON layouts.

- pandas DataFrame: ``input_example.json`` = ``{"columns": [...], "data": [[...]]}`` (split orient,
  no index), type ``dataframe``; serving body ``{"dataframe_split": {...}}``.
- numpy array / dict of arrays: the nested lists, type ``ndarray``; serving ``{"inputs": ...}``.
- scipy sparse: ``{"data", "indices", "indptr", "shape"}``, type ``sparse_matrix_csr``/``_csc``.
- anything else JSON-able (dict, list, scalar): stored as-is, type ``json_object``.
- ``(example, params)`` tuple: ``{"inputs": <example>, "params": {...}}``, and the serving body
  gets a ``"params"`` key.
"""

from __future__ import annotations

import json
import os
from typing import Any

from weir.exceptions import WeirException

__all__ = ["INPUT_EXAMPLE_FILE", "SERVING_INPUT_FILE", "save_input_example", "read_input_example"]

INPUT_EXAMPLE_FILE = "input_example.json"
SERVING_INPUT_FILE = "serving_input_example.json"


def _json_default(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        import base64

        return base64.b64encode(value).decode("ascii")
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _kind(value: Any) -> str:
    module = type(value).__module__.split(".")[0]
    name = type(value).__name__
    if module == "pandas" and name in ("DataFrame", "Series"):
        return "dataframe"
    if module == "numpy" and name == "ndarray":
        return "ndarray"
    if module == "scipy" and hasattr(value, "tocsr"):
        return "sparse_matrix_csc" if getattr(value, "format", "") == "csc" else "sparse_matrix_csr"
    if isinstance(value, dict) and value and all(_kind(v) == "ndarray" for v in value.values()):
        return "ndarray"
    return "json_object"


def _frame_split(frame: Any) -> dict[str, Any]:
    if type(frame).__name__ == "Series":
        frame = frame.to_frame()
    columns = [c if isinstance(c, (str, int)) else str(c) for c in frame.columns]
    rows = json.loads(json.dumps(frame.to_numpy(dtype=object).tolist(), default=_json_default))
    return {"columns": columns, "data": rows}


def _encode(example: Any, kind: str) -> Any:
    if kind == "dataframe":
        return _frame_split(example)
    if kind == "ndarray":
        if isinstance(example, dict):
            return {k: v.tolist() for k, v in example.items()}
        return example.tolist()
    if kind.startswith("sparse_matrix"):
        return {
            "data": example.data.tolist(),
            "indices": example.indices.tolist(),
            "indptr": example.indptr.tolist(),
            "shape": list(example.shape),
        }
    try:
        return json.loads(json.dumps(example, default=_json_default))
    except (TypeError, ValueError) as exc:
        raise WeirException.invalid_parameter_value(
            f"The input example of type {type(example).__name__} cannot be stored as JSON: {exc}"
        ) from None


def save_input_example(model: Any, input_example: Any, path: str) -> Any:
    """Write the example files into model dir ``path`` and set ``model.saved_input_example_info``.

    Returns the example itself (without params), for signature inference.
    """
    if input_example is None:
        return None
    params = None
    if isinstance(input_example, tuple) and len(input_example) == 2 and isinstance(input_example[1], dict):
        input_example, params = input_example
    kind = _kind(input_example)
    encoded = _encode(input_example, kind)
    stored = encoded if params is None else {"inputs": encoded, "params": _encode(params, "json_object")}
    if kind == "dataframe":
        serving: dict[str, Any] = {"dataframe_split": encoded}
    else:
        serving = {"inputs": encoded}
    if params is not None:
        serving["params"] = stored["params"]
    with open(os.path.join(path, INPUT_EXAMPLE_FILE), "w", encoding="utf-8") as f:
        json.dump(stored, f)
    with open(os.path.join(path, SERVING_INPUT_FILE), "w", encoding="utf-8") as f:
        json.dump(serving, f, indent=2)
    info: dict[str, Any] = {"artifact_path": INPUT_EXAMPLE_FILE, "type": kind}
    if kind == "dataframe":
        info["pandas_orient"] = "split"
    if params is not None:
        info["params"] = "true"
    info["serving_input_path"] = SERVING_INPUT_FILE
    model.saved_input_example_info = info
    return input_example


def read_input_example(model_dir: str, info: dict[str, Any]) -> tuple[Any, dict[str, Any] | None]:
    """Read ``(example, params)`` back from a model dir, as the objects that were saved."""
    file = os.path.join(model_dir, info.get("artifact_path") or INPUT_EXAMPLE_FILE)
    if not os.path.exists(file):
        raise WeirException(f"The model's input example file {file} is missing", "RESOURCE_DOES_NOT_EXIST")
    with open(file, encoding="utf-8") as f:
        try:
            data = json.load(f)
        except ValueError as exc:
            raise WeirException.invalid_parameter_value(f"{file} is not valid JSON: {exc}") from None
    params = None
    has_params = str(info.get("params", "")).lower() == "true"
    if has_params and isinstance(data, dict) and "inputs" in data:
        data, params = data["inputs"], data.get("params")
    kind = info.get("type", "json_object")
    if kind == "dataframe":
        import pandas as pd

        if isinstance(data, dict) and "dataframe_split" in data:
            data = data["dataframe_split"]
        if isinstance(data, dict) and "columns" in data and "data" in data:
            frame = pd.DataFrame(data["data"], columns=data["columns"], index=data.get("index"))
        else:
            frame = pd.DataFrame(data)
        return frame, params
    if kind == "ndarray":
        import numpy as np

        if isinstance(data, dict) and set(data) <= {"inputs", "instances"} and len(data) == 1:
            data = next(iter(data.values()))  # the older {"inputs": ...} layout
        if isinstance(data, dict):
            return {k: np.asarray(v) for k, v in data.items()}, params
        return np.asarray(data), params
    if kind.startswith("sparse_matrix"):
        from scipy import sparse

        build = sparse.csc_matrix if kind == "sparse_matrix_csc" else sparse.csr_matrix
        return build((data["data"], data["indices"], data["indptr"]), shape=tuple(data["shape"])), params
    return data, params
