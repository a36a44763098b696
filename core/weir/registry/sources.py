"""What a new model version stores for a model URI: its files' location and its lineage.

- ``runs:/<run_id>/<path>``: the run's concrete artifact location of ``path`` (checked to hold an
  ``MLmodel``), the run id, and a link to the run;
- ``models:/...``: the source, run id and run link of the version it names;
- a local path or ``file:`` URI: the absolute ``file:`` URI (checked to hold an ``MLmodel``);
- any other URI (``s3://``, ``mlflow-artifacts:/``...): stored as given.
"""

from __future__ import annotations

import os
import pathlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from weir.exceptions import InvalidParameterValue, ResourceDoesNotExist, WeirException

MLMODEL = "MLmodel"


@dataclass(frozen=True)
class RegistrationSource:
    source: str
    run_id: str | None = None
    run_link: str | None = None


def run_link(tracking_uri: str, experiment_id: str, run_id: str) -> str:
    """The UI address of a run: absolute for a tracking server, else the fragment ``weir ui`` opens."""
    fragment = f"#/experiments/{experiment_id}/runs/{run_id}"
    if urlparse(tracking_uri).scheme.lower() in ("http", "https"):
        return f"{tracking_uri.rstrip('/')}/{fragment}"
    return fragment


def registration_source(client: Any, model_uri: str) -> RegistrationSource:
    """Resolve ``model_uri`` for ``create_model_version``; raises naming the run or path at fault."""
    from weir.models.uri import parse_model_uri

    parsed = parse_model_uri(model_uri)
    if parsed.scheme == "runs":
        return _from_run(client, model_uri, parsed.run_id, parsed.artifact_path or "")
    if parsed.scheme == "models":
        return _from_registry(client, model_uri, parsed)
    if parsed.scheme == "file":
        return _from_local(model_uri, parsed.local_path)
    return RegistrationSource(model_uri)


def _from_run(client: Any, model_uri: str, run_id: str, path: str) -> RegistrationSource:
    try:
        run = client.get_run(run_id)
    except WeirException as exc:
        if exc.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise
        raise ResourceDoesNotExist(
            f"Cannot register {model_uri!r}: run {run_id!r} not found in the tracking store {client.tracking_uri}"
        ) from None
    listing = client.list_artifacts(run_id, path or None)
    if not any(not info.is_dir and info.path.rsplit("/", 1)[-1] == MLMODEL for info in listing):
        models = _model_paths(client, run_id)
        hint = f" The run has models at: {', '.join(models)}." if models else " The run has no logged model."
        where = f"artifact path {path!r}" if path else "the artifact root"
        raise ResourceDoesNotExist(
            f"Cannot register {model_uri!r}: no model at {where} of run {run_id} (no {MLMODEL} file there).{hint}"
        )
    return RegistrationSource(
        source=client.get_artifact_uri(run_id, path or None),
        run_id=run_id,
        run_link=run_link(client.tracking_uri, run.info.experiment_id, run_id),
    )


def _model_paths(client: Any, run_id: str) -> list[str]:
    """Top-level artifact folders of a run that hold an MLmodel (for error hints)."""
    found = []
    for info in client.list_artifacts(run_id):
        if info.is_dir and any(
            child.path.rsplit("/", 1)[-1] == MLMODEL for child in client.list_artifacts(run_id, info.path)
        ):
            found.append(info.path)
    return found


def _from_registry(client: Any, model_uri: str, parsed: Any) -> RegistrationSource:
    from weir.registry.resolve import find_model_version

    if parsed.name is None:
        return _from_logged_model(client, model_uri, parsed.model_id)
    version = find_model_version(
        parsed.name, version=parsed.version, stage=parsed.stage, alias=parsed.alias, client=client
    )
    source = version.source
    if parsed.subpath:
        source = f"{source.rstrip('/')}/{parsed.subpath}"
    return RegistrationSource(source, version.run_id, version.run_link)


def _from_logged_model(client: Any, model_uri: str, model_id: str) -> RegistrationSource:
    """An MLflow 3 logged model: the version's source stays ``models:/m-<id>``, as MLflow keeps it."""
    from weir.registry.resolve import get_logged_model

    logged = get_logged_model(model_id, client)
    if not logged.source_run_id:
        return RegistrationSource(model_uri)
    link = run_link(client.tracking_uri, logged.experiment_id, logged.source_run_id)
    return RegistrationSource(model_uri, logged.source_run_id, link)


def _from_local(model_uri: str, local_path: str | None) -> RegistrationSource:
    path = pathlib.Path(local_path or "").absolute()
    if not os.path.isfile(path / MLMODEL):
        if not path.exists():
            raise ResourceDoesNotExist(f"Cannot register {model_uri!r}: {str(path)!r} does not exist.")
        raise InvalidParameterValue(
            f"Cannot register {model_uri!r}: {str(path)!r} is not a model directory (no {MLMODEL} file there)."
        )
    return RegistrationSource(path.as_uri())
