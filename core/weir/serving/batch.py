"""Batch scoring from files: what ``weir models predict`` runs."""

from __future__ import annotations

import os
import sys
from typing import IO, Any

from weir.serving.encoding import encode_predictions
from weir.serving.parsing import CSV, JSON, parse_csv_input, parse_json_input


def content_type_for(path: str | None, content_type: str | None) -> str:
    """``json`` or ``csv``: the given one, else from the file extension, else json (as MLflow)."""
    if content_type:
        return content_type.lower()
    if path and path.lower().endswith(".csv"):
        return CSV
    return JSON


def predict_batch(
    model: Any,
    input_path: str | None,
    output: str | IO[str] | None = None,
    content_type: str | None = None,
) -> bytes:
    """Score a JSON or CSV file (``None`` or ``-`` reads stdin) and write ``{"predictions": ...}``.

    ``model`` is a model URI or a loaded pyfunc model. JSON input takes every shape the server
    accepts; ``output`` is a path, a text stream, or ``None`` for stdout. Returns the JSON bytes.
    """
    kind = content_type_for(input_path, content_type)
    if kind not in (JSON, CSV):
        from weir.exceptions import InvalidParameterValue

        raise InvalidParameterValue(f"Unknown content type '{content_type}'; use json or csv.")
    if input_path in (None, "-"):
        raw: bytes = sys.stdin.buffer.read()
    else:
        with open(input_path, "rb") as handle:
            raw = handle.read()
    if isinstance(model, (str, os.PathLike)):
        from weir.serving.app import load_scoring_model

        model = load_scoring_model(os.fspath(model))
    schema = model.metadata.get_input_schema() if hasattr(model, "metadata") else None
    if kind == JSON:
        data, params = parse_json_input(raw, schema)
    else:
        data, params = parse_csv_input(raw, schema), None
    predictions = model.predict(data, params=params) if params else model.predict(data)
    body = encode_predictions(predictions)
    if output is None:
        sys.stdout.write(body.decode("utf-8") + "\n")
    elif isinstance(output, (str, os.PathLike)):
        with open(output, "wb") as handle:
            handle.write(body)
    else:
        output.write(body.decode("utf-8"))
    return body
