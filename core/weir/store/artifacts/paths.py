"""Artifact path validation shared by every artifact repository and the server.

An artifact path is a relative, ``/``-separated path below a repository's root. Anything that
could escape the root is refused with INVALID_PARAMETER_VALUE naming the path, before anything
is written: absolute paths, drive letters, ``..`` segments that climb above the root,
backslashes, NUL bytes, and percent-encoded forms of any of these.
"""

from __future__ import annotations

import os
import posixpath
import re
from urllib.parse import unquote, urlparse

from weir.exceptions import InvalidParameterValue

_DRIVE = re.compile(r"^[A-Za-z]:")


def _refuse(path: str, reason: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Invalid artifact path {path!r}: {reason}")


def _check_raw(original: str, candidate: str) -> None:
    if "\x00" in candidate:
        raise _refuse(original, "it contains a NUL byte")
    if "\\" in candidate:
        raise _refuse(original, "backslashes are not allowed (artifact paths use '/')")
    if candidate.startswith("/") or _DRIVE.match(candidate):
        raise _refuse(original, "it must be relative to the artifact root, not absolute")
    depth = 0
    for segment in candidate.split("/"):
        if segment == "..":
            depth -= 1
            if depth < 0:
                raise _refuse(original, "its '..' segments leave the artifact root")
        elif segment not in ("", "."):
            depth += 1


def validate_artifact_path(path: str | None) -> str:
    """Return ``path`` normalized (``""`` for the root), or raise INVALID_PARAMETER_VALUE.

    Percent-encoded forms are decoded (repeatedly, to catch double encoding) and checked too,
    because a server or a later consumer may decode them.
    """
    if path is None:
        return ""
    if not isinstance(path, str):
        path = os.fspath(path)
        if not isinstance(path, str):
            raise _refuse(repr(path), "it must be a string")
    candidate = path
    for _ in range(5):
        _check_raw(path, candidate)
        decoded = unquote(candidate)
        if decoded == candidate:
            break
        candidate = decoded
    else:
        raise _refuse(path, "it is percent-encoded too many times")
    normalized = posixpath.normpath(path)
    if normalized in (".", ""):
        return ""
    return normalized


def join_artifact_path(*parts: str | None) -> str:
    """Join validated relative parts with ``/``, skipping empty ones."""
    return "/".join(p for p in (validate_artifact_path(p) for p in parts) if p)


def split_artifact_uri(uri: str) -> tuple[str, str]:
    """(parent URI, last path element): a repository at the parent fetches that one file or folder."""
    parsed = urlparse(uri)
    parent_path, name = posixpath.split(parsed.path.rstrip("/"))
    return parsed._replace(path=parent_path or "/").geturl(), name


def is_within(root: str, path: str) -> bool:
    """True when ``path`` is ``root`` or below it once both are resolved (symlinks included)."""
    real_root = os.path.realpath(root)
    real_path = os.path.realpath(path)
    return real_path == real_root or real_path.startswith(real_root.rstrip(os.sep) + os.sep)


def resolve_local_path(root: str, artifact_path: str | None) -> str:
    """The local file-system path of ``artifact_path`` under ``root``, refusing escapes.

    Raises INVALID_PARAMETER_VALUE when the path is unsafe or when a symlink inside the root
    points outside of it.
    """
    relative = validate_artifact_path(artifact_path)
    local = os.path.join(root, *relative.split("/")) if relative else root
    if not is_within(root, local):
        raise _refuse(relative, "it resolves (through a symlink) to a location outside the artifact root")
    return local
