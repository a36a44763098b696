"""Which tracking / registry URI is in effect, and the store behind it.

Resolution order for the tracking URI: ``set_tracking_uri()``, then ``WEIR_TRACKING_URI``, then
``MLFLOW_TRACKING_URI``, then the folder ``./weirruns`` in the current directory (returned as an
absolute ``file://`` URI). The registry URI defaults to the tracking URI.
"""

from __future__ import annotations

import os
import pathlib
import threading
from typing import TYPE_CHECKING

from weir.exceptions import WeirException

if TYPE_CHECKING:
    from weir.store.tracking.base import AbstractTrackingStore

DEFAULT_FOLDER = "weirruns"
TRACKING_URI_ENV_VARS = ("WEIR_TRACKING_URI", "MLFLOW_TRACKING_URI")
REGISTRY_URI_ENV_VARS = ("WEIR_REGISTRY_URI", "MLFLOW_REGISTRY_URI")
_SERVER_SCHEMES = ("http", "https")

_lock = threading.Lock()
_tracking_uri: str | None = None
_registry_uri: str | None = None


def _as_uri_string(uri: str | os.PathLike | None) -> str | None:
    if uri is None:
        return None
    if isinstance(uri, pathlib.PurePath):
        return pathlib.Path(uri).absolute().as_uri()
    if not isinstance(uri, str):
        raise WeirException.invalid_parameter_value(f"A tracking URI must be a string or a path, got {uri!r}")
    return uri or None


def set_tracking_uri(uri: str | os.PathLike | None) -> None:
    """Set the tracking URI for this process; ``None`` goes back to the environment/default."""
    global _tracking_uri
    with _lock:
        _tracking_uri = _as_uri_string(uri)


def _from_env(names: tuple[str, ...]) -> str | None:
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return None


def get_tracking_uri() -> str:
    """The tracking URI in effect (see the module docstring for the order)."""
    uri = _tracking_uri or _from_env(TRACKING_URI_ENV_VARS)
    if uri:
        return uri
    return pathlib.Path(os.getcwd(), DEFAULT_FOLDER).as_uri()


def set_registry_uri(uri: str | os.PathLike | None) -> None:
    """Set the model registry URI; ``None`` makes it follow the tracking URI again."""
    global _registry_uri
    with _lock:
        _registry_uri = _as_uri_string(uri)


def get_registry_uri() -> str:
    return _registry_uri or _from_env(REGISTRY_URI_ENV_VARS) or get_tracking_uri()


def is_local_path_uri(uri: str) -> bool:
    from weir.store.artifacts.local import is_local_uri

    return is_local_uri(uri)


def normalize_store_uri(uri: str) -> str:
    """Plain paths and relative ``file:`` URIs become absolute ``file://`` URIs; others pass through.

    That way ``"mlruns"`` and ``"file:///cwd/mlruns"`` share one cached store, and a later
    ``os.chdir`` does not move the store.
    """
    cache_key = (uri, os.getcwd())
    normalized = _normalized.get(cache_key)
    if normalized is None:
        normalized = uri
        if is_local_path_uri(uri):
            from weir.store.artifacts.local import local_path_from_uri

            normalized = pathlib.Path(local_path_from_uri(uri)).as_uri()
        if len(_normalized) > 1000:
            _normalized.clear()
        _normalized[cache_key] = normalized
    return normalized


_normalized: dict[tuple[str, str], str] = {}


def get_store(uri: str | None = None) -> AbstractTrackingStore:
    """The tracking store for ``uri`` (default: the current tracking URI), cached per URI."""
    from weir.store.factory import get_tracking_store

    resolved = normalize_store_uri(uri or get_tracking_uri())
    return get_tracking_store(resolved)
