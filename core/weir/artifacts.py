"""MLflow's ``mlflow.artifacts``: download, list and read artifacts by run id or by URI.

    weir.artifacts.download_artifacts(run_id=run_id, artifact_path="model", dst_path="out")
    weir.artifacts.download_artifacts("runs:/<run_id>/model")       # also models:/, file:, s3://...
    weir.artifacts.list_artifacts(run_id=run_id)
    weir.artifacts.load_dict("runs:/<run_id>/config.yaml")           # JSON or YAML

Like every artifact read in weir, these first wait for artifacts that plugins are still logging in
the background (``weir.tracking.background``).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from weir.entities import FileInfo
from weir.exceptions import InvalidParameterValue
from weir.tracking.background import wait_for_background_work

__all__ = ["download_artifacts", "list_artifacts", "load_dict", "load_text"]


def _one_source(artifact_uri: str | None, run_id: str | None, artifact_path: str | None) -> None:
    if (artifact_uri is None) == (run_id is None):
        raise InvalidParameterValue("Give exactly one of artifact_uri or run_id.")
    if artifact_uri is not None and artifact_path is not None:
        raise InvalidParameterValue("artifact_path goes with run_id; put the path in artifact_uri instead.")


def _location(artifact_uri: str) -> str:
    """The repository URI behind ``artifact_uri``: runs:/ and models:/ resolved, local paths as file URIs."""
    from weir.models.uri import resolve_model_uri

    location = resolve_model_uri(artifact_uri)
    parsed = urlparse(location)
    if parsed.scheme in ("", "file"):
        return Path(parsed.path if parsed.scheme else location).resolve().as_uri()
    return location


def download_artifacts(
    artifact_uri: str | None = None,
    run_id: str | None = None,
    artifact_path: str | None = None,
    dst_path: str | None = None,
    tracking_uri: str | None = None,
) -> str:
    """Download a run's artifact (file or folder) and return its local path.

    Either ``run_id`` (with an optional ``artifact_path``; the whole artifact root without) or an
    ``artifact_uri`` (``runs:/``, ``models:/``, ``file:``, a path or a remote store URI).
    Without ``dst_path`` the files go to a new temporary directory.
    """
    from weir.store.artifacts.paths import split_artifact_uri
    from weir.store.factory import get_artifact_repository
    from weir.tracking.client import WeirClient

    _one_source(artifact_uri, run_id, artifact_path)
    if dst_path is not None:
        os.makedirs(dst_path, exist_ok=True)
    if run_id is not None:
        return WeirClient(tracking_uri=tracking_uri).download_artifacts(run_id, artifact_path or "", dst_path)
    wait_for_background_work()
    parent, name = split_artifact_uri(_location(artifact_uri))  # type: ignore[arg-type]
    destination = dst_path if dst_path is not None else tempfile.mkdtemp(prefix="weir-artifacts-")
    return get_artifact_repository(parent).download_artifacts(name, destination)


def list_artifacts(
    artifact_uri: str | None = None,
    run_id: str | None = None,
    artifact_path: str | None = None,
    tracking_uri: str | None = None,
) -> list[FileInfo]:
    """The files and folders directly under a run's ``artifact_path`` (or under ``artifact_uri``)."""
    from weir.store.factory import get_artifact_repository
    from weir.tracking.client import WeirClient

    _one_source(artifact_uri, run_id, artifact_path)
    if run_id is not None:
        return WeirClient(tracking_uri=tracking_uri).list_artifacts(run_id, artifact_path)
    wait_for_background_work()
    return get_artifact_repository(_location(artifact_uri)).list_artifacts(None)  # type: ignore[arg-type]


def load_text(artifact_uri: str) -> str:
    """The content of a text artifact."""
    with tempfile.TemporaryDirectory(prefix="weir-artifact-") as tmp:
        return Path(download_artifacts(artifact_uri, dst_path=tmp)).read_text(encoding="utf-8")


def load_dict(artifact_uri: str) -> Any:
    """A JSON or YAML artifact, parsed (by extension: ``.yaml``/``.yml`` as YAML, else JSON)."""
    text = load_text(artifact_uri)
    if artifact_uri.lower().endswith((".yaml", ".yml")):
        import yaml

        return yaml.safe_load(text)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidParameterValue(f"Artifact {artifact_uri!r} is not valid JSON: {exc}") from None
