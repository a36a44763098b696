"""Artifact repository on the local file system (``file://`` URIs and plain paths)."""

from __future__ import annotations

import os
import shutil
import tempfile
from urllib.parse import unquote, urlparse

from weir.entities import FileInfo
from weir.exceptions import InvalidParameterValue, ResourceDoesNotExist
from weir.store.artifacts.base import ArtifactRepository
from weir.store.artifacts.paths import resolve_local_path, validate_artifact_path


def is_local_uri(uri: str) -> bool:
    """True for ``file:`` URIs and plain paths (no other scheme; Windows drive letters count as paths)."""
    if not isinstance(uri, str) or not uri:
        return False
    if uri.startswith("file:"):
        parsed = urlparse(uri)
        return parsed.netloc in ("", "localhost")
    scheme = urlparse(uri).scheme
    return scheme == "" or (len(scheme) == 1 and scheme.isalpha())


def local_path_from_uri(uri: str) -> str:
    """The absolute local path for a ``file:`` URI or a plain path."""
    if uri.startswith("file:"):
        parsed = urlparse(uri)
        if parsed.netloc not in ("", "localhost"):
            raise InvalidParameterValue(
                f"File URI {uri!r} names a remote host; only local files are supported"
            )
        path = unquote(parsed.path)
    else:
        path = uri
    return os.path.abspath(os.path.expanduser(path))


class LocalArtifactRepository(ArtifactRepository):
    """Artifacts stored as plain files under a local directory (created on first write)."""

    def __init__(self, root_uri: str) -> None:
        super().__init__(root_uri)
        self.root_path = local_path_from_uri(root_uri)

    def _local(self, artifact_path: str | None) -> str:
        return resolve_local_path(self.root_path, artifact_path)

    def log_artifact(self, local_file: str, artifact_path: str | None = None) -> None:
        local_file = os.fspath(local_file)
        destination_dir = self._local(artifact_path)
        if not os.path.isfile(local_file):
            raise InvalidParameterValue(f"Cannot log artifact {local_file!r}: it is not an existing file")
        destination = resolve_local_path(
            self.root_path,
            "/".join(p for p in (validate_artifact_path(artifact_path), os.path.basename(local_file)) if p),
        )
        os.makedirs(destination_dir, exist_ok=True)
        shutil.copyfile(local_file, destination)

    def log_artifacts(self, local_dir: str, artifact_path: str | None = None) -> None:
        local_dir = os.fspath(local_dir)
        destination = self._local(artifact_path)
        if not os.path.isdir(local_dir):
            raise InvalidParameterValue(
                f"Cannot log artifacts from {local_dir!r}: it is not an existing directory"
            )
        os.makedirs(destination, exist_ok=True)
        shutil.copytree(local_dir, destination, dirs_exist_ok=True, copy_function=shutil.copyfile)

    def list_artifacts(self, path: str | None = None) -> list[FileInfo]:
        relative = validate_artifact_path(path)
        local = self._local(relative)
        if not os.path.isdir(local):
            return []
        infos = []
        with os.scandir(local) as entries:
            for entry in entries:
                child = f"{relative}/{entry.name}" if relative else entry.name
                if entry.is_dir():
                    infos.append(FileInfo(child, True, None))
                else:
                    infos.append(FileInfo(child, False, entry.stat().st_size))
        infos.sort(key=lambda info: info.path)
        return infos

    def download_artifacts(self, artifact_path: str, dst_path: str | None = None) -> str:
        relative = validate_artifact_path(artifact_path)
        source = self._local(relative)
        if not os.path.exists(source):
            raise ResourceDoesNotExist(f"Artifact {relative or '.'!r} does not exist under {self.root_uri}")
        if dst_path is None:
            dst_path = tempfile.mkdtemp(prefix="weir-artifacts-")
        dst_path = os.path.abspath(os.fspath(dst_path))
        if not os.path.isdir(dst_path):
            raise InvalidParameterValue(f"The destination path {dst_path!r} is not an existing directory")
        target = os.path.join(dst_path, *relative.split("/")) if relative else dst_path
        if os.path.isdir(source):
            os.makedirs(target, exist_ok=True)
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(source, target)
        return target

    def delete_artifacts(self, artifact_path: str | None = None) -> None:
        local = self._local(artifact_path)
        if os.path.isdir(local) and not os.path.islink(local):
            shutil.rmtree(local)
        elif os.path.lexists(local):
            os.remove(local)
