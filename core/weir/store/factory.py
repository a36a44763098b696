"""Turning URIs into stores and artifact repositories, through the plugin hooks."""

from __future__ import annotations

import threading

from weir.exceptions import WeirException
from weir.store.artifacts.base import ArtifactRepository
from weir.store.tracking.base import AbstractTrackingStore

_stores: dict[str, AbstractTrackingStore] = {}
_stores_lock = threading.Lock()


def get_tracking_store(store_uri: str) -> AbstractTrackingStore:
    """The store for a tracking URI, created once per URI and process."""
    store = _stores.get(store_uri)
    if store is not None:
        return store
    with _stores_lock:
        store = _stores.get(store_uri)
        if store is None:
            from weir.plugins.manager import get_plugin_manager

            store = get_plugin_manager().hook.tracking_store(store_uri=store_uri)
            if store is None:
                raise WeirException.invalid_parameter_value(
                    f"No tracking store handles the URI {store_uri!r}. Use a folder path, a file: URI, "
                    "sqlite:///path.db, or install the plugin for that scheme."
                )
            _stores[store_uri] = store
        return store


def get_artifact_repository(artifact_uri: str) -> ArtifactRepository:
    from weir.plugins.manager import get_plugin_manager

    repo = get_plugin_manager().hook.artifact_repository(artifact_uri=artifact_uri)
    if repo is None:
        raise WeirException.invalid_parameter_value(
            f"No artifact repository handles the URI {artifact_uri!r}; install the plugin for that scheme."
        )
    return repo


def clear_store_cache() -> None:
    """Close and forget every cached store (tests and fork handlers use this)."""
    with _stores_lock:
        for store in _stores.values():
            close = getattr(store, "close", None)
            if close is not None:
                close()
        _stores.clear()
