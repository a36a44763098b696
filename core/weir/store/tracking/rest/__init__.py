"""The REST tracking + registry store for ``http(s)://`` tracking URIs (an MLflow-compatible server)."""

from weir.store.tracking.rest.http import HttpClient, RetryPolicy
from weir.store.tracking.rest.store import RestStore

__all__ = ["HttpClient", "RestStore", "RetryPolicy", "rest_tracking_store"]


def rest_tracking_store(store_uri: str) -> RestStore | None:
    """A RestStore for ``http(s)://`` URIs, None for any other scheme."""
    if isinstance(store_uri, str) and store_uri.lower().startswith(("http://", "https://")):
        return RestStore(store_uri)
    return None
