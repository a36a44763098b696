"""What handlers return besides a plain dict (which is sent as JSON with status 200)."""

from __future__ import annotations

import os
from typing import Any

from weir.server import jsoncodec

JSON = b"application/json"
TEXT = b"text/plain; charset=utf-8"
CHUNK_SIZE = 1024 * 1024


class Response:
    __slots__ = ("status", "body", "content_type", "headers")

    def __init__(
        self,
        body: bytes,
        status: int = 200,
        content_type: bytes = JSON,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or []


class FileResponse:
    """A file streamed in 1 MiB chunks; ``cleanup`` (a path) is removed once it has been sent."""

    __slots__ = ("path", "content_type", "headers", "cleanup")

    def __init__(
        self,
        path: str,
        content_type: bytes = b"application/octet-stream",
        headers: list[tuple[bytes, bytes]] | None = None,
        cleanup: str | None = None,
    ) -> None:
        self.path = path
        self.content_type = content_type
        self.headers = headers or []
        self.cleanup = cleanup


def error_body(error_code: str, message: str) -> bytes:
    return jsoncodec.dumps({"error_code": error_code, "message": message})


async def send_body(
    send: Any, status: int, body: bytes, content_type: bytes, headers: list | None = None
) -> None:
    start_headers = [(b"content-type", content_type), (b"content-length", b"%d" % len(body))]
    if headers:
        start_headers.extend(headers)
    await send({"type": "http.response.start", "status": status, "headers": start_headers})
    await send({"type": "http.response.body", "body": body})


async def send_file(send: Any, response: FileResponse, head_only: bool = False) -> None:
    try:
        with open(response.path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            headers = [(b"content-type", response.content_type), (b"content-length", b"%d" % size)]
            headers.extend(response.headers)
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            if head_only:
                await send({"type": "http.response.body", "body": b""})
                return
            while True:
                chunk = handle.read(CHUNK_SIZE)
                more = len(chunk) == CHUNK_SIZE
                await send({"type": "http.response.body", "body": chunk, "more_body": more})
                if not more:
                    break
    finally:
        if response.cleanup:
            import shutil

            shutil.rmtree(response.cleanup, ignore_errors=True)
