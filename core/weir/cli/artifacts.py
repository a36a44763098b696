"""``weir artifacts``: list and download the files of a run."""

from __future__ import annotations

import os
import posixpath

import click

from weir.cli._output import echo_json, echo_table, get_client, json_option, tracking_uri_option
from weir.exceptions import InvalidParameterValue

_run_id_option = click.option("--run-id", "-r", default=None, metavar="ID", help="ID of the run.")
_artifact_path_option = click.option(
    "--artifact-path",
    "-a",
    default=None,
    metavar="PATH",
    help="A path relative to the run's artifact root (default: the root).",
)
_artifact_uri_option = click.option(
    "--artifact-uri",
    "-u",
    default=None,
    metavar="URI",
    help="runs:/RUN_ID/PATH or any artifact URI; replaces --run-id and --artifact-path.",
)


@click.group("artifacts")
def artifacts() -> None:
    """List and download run artifacts."""


@artifacts.command("list")
@_run_id_option
@_artifact_path_option
@_artifact_uri_option
@tracking_uri_option
@json_option
def list_artifacts(
    run_id: str | None,
    artifact_path: str | None,
    artifact_uri: str | None,
    tracking_uri: str | None,
    as_json: bool,
) -> None:
    """List the files and folders directly under a run's artifact path."""
    run_id, artifact_path, other_uri = _resolve_target(run_id, artifact_path, artifact_uri)
    if other_uri is not None:
        from weir.store.factory import get_artifact_repository

        infos = get_artifact_repository(other_uri).list_artifacts(None)
    else:
        infos = get_client(tracking_uri).list_artifacts(run_id, artifact_path)
    if as_json:
        echo_json([_file_info_dict(info) for info in infos])
        return
    echo_table(
        [
            [info.path, "dir" if info.is_dir else "file", "" if info.is_dir else info.file_size]
            for info in infos
        ],
        headers=["Path", "Type", "Size"],
    )


@artifacts.command("download")
@_run_id_option
@_artifact_path_option
@_artifact_uri_option
@click.option(
    "--dst-path",
    "-d",
    default=None,
    metavar="DIR",
    help="Local folder to download into, created if missing (default: a new temp folder).",
)
@tracking_uri_option
def download(
    run_id: str | None,
    artifact_path: str | None,
    artifact_uri: str | None,
    dst_path: str | None,
    tracking_uri: str | None,
) -> None:
    """Download an artifact file or folder and print its local path."""
    run_id, artifact_path, other_uri = _resolve_target(run_id, artifact_path, artifact_uri)
    if dst_path is not None:
        os.makedirs(dst_path, exist_ok=True)
    if other_uri is not None:
        local_path = _download_uri(other_uri, dst_path)
    else:
        local_path = get_client(tracking_uri).download_artifacts(run_id, artifact_path or "", dst_path)
    click.echo(local_path)


def _resolve_target(
    run_id: str | None, artifact_path: str | None, artifact_uri: str | None
) -> tuple[str | None, str | None, str | None]:
    """(run_id, path in the run, None) for a run target, or (None, None, uri) for another artifact URI."""
    if artifact_uri is not None:
        if run_id is not None or artifact_path is not None:
            raise click.UsageError("Give either --artifact-uri or --run-id/--artifact-path, not both.")
        if artifact_uri.startswith("runs:/"):
            run_id, _, path = artifact_uri[len("runs:/") :].lstrip("/").partition("/")
            if not run_id:
                raise InvalidParameterValue(f"Invalid runs URI {artifact_uri!r}: expected runs:/RUN_ID/PATH")
            return run_id, _clean_path(path), None
        if artifact_uri.startswith("models:/"):
            raise InvalidParameterValue(
                f"{artifact_uri!r}: models:/ URIs are not artifact locations; use 'weir models' commands"
            )
        return None, None, artifact_uri
    if run_id is None:
        raise click.UsageError("Give --run-id (with an optional --artifact-path) or --artifact-uri.")
    return run_id, _clean_path(artifact_path), None


def _clean_path(path: str | None) -> str | None:
    """The normalised relative path, None for the root; refuses paths that leave the artifact root."""
    if not path:
        return None
    normalized = posixpath.normpath(path.replace("\\", "/"))
    if path.startswith("/") or normalized == ".." or normalized.startswith("../"):
        raise InvalidParameterValue(f"Invalid artifact path {path!r}: it leaves the run's artifact root")
    return None if normalized == "." else normalized


def _download_uri(artifact_uri: str, dst_path: str | None) -> str:
    """Download the file or folder an artifact URI names, through the repository of its parent."""
    from weir.store.factory import get_artifact_repository

    trimmed = artifact_uri.rstrip("/")
    parent, _, name = trimmed.rpartition("/")
    if not name or not parent or parent.endswith(":") or parent.endswith("://"):
        return get_artifact_repository(artifact_uri).download_artifacts("", dst_path)
    return get_artifact_repository(parent).download_artifacts(name, dst_path)


def _file_info_dict(info) -> dict:
    """MLflow's JSON shape: ``file_size`` only for files."""
    out: dict = {"path": info.path, "is_dir": info.is_dir}
    if not info.is_dir and info.file_size is not None:
        out["file_size"] = info.file_size
    return out
