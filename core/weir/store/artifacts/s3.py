"""Artifact repository on Amazon S3 or any S3-compatible store (``s3://bucket/prefix`` URIs).

Configuration comes from the environment, as with MLflow:

- endpoint: ``WEIR_S3_ENDPOINT_URL``, else ``MLFLOW_S3_ENDPOINT_URL``, else boto3's own
  (``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL``, or AWS itself);
- credentials and region: boto3's usual chain (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
  ``AWS_SESSION_TOKEN``, ``AWS_PROFILE``, ``AWS_DEFAULT_REGION``, instance roles...);
- ``WEIR_S3_IGNORE_TLS`` / ``MLFLOW_S3_IGNORE_TLS``: skip TLS certificate checks;
- ``WEIR_S3_UPLOAD_EXTRA_ARGS`` / ``MLFLOW_S3_UPLOAD_EXTRA_ARGS``: JSON of extra upload arguments
  (``{"ServerSideEncryption": "aws:kms"}``...);
- ``WEIR_S3_MULTIPART_THRESHOLD`` / ``WEIR_S3_MULTIPART_CHUNKSIZE``: bytes (default 8 MiB each);
  files at least that large are uploaded in parts, in parallel, with a progress bar on stderr.

Requests are signed with signature v4 and use path-style addressing (``endpoint/bucket/key``),
which every S3-compatible server understands.
"""

from __future__ import annotations

import json
import mimetypes
import os
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from weir.entities import FileInfo
from weir.exceptions import InvalidParameterValue, ResourceDoesNotExist, WeirException
from weir.store.artifacts.base import ArtifactRepository
from weir.store.artifacts.paths import resolve_local_path, validate_artifact_path
from weir.store.artifacts.progress import ProgressBar

DEFAULT_PART_SIZE = 8 * 1024 * 1024
_UPLOAD_WORKERS = 8  # files uploaded at once by log_artifacts
_LIST_PAGE_SIZE = 1000  # keys per list request (S3's maximum)
_TRUE = ("1", "true", "yes", "on")
_PERMISSION_CODES = frozenset(
    {"AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId", "InvalidToken", "ExpiredToken", "403"}
)
_MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})

_clients: dict[tuple, Any] = {}
_clients_lock = threading.Lock()


def is_s3_uri(uri: object) -> bool:
    return isinstance(uri, str) and uri[:5].lower() == "s3://"


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix/`` -> ``("bucket", "some/prefix")``."""
    if not is_s3_uri(uri):
        raise InvalidParameterValue(f"Invalid S3 URI {uri!r}: expected s3://bucket/prefix")
    parts = urlsplit(uri)
    if not parts.netloc:
        raise InvalidParameterValue(f"Invalid S3 URI {uri!r}: it names no bucket (s3://bucket/prefix)")
    if parts.query or parts.fragment:
        raise InvalidParameterValue(f"Invalid S3 URI {uri!r}: it may not have a query or fragment")
    prefix = "/".join(segment for segment in parts.path.split("/") if segment)
    return parts.netloc, prefix


def _env(*names: str) -> str | None:
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return None


def _env_bytes(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidParameterValue(f"{name}={raw!r} is not a number of bytes") from None
    if value < 5 * 1024 * 1024:
        raise InvalidParameterValue(f"{name}={raw!r}: S3 parts must be at least 5 MiB (5242880 bytes)")
    return value


def s3_client() -> Any:
    """A boto3 S3 client for the current environment, shared per process (boto3 clients are
    thread-safe; creating one costs tens of milliseconds)."""
    endpoint = _env("WEIR_S3_ENDPOINT_URL", "MLFLOW_S3_ENDPOINT_URL")
    verify = (_env("WEIR_S3_IGNORE_TLS", "MLFLOW_S3_IGNORE_TLS") or "").lower() not in _TRUE
    environment = tuple(
        os.environ.get(name)
        for name in (
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
            "AWS_DEFAULT_REGION",
            "AWS_REGION",
        )
    )
    key = (os.getpid(), endpoint, verify, hash(environment))
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = _new_client(endpoint, verify)
    return client


def _new_client(endpoint: str | None, verify: bool) -> Any:
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise WeirException(
            "s3:// artifact URIs need boto3: pip install 'weir[s3]'", "INVALID_PARAMETER_VALUE"
        ) from None
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": "path"},
        retries={"max_attempts": 5, "mode": "standard"},
        max_pool_connections=32,
    )
    session = boto3.session.Session()
    return session.client("s3", endpoint_url=endpoint, verify=verify, config=config)


def _upload_extra_args() -> dict[str, Any]:
    raw = _env("WEIR_S3_UPLOAD_EXTRA_ARGS", "MLFLOW_S3_UPLOAD_EXTRA_ARGS")
    if not raw:
        return {}
    try:
        extra = json.loads(raw)
    except ValueError:
        extra = None
    if not isinstance(extra, dict):
        raise InvalidParameterValue(f"WEIR_S3_UPLOAD_EXTRA_ARGS must be a JSON object, got {raw!r}")
    return extra


class S3ArtifactRepository(ArtifactRepository):
    """Artifacts stored as objects under ``s3://bucket/prefix``.

    Directories are key prefixes: listing shows the next level of ``/``-separated names, and
    deleting or downloading a directory covers every object below it.
    """

    def __init__(self, root_uri: str, client: Any = None) -> None:
        super().__init__(root_uri)
        self.bucket, self.prefix = parse_s3_uri(root_uri)
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = s3_client()
        return self._client

    # --- keys --------------------------------------------------------------------------------
    def _key(self, relative: str) -> str:
        return "/".join(part for part in (self.prefix, relative) if part)

    def _relative(self, key: str) -> str:
        return key[len(self.prefix) + 1 :] if self.prefix else key

    def _where(self, relative: str) -> str:
        return f"s3://{self.bucket}/{self._key(relative)}"

    # --- errors ------------------------------------------------------------------------------
    def _error(self, error: BaseException, action: str, relative: str) -> WeirException:
        """A WeirException naming the object for a boto3/botocore error (or one it wraps)."""
        from botocore import exceptions as botocore_errors

        where = self._where(relative)
        cause: BaseException | None = error
        while cause is not None and not isinstance(cause, botocore_errors.ClientError):
            cause = cause.__cause__ or cause.__context__
        if isinstance(cause, botocore_errors.ClientError):
            details = cause.response.get("Error", {})
            code = str(details.get("Code", ""))
            status = cause.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            message = details.get("Message") or code
            if code in _PERMISSION_CODES or status == 403:
                return WeirException(
                    f"S3 refused to {action} {where}: {message} ({code}). Check the credentials "
                    "(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) and their permissions on the bucket.",
                    "PERMISSION_DENIED",
                )
            if code == "NoSuchBucket":
                return ResourceDoesNotExist(
                    f"Cannot {action} {where}: the bucket {self.bucket!r} does not exist"
                )
            if code in _MISSING_CODES or status == 404:
                return ResourceDoesNotExist(
                    f"Artifact {relative or '.'!r} does not exist under {self.root_uri}"
                )
            return WeirException(f"S3 error while trying to {action} {where}: {message} ({code})")
        if isinstance(error, botocore_errors.NoCredentialsError):
            return WeirException(
                f"Cannot {action} {where}: no AWS credentials found. Set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE).",
                "UNAUTHENTICATED",
            )
        if isinstance(error, botocore_errors.EndpointConnectionError | botocore_errors.ConnectTimeoutError):
            return WeirException(f"Cannot {action} {where}: {error}", "TEMPORARILY_UNAVAILABLE")
        return WeirException(f"Cannot {action} {where}: {error}")

    def _call(self, action: str, relative: str, fn, *args: Any, **kwargs: Any) -> Any:
        from boto3.exceptions import Boto3Error
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn(*args, **kwargs)
        except (ClientError, BotoCoreError, Boto3Error) as error:
            raise self._error(error, action, relative) from error

    # --- writing -----------------------------------------------------------------------------
    def _transfer_config(self) -> Any:
        from boto3.s3.transfer import TransferConfig

        threshold = _env_bytes("WEIR_S3_MULTIPART_THRESHOLD", DEFAULT_PART_SIZE)
        chunk = _env_bytes("WEIR_S3_MULTIPART_CHUNKSIZE", DEFAULT_PART_SIZE)
        return TransferConfig(multipart_threshold=threshold, multipart_chunksize=chunk, max_concurrency=8)

    def _upload(self, local_file: str, relative: str, config: Any, extra: dict[str, Any]) -> None:
        arguments = dict(extra)
        content_type, _ = mimetypes.guess_type(local_file)
        if content_type and "ContentType" not in arguments:
            arguments["ContentType"] = content_type
        size = os.path.getsize(local_file)
        key = self._key(relative)
        if size < config.multipart_threshold:
            self._call(
                "upload", relative, self.client.upload_file, local_file, self.bucket, key, ExtraArgs=arguments
            )
            return
        with ProgressBar(f"Uploading {os.path.basename(local_file)}", size) as bar:
            self._call(
                "upload",
                relative,
                self.client.upload_file,
                local_file,
                self.bucket,
                key,
                ExtraArgs=arguments,
                Config=config,
                Callback=bar.update,
            )

    def log_artifact(self, local_file: str, artifact_path: str | None = None) -> None:
        local_file = os.fspath(local_file)
        directory = validate_artifact_path(artifact_path)
        if not os.path.isfile(local_file):
            raise InvalidParameterValue(f"Cannot log artifact {local_file!r}: it is not an existing file")
        relative = "/".join(p for p in (directory, os.path.basename(local_file)) if p)
        self._upload(local_file, relative, self._transfer_config(), _upload_extra_args())

    def log_artifacts(self, local_dir: str, artifact_path: str | None = None) -> None:
        local_dir = os.fspath(local_dir)
        directory = validate_artifact_path(artifact_path)
        if not os.path.isdir(local_dir):
            raise InvalidParameterValue(
                f"Cannot log artifacts from {local_dir!r}: it is not an existing directory"
            )
        files = []
        for folder, _, names in os.walk(local_dir):
            for name in names:
                path = os.path.join(folder, name)
                inner = os.path.relpath(path, local_dir).replace(os.sep, "/")
                files.append((path, "/".join(p for p in (directory, inner) if p)))
        if not files:
            return
        config, extra = self._transfer_config(), _upload_extra_args()
        with ThreadPoolExecutor(max_workers=min(_UPLOAD_WORKERS, len(files))) as pool:
            for future in [
                pool.submit(self._upload, path, relative, config, extra) for path, relative in files
            ]:
                future.result()

    # --- reading -----------------------------------------------------------------------------
    def _pages(self, prefix: str, delimiter: bool) -> Iterator[dict[str, Any]]:
        arguments: dict[str, Any] = {
            "Bucket": self.bucket,
            "Prefix": prefix,
            "PaginationConfig": {"PageSize": _LIST_PAGE_SIZE},
        }
        if delimiter:
            arguments["Delimiter"] = "/"
        paginator = self.client.get_paginator("list_objects_v2")
        relative = self._relative(prefix.rstrip("/")) if prefix else ""
        yield from self._call("list", relative, lambda: list(paginator.paginate(**arguments)))

    def _directory_prefix(self, relative: str) -> str:
        key = self._key(relative)
        return f"{key}/" if key else ""

    def list_artifacts(self, path: str | None = None) -> list[FileInfo]:
        relative = validate_artifact_path(path)
        prefix = self._directory_prefix(relative)
        infos: list[FileInfo] = []
        for page in self._pages(prefix, delimiter=True):
            for common in page.get("CommonPrefixes", ()):
                name = common["Prefix"][len(prefix) :].rstrip("/")
                if name:
                    infos.append(FileInfo("/".join(p for p in (relative, name) if p), True, None))
            for item in page.get("Contents", ()):
                name = item["Key"][len(prefix) :]
                if name:  # not the directory marker some tools write
                    infos.append(
                        FileInfo("/".join(p for p in (relative, name) if p), False, int(item["Size"]))
                    )
        infos.sort(key=lambda info: info.path)
        return infos

    def _objects_below(self, relative: str) -> list[str]:
        keys = []
        for page in self._pages(self._directory_prefix(relative), delimiter=False):
            keys.extend(item["Key"] for item in page.get("Contents", ()))
        return keys

    def _exists(self, relative: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(relative))
            return True
        except ClientError as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status == 404 or str(error.response.get("Error", {}).get("Code")) in _MISSING_CODES:
                return False
            raise self._error(error, "read", relative) from error

    def _download(self, key: str, local: str) -> None:
        os.makedirs(os.path.dirname(local), exist_ok=True)
        self._call("download", self._relative(key), self.client.download_file, self.bucket, key, local)

    def download_artifacts(self, artifact_path: str, dst_path: str | None = None) -> str:
        relative = validate_artifact_path(artifact_path)
        if dst_path is None:
            dst_path = tempfile.mkdtemp(prefix="weir-artifacts-")
        dst_path = os.path.abspath(os.fspath(dst_path))
        if not os.path.isdir(dst_path):
            raise InvalidParameterValue(f"The destination path {dst_path!r} is not an existing directory")
        target = resolve_local_path(dst_path, relative)
        keys = self._objects_below(relative)
        if keys or not relative:
            os.makedirs(target, exist_ok=True)
            for key in keys:
                inner = self._relative(key)
                if not inner or inner.endswith("/"):
                    continue  # directory markers
                # refuses keys whose names would climb out of dst_path ("a/../../x")
                self._download(key, resolve_local_path(dst_path, inner))
            return target
        if not self._exists(relative):
            raise ResourceDoesNotExist(f"Artifact {relative!r} does not exist under {self.root_uri}")
        self._download(self._key(relative), target)
        return target

    # --- deleting ----------------------------------------------------------------------------
    def delete_artifacts(self, artifact_path: str | None = None) -> None:
        relative = validate_artifact_path(artifact_path)
        keys = self._objects_below(relative)
        if relative:
            keys.append(self._key(relative))
        self._delete_keys(relative, keys)
        # Then the folder keys, deepest first: servers backed by a file system (SeaweedFS, ...) keep
        # empty folders listed until then; on S3 these are no-ops (or remove "folder" markers).
        self._delete_keys(relative, _folder_keys(self._directory_prefix(relative), keys))

    def _delete_keys(self, relative: str, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            result = self._call(
                "delete",
                relative,
                self.client.delete_objects,
                Bucket=self.bucket,
                Delete={"Objects": batch, "Quiet": True},
            )
            failed = result.get("Errors") or []
            if failed:
                first = failed[0]
                raise WeirException(
                    f"S3 could not delete {len(failed)} object(s) under {self._where(relative)}, e.g. "
                    f"{first.get('Key')!r}: {first.get('Message') or first.get('Code')}"
                )


def _folder_keys(prefix: str, keys: list[str]) -> list[str]:
    """``prefix`` and every folder (``.../``) between it and the ``keys`` below it, deepest first."""
    folders = {prefix} if prefix else set()
    for key in keys:
        if not key.startswith(prefix):
            continue
        parts = key[len(prefix) :].split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folders.add(prefix + "/".join(parts[:depth]) + "/")
    return sorted(folders, key=lambda folder: (-folder.count("/"), folder))
