"""Model-registry stores: the interface (``base``) and the SQLite implementation (``sqlite``)."""

from weir.store.registry.base import AbstractRegistryStore

__all__ = ["AbstractRegistryStore"]
