"""Resolving a model URI to a local model directory: the one place every ``load_model`` goes through.

    >>> download_model("runs:/0a1b.../model")        # a local dir holding MLmodel
    >>> download_model("models:/churn@champion")

Accepted forms: a local path, ``file:`` URIs, ``runs:/<run_id>/<path>``,
``models:/<name>/<version>``, ``models:/<name>/<stage>``, ``models:/<name>/latest``,
``models:/<name>@<alias>`` (each optionally followed by ``/<subpath>``), and any URI an installed
artifact-repository plugin handles (``s3://``, ``mlflow-artifacts:/``...). Models in a local store
are returned in place, without copying, unless ``dst_path`` asks for a copy.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from weir.exceptions import WeirException

__all__ = ["ModelUri", "download_model", "local_path_from_file_uri", "parse_model_uri", "resolve_model_uri"]

_STAGES = {"none": "None", "staging": "Staging", "production": "Production", "archived": "Archived"}
_MAX_INDIRECTIONS = 5


@dataclass(frozen=True)
class ModelUri:
    """A parsed model URI. ``scheme`` is ``runs``, ``models``, ``file`` or another URI scheme."""

    scheme: str
    uri: str
    run_id: str | None = None
    artifact_path: str | None = None
    name: str | None = None
    version: str | None = None
    stage: str | None = None
    alias: str | None = None
    latest: bool = False
    model_id: str | None = None
    subpath: str | None = None
    local_path: str | None = None


def _scheme(uri: str) -> str:
    parsed = urlparse(uri)
    scheme = parsed.scheme
    if len(scheme) == 1:  # a Windows drive letter, not a scheme
        return ""
    return scheme


def local_path_from_file_uri(uri: str) -> str:
    parsed = urlparse(uri)
    if parsed.netloc not in ("", "localhost"):
        raise WeirException.invalid_parameter_value(
            f"file: URI {uri!r} names a remote host {parsed.netloc!r}"
        )
    return url2pathname(unquote(parsed.path))


def _invalid(uri: str, expected: str) -> WeirException:
    return WeirException.invalid_parameter_value(f"Invalid model URI {uri!r}: expected {expected}")


def parse_model_uri(uri: str | os.PathLike) -> ModelUri:
    """Split a model URI into its parts, without touching any store."""
    uri = os.fspath(uri)
    if not isinstance(uri, str) or not uri:
        raise WeirException.invalid_parameter_value(f"A model URI must be a non-empty string, got {uri!r}")
    scheme = _scheme(uri)
    if scheme == "":
        return ModelUri("file", uri, local_path=os.path.abspath(os.path.expanduser(uri)))
    if scheme == "file":
        return ModelUri("file", uri, local_path=local_path_from_file_uri(uri))
    if scheme == "runs":
        return _parse_runs_uri(uri)
    if scheme == "models":
        return _parse_models_uri(uri)
    return ModelUri(scheme, uri)


def _parse_runs_uri(uri: str) -> ModelUri:
    parsed = urlparse(uri)
    if parsed.netloc:
        raise _invalid(uri, "runs:/<run_id>/<artifact path> (a single slash after 'runs:')")
    parts = [p for p in parsed.path.split("/") if p]
    if not parts:
        raise _invalid(uri, "runs:/<run_id>/<artifact path>")
    run_id = parts[0]
    if not re.match(r"^[a-zA-Z0-9][\w\-]{0,255}$", run_id):
        raise _invalid(uri, "a run id of letters, digits, '_' or '-' after runs:/")
    path = "/".join(parts[1:])
    if ".." in parts[1:]:
        raise _invalid(uri, "an artifact path without '..'")
    return ModelUri("runs", uri, run_id=run_id, artifact_path=path)


def _parse_models_uri(uri: str) -> ModelUri:
    parsed = urlparse(uri)
    if parsed.netloc:
        raise _invalid(uri, "models:/<name>/<version|stage|latest> or models:/<name>@<alias> (one slash)")
    parts = [p for p in parsed.path.split("/") if p]
    if not parts:
        raise _invalid(uri, "models:/<name>/<version|stage|latest> or models:/<name>@<alias>")
    first = parts[0]
    if "@" in first:
        name, alias = first.split("@", 1)
        if not name or not alias:
            raise _invalid(uri, "models:/<name>@<alias>")
        return ModelUri("models", uri, name=name, alias=alias, subpath="/".join(parts[1:]) or None)
    if len(parts) == 1:
        if re.match(r"^m-[0-9a-f]{32}$", first):
            return ModelUri("models", uri, model_id=first)
        raise _invalid(uri, f"a version, stage, 'latest' or '@alias' after the model name {first!r}")
    name, selector = first, parts[1]
    subpath = "/".join(parts[2:]) or None
    if selector.isdigit():
        return ModelUri("models", uri, name=name, version=str(int(selector)), subpath=subpath)
    if selector.lower() == "latest":
        return ModelUri("models", uri, name=name, latest=True, subpath=subpath)
    if selector.lower() in _STAGES:
        return ModelUri("models", uri, name=name, stage=_STAGES[selector.lower()], subpath=subpath)
    raise _invalid(
        uri,
        f"a version number, a stage ({', '.join(_STAGES.values())}) or 'latest' after {name!r}, got {selector!r}",
    )


def _registry_source(parsed: ModelUri) -> str:
    if parsed.model_id is not None:
        try:
            from weir.registry.resolve import logged_model_artifact_uri
        except ImportError:
            raise WeirException(
                f"Cannot resolve {parsed.uri!r}: logged models (models:/m-<id>) are not supported here",
                "NOT_IMPLEMENTED",
            ) from None
        return logged_model_artifact_uri(parsed.model_id)
    try:
        from weir.registry.resolve import model_version_source
    except ImportError:
        raise WeirException(
            f"Cannot resolve {parsed.uri!r}: the model registry (weir.registry.resolve) is not available",
            "NOT_IMPLEMENTED",
        ) from None
    return model_version_source(parsed.name, version=parsed.version, stage=parsed.stage, alias=parsed.alias)


def _run_artifact_uri(run_id: str) -> str:
    from weir.tracking.client import WeirClient

    return WeirClient().get_run(run_id).info.artifact_uri


def _join_uri(base: str, path: str | None) -> str:
    if not path:
        return base
    return base.rstrip("/") + "/" + path.lstrip("/")


def resolve_model_uri(model_uri: str | os.PathLike) -> str:
    """The concrete location (local path or artifact URI) behind a runs:/ or models:/ URI."""
    current = os.fspath(model_uri)
    for _ in range(_MAX_INDIRECTIONS):
        parsed = parse_model_uri(current)
        if parsed.scheme == "runs":
            return _join_uri(_run_artifact_uri(parsed.run_id), parsed.artifact_path)
        if parsed.scheme != "models":
            return parsed.local_path if parsed.scheme == "file" else current
        current = _join_uri(_registry_source(parsed), parsed.subpath)
    raise WeirException.invalid_parameter_value(
        f"Model URI {model_uri!r} points to other model URIs more than {_MAX_INDIRECTIONS} times"
    )


def _is_local(uri: str) -> bool:
    return _scheme(uri) in ("", "file")


def _local(uri: str) -> str:
    return local_path_from_file_uri(uri) if _scheme(uri) == "file" else os.path.abspath(uri)


def download_model(model_uri: str | os.PathLike, dst_path: str | os.PathLike | None = None) -> str:
    """A local directory (or file) holding the model at ``model_uri``.

    Local models are returned in place when ``dst_path`` is None; otherwise they are copied into
    ``dst_path``. Remote ones are downloaded through the artifact repository for their URI.
    """
    location = resolve_model_uri(model_uri)
    if _is_local(location):
        local = _local(location)
        if not os.path.exists(local):
            raise WeirException(
                f"No model found at {local!r} (from {os.fspath(model_uri)!r})", "RESOURCE_DOES_NOT_EXIST"
            )
        if dst_path is None:
            return local
        return _copy_local(local, os.fspath(dst_path))
    return _download_remote(location, dst_path, os.fspath(model_uri))


def _copy_local(source: str, dst_dir: str) -> str:
    os.makedirs(dst_dir, exist_ok=True)
    target = os.path.join(dst_dir, os.path.basename(source.rstrip(os.sep)) or "model")
    if os.path.isdir(source):
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        shutil.copy2(source, target)
    return target


def _download_remote(location: str, dst_path: Any, original: str) -> str:
    from weir.store.artifacts.paths import split_artifact_uri
    from weir.store.factory import get_artifact_repository

    parent, name = split_artifact_uri(location)
    try:
        repo = get_artifact_repository(parent)
    except WeirException as exc:
        raise WeirException.invalid_parameter_value(
            f"Cannot load model {original!r}: unsupported URI scheme {_scheme(location)!r} ({exc.message})"
        ) from None
    if dst_path is not None:
        os.makedirs(os.fspath(dst_path), exist_ok=True)
    return repo.download_artifacts(name, os.fspath(dst_path) if dst_path is not None else None)
