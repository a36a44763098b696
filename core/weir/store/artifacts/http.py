"""Artifacts through a tracking server's artifact proxy (MLflow's ``mlflow-artifacts`` API).

Handles ``mlflow-artifacts:/<path>`` URIs (resolved against the tracking server URI in effect, as
MLflow does; ``mlflow-artifacts://host:port/<path>`` names the server) and
``http(s)://host[:port][/prefix]/api/2.0/mlflow-artifacts/artifacts/<path>``.

Files are uploaded with one streaming PUT each. Files larger than
``WEIR_MULTIPART_UPLOAD_THRESHOLD`` bytes (default 100 MB) go in parts of
``WEIR_MULTIPART_UPLOAD_CHUNK_SIZE`` bytes (default 10 MB) through the server's ``mpu``
endpoints when it offers them (otherwise one PUT), with a progress bar on stderr
(see ``weir.store.artifacts.progress``).
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any
from urllib.parse import urlsplit

from weir.entities import FileInfo
from weir.exceptions import InvalidParameterValue, ResourceDoesNotExist, WeirException
from weir.store.artifacts.base import ArtifactRepository
from weir.store.artifacts.paths import validate_artifact_path
from weir.store.artifacts.progress import ProgressBar

API_PREFIX = "/api/2.0/mlflow-artifacts"
SCHEME = "mlflow-artifacts"
DEFAULT_THRESHOLD = 100 * 1024 * 1024
DEFAULT_CHUNK_SIZE = 10 * 1024 * 1024
DEFAULT_WORKERS = 4
# the server does not offer multipart uploads (or not for this store): fall back to one PUT
_NO_MPU_CODES = frozenset({"ENDPOINT_NOT_FOUND", "NOT_IMPLEMENTED", "TEMPORARILY_UNAVAILABLE", "BAD_REQUEST"})

_clients: dict[tuple[str, bool], Any] = {}
_clients_lock = threading.Lock()


def _client(base_uri: str, send_auth: bool = True):
    """One shared HttpClient per server, so connections are kept alive across repositories."""
    from weir.store.tracking.rest.http import HttpClient

    key = (base_uri, send_auth)
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = HttpClient(base_uri, send_auth=send_auth)
    return client


def _env_int(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidParameterValue(f"Invalid value {raw!r} for {name}: expected an integer") from None
    if value < minimum:
        raise InvalidParameterValue(f"Invalid value {raw!r} for {name}: must be at least {minimum}")
    return value


def split_artifact_uri(artifact_uri: str) -> tuple[str, str] | None:
    """(server base URI, path below the proxy root) for URIs this repository serves, else None."""
    if not isinstance(artifact_uri, str):
        return None
    parts = urlsplit(artifact_uri)
    scheme = parts.scheme.lower()
    if scheme == SCHEME:
        path = parts.path.strip("/")
        if parts.netloc:
            return f"http://{parts.netloc}", path
        from weir.tracking.uri import get_tracking_uri

        tracking_uri = get_tracking_uri()
        if not tracking_uri.lower().startswith(("http://", "https://")):
            raise WeirException.invalid_parameter_value(
                f"The artifact URI {artifact_uri!r} is served by a tracking server, but the tracking URI "
                f"is {tracking_uri!r}. Set the tracking URI to the server (http://host:port)."
            )
        return tracking_uri.rstrip("/"), path
    if scheme in ("http", "https"):
        marker = API_PREFIX + "/artifacts"
        index = parts.path.find(marker)
        if index < 0:
            return None
        base = f"{parts.scheme}://{parts.netloc}{parts.path[:index]}"
        return base, parts.path[index + len(marker) :].strip("/")
    return None


def http_artifact_repository(artifact_uri: str) -> HttpArtifactRepository | None:
    """The repository for ``artifact_uri``, or None when it is not a proxied-artifact URI."""
    split = split_artifact_uri(artifact_uri)
    if split is None:
        return None
    return HttpArtifactRepository(artifact_uri, base_uri=split[0], root_path=split[1])


def _join(*parts: str | None) -> str:
    return "/".join(p.strip("/") for p in parts if p and p.strip("/"))


class HttpArtifactRepository(ArtifactRepository):
    """Upload, list, download and delete files under ``root_path`` on the server's proxy."""

    def __init__(self, root_uri: str, base_uri: str | None = None, root_path: str | None = None) -> None:
        super().__init__(root_uri)
        if base_uri is None or root_path is None:
            split = split_artifact_uri(root_uri)
            if split is None:
                raise InvalidParameterValue(
                    f"{root_uri!r} is not an mlflow-artifacts or proxied-artifact URI"
                )
            base_uri, root_path = split
        self.base_uri = base_uri
        self.root_path = root_path.strip("/")
        self.http = _client(base_uri)

    def __repr__(self) -> str:
        return f"HttpArtifactRepository({self.root_uri!r})"

    def _path(self, artifact_path: str | None) -> str:
        return _join(self.root_path, validate_artifact_path(artifact_path))

    def _url(self, kind: str, full_path: str) -> str:
        from weir.store.tracking.rest.http import quote_path

        return f"{API_PREFIX}/{kind}/{quote_path(full_path)}"

    # --- upload --------------------------------------------------------------------------------
    def log_artifact(self, local_file: str, artifact_path: str | None = None) -> None:
        local_file = os.fspath(local_file)
        if not os.path.isfile(local_file):
            raise InvalidParameterValue(f"Cannot log artifact {local_file!r}: it is not an existing file")
        target = _join(self._path(artifact_path), os.path.basename(local_file))
        size = os.path.getsize(local_file)
        threshold = _env_int("WEIR_MULTIPART_UPLOAD_THRESHOLD", DEFAULT_THRESHOLD)
        if size > threshold and self._multipart_upload(local_file, target, size):
            return
        self._put(local_file, target, size)

    def _put(self, local_file: str, target: str, size: int) -> None:
        self.http.request(
            "PUT",
            self._url("artifacts", target),
            body=lambda: open(local_file, "rb"),  # noqa: SIM115 - closed by the client after sending
            headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)},
            what=f"Uploading {local_file!r} to {target!r}",
        )

    def log_artifacts(self, local_dir: str, artifact_path: str | None = None) -> None:
        local_dir = os.fspath(local_dir)
        if not os.path.isdir(local_dir):
            raise InvalidParameterValue(
                f"Cannot log artifacts from {local_dir!r}: it is not an existing directory"
            )
        base = validate_artifact_path(artifact_path)
        uploads = []
        for folder, _, files in os.walk(local_dir):
            relative = os.path.relpath(folder, local_dir)
            destination = _join(base, "" if relative == "." else relative.replace(os.sep, "/"))
            uploads.extend((os.path.join(folder, name), destination or None) for name in sorted(files))
        if len(uploads) <= 1:
            for local_file, destination in uploads:
                self.log_artifact(local_file, destination)
            return
        with ThreadPoolExecutor(max_workers=min(DEFAULT_WORKERS, len(uploads))) as pool:
            for future in [pool.submit(self.log_artifact, f, d) for f, d in uploads]:
                future.result()

    def _multipart_upload(self, local_file: str, target: str, size: int) -> bool:
        """Upload in parts; False when the server does not offer multipart uploads."""
        chunk = _env_int("WEIR_MULTIPART_UPLOAD_CHUNK_SIZE", DEFAULT_CHUNK_SIZE)
        num_parts = (size + chunk - 1) // chunk
        # MLflow's protocol: the URL names the directory, "path" the file (the server keeps its base name)
        directory, name = posixpath.split(target)

        def call(action: str, body: dict[str, Any]) -> dict[str, Any]:
            return self.http.call("POST", self._url(f"mpu/{action}", directory)[len("/api/2.0/") :], body)

        try:
            created = call("create", {"path": name, "num_parts": num_parts})
        except WeirException as exc:
            if exc.error_code in _NO_MPU_CODES:
                return False
            raise
        upload_id = created.get("upload_id")
        credentials = sorted(created.get("credentials") or (), key=lambda c: int(c["part_number"]))
        if not upload_id or len(credentials) != num_parts:
            return False
        try:
            with ProgressBar(f"Uploading {os.path.basename(local_file)}", size) as bar:
                workers = _env_int("WEIR_MULTIPART_UPLOAD_WORKERS", DEFAULT_WORKERS)
                with ThreadPoolExecutor(max_workers=min(workers, num_parts)) as pool:
                    futures = [
                        pool.submit(self._upload_part, local_file, credential, chunk, size, bar)
                        for credential in credentials
                    ]
                    parts = [future.result() for future in futures]
            call("complete", {"path": name, "upload_id": upload_id, "parts": parts})
        except BaseException:
            try:
                call("abort", {"path": name, "upload_id": upload_id})
            except Exception:  # noqa: S110 - the original error matters more than a failed abort
                pass
            raise
        return True

    def _upload_part(
        self, local_file: str, credential: dict[str, Any], chunk: int, size: int, bar: ProgressBar
    ) -> dict[str, Any]:
        number = int(credential["part_number"])
        offset = (number - 1) * chunk
        length = min(chunk, size - offset)
        with open(local_file, "rb") as handle:
            handle.seek(offset)
            data = handle.read(length)
        url = credential.get("url") or ""
        client, path = self._client_for(url)
        headers = {"Content-Length": str(length), **(credential.get("headers") or {})}
        response = client.request(
            "PUT", path, body=data, headers=headers, what=f"Uploading part {number} of {local_file!r}"
        )
        bar.update(length)
        etag = response.headers.get("etag", "")
        return {"part_number": number, "etag": etag, "url": url}

    def _client_for(self, url: str) -> tuple[Any, str]:
        """Part URLs may be relative (our server) or absolute (presigned, another host: no auth sent)."""
        parts = urlsplit(url)
        if not parts.scheme:
            return self.http, url if url.startswith("/") else "/" + url
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        base = f"{parts.scheme}://{parts.netloc}"
        own = urlsplit(self.http.base_uri)
        if (parts.scheme, parts.netloc) == (own.scheme, own.netloc):
            return _client(base), path
        return _client(base, send_auth=False), path

    # --- listing -------------------------------------------------------------------------------
    def list_artifacts(self, path: str | None = None) -> list[FileInfo]:
        relative = validate_artifact_path(path)
        response = self.http.request(
            "GET", f"{API_PREFIX}/artifacts", params={"path": _join(self.root_path, relative)}
        ).json()
        infos = []
        for item in response.get("files") or ():
            name = posixpath.basename(item["path"].rstrip("/"))
            is_dir = bool(item.get("is_dir", False))
            size = item.get("file_size")
            infos.append(FileInfo(_join(relative, name), is_dir, None if is_dir else int(size or 0)))
        infos.sort(key=lambda info: info.path)
        return infos

    # --- download ------------------------------------------------------------------------------
    def download_artifacts(self, artifact_path: str, dst_path: str | None = None) -> str:
        relative = validate_artifact_path(artifact_path)
        if dst_path is None:
            dst_path = tempfile.mkdtemp(prefix="weir-artifacts-")
        dst_path = os.path.abspath(os.fspath(dst_path))
        if not os.path.isdir(dst_path):
            raise InvalidParameterValue(f"The destination path {dst_path!r} is not an existing directory")
        target = os.path.join(dst_path, *relative.split("/")) if relative else dst_path
        listing = self.list_artifacts(relative)
        if listing or not relative:
            self._download_dir(relative, listing, dst_path)
            os.makedirs(target, exist_ok=True)
        else:
            self._download_file(relative, target)
        return target

    def _download_dir(self, relative: str, listing: list[FileInfo], dst_path: str) -> None:
        files: list[str] = []
        pending = [listing]
        while pending:
            for info in pending.pop():
                if info.is_dir:
                    os.makedirs(os.path.join(dst_path, *info.path.split("/")), exist_ok=True)
                    pending.append(self.list_artifacts(info.path))
                else:
                    files.append(info.path)
        if not files:
            return
        with ThreadPoolExecutor(max_workers=min(DEFAULT_WORKERS, len(files))) as pool:
            futures = [
                pool.submit(self._download_file, path, os.path.join(dst_path, *path.split("/")))
                for path in files
            ]
            for future in futures:
                future.result()

    def _download_file(self, relative: str, target: str) -> None:
        os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
        partial = f"{target}.weir-partial-{threading.get_ident()}"
        opener: Callable[[], IO[bytes]] = lambda: open(partial, "wb")  # noqa: E731, SIM115
        try:
            self.http.request(
                "GET",
                self._url("artifacts", self._path(relative)),
                stream_to=opener,
                what=f"Downloading artifact {relative!r}",
            )
        except WeirException as exc:
            if os.path.exists(partial):
                os.remove(partial)
            if exc.error_code in ("RESOURCE_DOES_NOT_EXIST", "ENDPOINT_NOT_FOUND", "NOT_FOUND"):
                raise ResourceDoesNotExist(
                    f"Artifact {relative!r} does not exist under {self.root_uri}"
                ) from exc
            raise
        except BaseException:
            if os.path.exists(partial):
                os.remove(partial)
            raise
        shutil.move(partial, target)

    # --- delete --------------------------------------------------------------------------------
    def delete_artifacts(self, artifact_path: str | None = None) -> None:
        self.http.request(
            "DELETE",
            self._url("artifacts", self._path(artifact_path)),
            what=f"Deleting artifact {artifact_path!r}",
        )
