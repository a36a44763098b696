"""Run artifact listing (mlflow/artifacts/list) and the artifact proxy (mlflow-artifacts/...), incl. multipart."""

from __future__ import annotations

import mimetypes
import posixpath
from typing import Any

from weir.exceptions import InvalidParameterValue, WeirException
from weir.server import protojson
from weir.server.artifact_service import MULTIPART_UNSUPPORTED, proxy_path
from weir.server.config import ServerContext
from weir.server.request import Request
from weir.server.responses import FileResponse
from weir.server.routing import Router
from weir.store.artifacts.paths import validate_artifact_path

PROXY_PREFIXES = ("/api/2.0/mlflow-artifacts/", "/ajax-api/2.0/mlflow-artifacts/")


class _Disconnected(Exception):
    pass


def list_uri(ctx: ServerContext, root_uri: str, path: str | None) -> list[dict[str, Any]]:
    """Children of ``path`` under an artifact root URI, with paths relative to that root."""
    relative = validate_artifact_path(path)
    if root_uri.startswith("mlflow-artifacts:"):
        base = proxy_path(root_uri)
        children = ctx.artifacts.list("/".join(p for p in (base, relative) if p))
        return [
            protojson.file_info(info, posixpath.join(relative, info.path) if relative else info.path)
            for info in children
        ]
    from weir.store.factory import get_artifact_repository

    return [
        protojson.file_info(info)
        for info in get_artifact_repository(root_uri).list_artifacts(relative or None)
    ]


def list_run_artifacts(ctx: ServerContext, req: Request) -> dict[str, Any]:
    run = ctx.store.get_run(req.run_id())
    root_uri = run.info.artifact_uri
    files = list_uri(ctx, root_uri, req.string("path"))
    body: dict[str, Any] = {"root_uri": root_uri}
    if files:
        body["files"] = files
    return body


# --- the proxy ---------------------------------------------------------------------------------
def proxy_list(ctx: ServerContext, req: Request) -> dict[str, Any]:
    files = [protojson.file_info(info) for info in ctx.artifacts.list(req.string("path"))]
    return {"files": files} if files else {}


def _content_type(path: str) -> bytes:
    guessed = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if guessed.startswith("text/"):
        guessed += "; charset=utf-8"
    return guessed.encode()


def proxy_download(ctx: ServerContext, req: Request) -> FileResponse:
    local, cleanup = ctx.artifacts.file_for_download(req.path_params["tail"])
    return FileResponse(local, _content_type(local), cleanup=cleanup)


def _chunk_reader(receive: Any) -> Any:
    async def chunks() -> tuple[bytes, bool]:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected()
        return message.get("body", b""), message.get("more_body", False)

    return chunks


async def proxy_upload(ctx: ServerContext, req: Request, receive: Any) -> dict[str, Any]:
    try:
        await ctx.artifacts.upload(req.path_params["tail"], _chunk_reader(receive))
    except _Disconnected:
        raise WeirException("The client went away before the upload finished.", "BAD_REQUEST") from None
    return {}


def proxy_delete(ctx: ServerContext, req: Request) -> dict[str, Any]:
    ctx.artifacts.delete(req.path_params["tail"])
    return {}


def _base_url(req: Request) -> str:
    host = req.header(b"host") or "127.0.0.1"
    scheme = req.header(b"x-forwarded-proto") or req.path_params.get("scheme", "http")
    return f"{scheme}://{host}"


def _mpu_target(req: Request) -> str:
    """As MLflow's proxy does: the URL names the folder, the body's ``path`` (the client's local
    file) gives the file name."""
    local = req.string("path", required=True) or ""
    name = local.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    if not name or name in (".", ".."):
        raise InvalidParameterValue(f"Invalid path {local!r}: it names no file.")
    return "/".join(p for p in (validate_artifact_path(req.path_params["tail"]), name) if p)


async def mpu_create(ctx: ServerContext, req: Request, receive: Any) -> dict[str, Any]:
    from weir.server.app import _parse_json, _read_body

    body = await _read_body(receive, 1_000_000)
    req.body = _parse_json(body) if body else {}
    num_parts = req.integer("num_parts", 1)
    path = _mpu_target(req)
    if not ctx.artifacts.supports_multipart:
        raise InvalidParameterValue(MULTIPART_UNSUPPORTED)
    upload_id = ctx.artifacts.create_multipart(path, num_parts)
    prefix = req.path.split("/mlflow-artifacts/", 1)[0]
    base = f"{_base_url(req)}{prefix}/mlflow-artifacts/mpu/upload/{upload_id}"
    credentials = [{"url": f"{base}/{n}", "part_number": n, "headers": {}} for n in range(1, num_parts + 1)]
    return {"upload_id": upload_id, "credentials": credentials}


async def mpu_upload_part(ctx: ServerContext, req: Request, receive: Any) -> Any:
    from weir.server.responses import Response

    upload_id, _, number = req.path_params["tail"].partition("/")
    if not number.isdigit():
        raise InvalidParameterValue(f"Invalid part number {number!r}.")
    try:
        etag = await ctx.artifacts.upload_part(upload_id, int(number), _chunk_reader(receive))
    except _Disconnected:
        raise WeirException("The client went away before the part was uploaded.", "BAD_REQUEST") from None
    return Response(b"{}", headers=[(b"etag", etag.encode())])


def mpu_complete(ctx: ServerContext, req: Request) -> dict[str, Any]:
    upload_id = req.string("upload_id", required=True)
    numbers = []
    for part in req.objects("parts"):
        try:
            numbers.append(int(part.get("part_number")))
        except (TypeError, ValueError):
            raise InvalidParameterValue(f"Invalid part {part!r}: it needs a part_number.") from None
    ctx.artifacts.complete_multipart(_mpu_target(req), upload_id, numbers)
    return {}


def mpu_abort(ctx: ServerContext, req: Request) -> dict[str, Any]:
    ctx.artifacts.abort_multipart(_mpu_target(req), req.string("upload_id", required=True))
    return {}


# --- legacy UI downloads -----------------------------------------------------------------------
def _download_from_root(ctx: ServerContext, root_uri: str, path: str | None) -> FileResponse:
    relative = validate_artifact_path(path)
    if not relative:
        raise InvalidParameterValue("Missing value for required parameter 'path'.")
    if root_uri.startswith("mlflow-artifacts:"):
        local, cleanup = ctx.artifacts.file_for_download("/".join((proxy_path(root_uri), relative)))
        return FileResponse(local, _content_type(local), cleanup=cleanup)
    import os
    import tempfile

    from weir.store.factory import get_artifact_repository

    scratch = tempfile.mkdtemp(prefix="weir-download-")
    try:
        local = get_artifact_repository(root_uri).download_artifacts(relative, scratch)
    except Exception:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)
        raise
    if not os.path.isfile(local):
        from weir.exceptions import ResourceDoesNotExist

        raise ResourceDoesNotExist(f"Artifact '{relative}' is a directory, not a file.")
    return FileResponse(local, _content_type(local), cleanup=scratch)


def get_run_artifact(ctx: ServerContext, req: Request) -> FileResponse:
    run = ctx.store.get_run(req.run_id())
    return _download_from_root(ctx, run.info.artifact_uri, req.string("path"))


def get_model_version_artifact(ctx: ServerContext, req: Request) -> FileResponse:
    from weir.server.handlers.registry import download_uri

    root = download_uri(ctx, req.string("name", required=True), req.string("version", required=True))
    return _download_from_root(ctx, root, req.string("path"))


def register(router: Router) -> None:
    router.api("GET", "mlflow/artifacts/list", list_run_artifacts)
    for base in PROXY_PREFIXES:
        router.add("GET", base + "artifacts", proxy_list)
        router.add("GET", base + "artifacts/", proxy_download, prefix=True)
        router.add("PUT", base + "artifacts/", proxy_upload, prefix=True, stream=True)
        router.add("DELETE", base + "artifacts/", proxy_delete, prefix=True)
        router.add("POST", base + "mpu/create/", mpu_create, prefix=True, stream=True)
        router.add("PUT", base + "mpu/upload/", mpu_upload_part, prefix=True, stream=True)
        router.add("POST", base + "mpu/complete/", mpu_complete, prefix=True)
        router.add("POST", base + "mpu/abort/", mpu_abort, prefix=True)
    router.add("GET", "/get-artifact", get_run_artifact)
    router.add("GET", "/model-versions/get-artifact", get_model_version_artifact)
