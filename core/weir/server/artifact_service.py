"""The artifact proxy's storage: files under ``--artifacts-destination``, addressed by relative paths.

``mlflow-artifacts:/<exp>/<run>/artifacts/...`` URIs map to ``<destination>/<exp>/<run>/artifacts/...``.
A local destination is read and written directly (uploads stream to a temporary file that is renamed
into place, so a half-sent file never appears; multipart parts are temporary files joined on
complete). Any other destination goes through its artifact repository (S3...). Every path is checked
with ``weir.store.artifacts.paths`` before use: escapes are refused with INVALID_PARAMETER_VALUE.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlparse

from weir.entities import FileInfo
from weir.exceptions import InvalidParameterValue, ResourceDoesNotExist, WeirException
from weir.store.artifacts.paths import resolve_local_path, validate_artifact_path

_UPLOADS_DIR = ".weir-uploads"
_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
MULTIPART_UNSUPPORTED = "Multipart upload is not supported for the current artifact repository"


class ServingDisabled(WeirException):
    def __init__(self) -> None:
        super().__init__(
            "Endpoint disabled: the server was started with --no-serve-artifacts, so it does not proxy artifacts.",
            "TEMPORARILY_UNAVAILABLE",
        )


def proxy_path(uri: str) -> str:
    """``mlflow-artifacts:/1/r/artifacts`` (or ``mlflow-artifacts://host/1/...``) -> ``1/r/artifacts``."""
    parsed = urlparse(uri)
    return validate_artifact_path(parsed.path.lstrip("/"))


class ArtifactService:
    def __init__(self, destination: str, enabled: bool = True) -> None:
        from weir.store.artifacts.local import is_local_uri, local_path_from_uri

        self.destination = destination
        self.enabled = enabled and bool(destination)
        self.local_root = (
            local_path_from_uri(destination) if destination and is_local_uri(destination) else None
        )

    @property
    def supports_multipart(self) -> bool:
        return self.enabled and self.local_root is not None

    def _check(self) -> None:
        if not self.enabled:
            raise ServingDisabled()

    def _local(self, path: str) -> str:
        assert self.local_root is not None
        relative = validate_artifact_path(path)
        if relative.split("/", 1)[0] == _UPLOADS_DIR:
            raise InvalidParameterValue(f"Invalid artifact path {path!r}: {_UPLOADS_DIR} is reserved.")
        return resolve_local_path(self.local_root, relative)

    def _repo(self, path: str = "") -> Any:
        from weir.store.factory import get_artifact_repository

        return get_artifact_repository(self.destination)

    # --- listing -------------------------------------------------------------------------------
    def list(self, path: str | None) -> list[FileInfo]:
        """Direct children of ``path`` with their base names (the proxy's list shape)."""
        self._check()
        relative = validate_artifact_path(path)
        if self.local_root is None:
            return [
                FileInfo(info.path.rsplit("/", 1)[-1], info.is_dir, info.file_size)
                for info in self._repo().list_artifacts(relative or None)
            ]
        local = self._local(relative)
        if not os.path.isdir(local):
            return []
        infos = []
        with os.scandir(local) as entries:
            for entry in entries:
                if not relative and entry.name == _UPLOADS_DIR:
                    continue
                if entry.is_symlink() and not self._inside(entry.path):
                    continue
                if entry.is_dir():
                    infos.append(FileInfo(entry.name, True, None))
                else:
                    infos.append(FileInfo(entry.name, False, entry.stat().st_size))
        infos.sort(key=lambda info: info.path)
        return infos

    def _inside(self, path: str) -> bool:
        from weir.store.artifacts.paths import is_within

        return is_within(self.local_root or "", path)

    # --- download ------------------------------------------------------------------------------
    def file_for_download(self, path: str) -> tuple[str, str | None]:
        """(local file path, temp dir to remove afterwards or None). Missing files and dirs: 404."""
        self._check()
        relative = validate_artifact_path(path)
        if not relative:
            raise ResourceDoesNotExist("No artifact path given.")
        if self.local_root is not None:
            local = self._local(relative)
            if not os.path.isfile(local):
                raise ResourceDoesNotExist(f"Artifact '{relative}' does not exist or is a directory.")
            return local, None
        scratch = tempfile.mkdtemp(prefix="weir-proxy-")
        try:
            local = self._repo().download_artifacts(relative, scratch)
        except Exception:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        if not os.path.isfile(local):
            shutil.rmtree(scratch, ignore_errors=True)
            raise ResourceDoesNotExist(f"Artifact '{relative}' does not exist or is a directory.")
        return local, scratch

    # --- upload --------------------------------------------------------------------------------
    async def upload(self, path: str, chunks: Callable[[], Awaitable[tuple[bytes, bool]]]) -> None:
        """Stream a request body into ``path``; ``chunks()`` yields (bytes, more) until more is False."""
        self._check()
        relative = validate_artifact_path(path)
        if not relative:
            raise InvalidParameterValue("An artifact upload needs a file path.")
        if self.local_root is not None:
            target = self._local(relative)
            if os.path.isdir(target):
                raise InvalidParameterValue(f"Cannot upload to '{relative}': it is a directory.")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if not self._inside(os.path.dirname(target)):
                raise InvalidParameterValue(
                    f"Invalid artifact path {relative!r}: it leaves the artifact root."
                )
            await self._receive_into(target, chunks)
            return
        scratch = tempfile.mkdtemp(prefix="weir-proxy-")
        try:
            name = relative.rsplit("/", 1)[-1]
            local = os.path.join(scratch, name)
            await self._receive_into(local, chunks)
            directory = relative.rsplit("/", 1)[0] if "/" in relative else None
            self._repo().log_artifact(local, directory)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    @staticmethod
    async def _receive_into(target: str, chunks: Callable[[], Awaitable[tuple[bytes, bool]]]) -> None:
        partial = f"{target}.{uuid.uuid4().hex}.part"
        try:
            with open(partial, "wb") as handle:
                more = True
                while more:
                    data, more = await chunks()
                    if data:
                        handle.write(data)
            os.replace(partial, target)
        finally:
            if os.path.exists(partial):
                os.remove(partial)

    # --- delete --------------------------------------------------------------------------------
    def delete(self, path: str) -> None:
        self._check()
        relative = validate_artifact_path(path)
        if not relative:
            raise InvalidParameterValue("Refusing to delete the whole artifact root; name a path.")
        if self.local_root is None:
            self._repo().delete_artifacts(relative)
            return
        local = self._local(relative)
        if os.path.isdir(local) and not os.path.islink(local):
            shutil.rmtree(local)
        elif os.path.lexists(local):
            os.remove(local)

    # --- multipart (local destination) ---------------------------------------------------------
    def _upload_dir(self, upload_id: str) -> str:
        if not isinstance(upload_id, str) or not _UPLOAD_ID.match(upload_id):
            raise InvalidParameterValue(f"Invalid upload_id {upload_id!r}.")
        return os.path.join(self.local_root or "", _UPLOADS_DIR, upload_id)

    def _require_multipart(self) -> None:
        self._check()
        if not self.supports_multipart:
            raise InvalidParameterValue(MULTIPART_UNSUPPORTED)

    def create_multipart(self, path: str, num_parts: int) -> str:
        self._require_multipart()
        relative = validate_artifact_path(path)
        self._local(relative)
        if not relative:
            raise InvalidParameterValue("A multipart upload needs a file path.")
        if num_parts < 1 or num_parts > 10_000:
            raise InvalidParameterValue(f"Invalid num_parts {num_parts}: expected 1 to 10000.")
        upload_id = uuid.uuid4().hex
        directory = self._upload_dir(upload_id)
        os.makedirs(directory)
        with open(os.path.join(directory, "target"), "w", encoding="utf-8") as handle:
            handle.write(relative)
        return upload_id

    def _upload_target(self, upload_id: str, path: str | None = None) -> tuple[str, str]:
        directory = self._upload_dir(upload_id)
        try:
            with open(os.path.join(directory, "target"), encoding="utf-8") as handle:
                target = handle.read()
        except FileNotFoundError:
            raise ResourceDoesNotExist(f"No multipart upload with id {upload_id!r} is in progress.") from None
        if path is not None and validate_artifact_path(path) != target:
            raise InvalidParameterValue(
                f"The multipart upload {upload_id!r} is for '{target}', not '{validate_artifact_path(path)}'."
            )
        return directory, target

    async def upload_part(
        self, upload_id: str, part_number: int, chunks: Callable[[], Awaitable[tuple[bytes, bool]]]
    ) -> str:
        """Store one part; returns its ETag (the part's MD5, as S3 does)."""
        self._require_multipart()
        directory, _ = self._upload_target(upload_id)
        if part_number < 1 or part_number > 10_000:
            raise InvalidParameterValue(f"Invalid part number {part_number}: expected 1 to 10000.")
        import hashlib

        digest = hashlib.md5(usedforsecurity=False)

        async def hashed() -> tuple[bytes, bool]:
            data, more = await chunks()
            digest.update(data)
            return data, more

        await self._receive_into(os.path.join(directory, f"part-{part_number:05d}"), hashed)
        return f'"{digest.hexdigest()}"'

    def complete_multipart(self, path: str, upload_id: str, part_numbers: list[int]) -> None:
        self._require_multipart()
        directory, target = self._upload_target(upload_id, path)
        if not part_numbers:
            raise InvalidParameterValue("Completing a multipart upload needs its list of parts.")
        files = []
        for number in sorted(set(part_numbers)):
            part = os.path.join(directory, f"part-{number:05d}")
            if not os.path.isfile(part):
                raise InvalidParameterValue(f"Part {number} of upload {upload_id!r} was never uploaded.")
            files.append(part)
        destination = self._local(target)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        partial = f"{destination}.{upload_id}.part"
        try:
            with open(partial, "wb") as out:
                for part in files:
                    with open(part, "rb") as handle:
                        shutil.copyfileobj(handle, out, 1024 * 1024)
            os.replace(partial, destination)
        finally:
            if os.path.exists(partial):
                os.remove(partial)
        shutil.rmtree(directory, ignore_errors=True)

    def abort_multipart(self, path: str, upload_id: str) -> None:
        self._require_multipart()
        directory, _ = self._upload_target(upload_id, path)
        shutil.rmtree(directory, ignore_errors=True)
