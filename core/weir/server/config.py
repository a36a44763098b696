"""Server settings and the objects every handler shares (one store per process)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weir.exceptions import WeirException

PROXY_ROOT = "mlflow-artifacts:/"
DEFAULT_BACKEND_STORE = "./weirruns"
_LOCAL_STORE_SCHEMES = ("", "file", "sqlite")

# Environment variables the launcher uses to hand the settings to uvicorn worker processes.
ENV_BACKEND = "_WEIR_SERVER_BACKEND_STORE_URI"
ENV_DEFAULT_ROOT = "_WEIR_SERVER_DEFAULT_ARTIFACT_ROOT"
ENV_DESTINATION = "_WEIR_SERVER_ARTIFACTS_DESTINATION"
ENV_SERVE = "_WEIR_SERVER_SERVE_ARTIFACTS"
ENV_AUTH = "_WEIR_SERVER_AUTH"


def _scheme(uri: str) -> str:
    head, sep, _ = uri.partition(":")
    if not sep or len(head) == 1 or not head.replace("+", "").replace("-", "").replace(".", "").isalnum():
        return ""
    return head.lower()


def local_store_folder(store_uri: str) -> Path | None:
    """The folder holding a local backend store's files, or None for a remote store."""
    scheme = _scheme(store_uri)
    if scheme not in _LOCAL_STORE_SCHEMES:
        return None
    if scheme == "sqlite":
        from weir.store.tracking.local import _sqlite_path

        return _sqlite_path(store_uri).resolve().parent
    if scheme == "file":
        from weir.store.tracking.local import _file_uri_path

        return _file_uri_path(store_uri).resolve()
    return Path(store_uri).expanduser().resolve()


@dataclass(frozen=True)
class ServerConfig:
    """``default_artifact_root`` is where new experiments put artifacts (``mlflow-artifacts:/`` when
    proxying); ``artifacts_destination`` is where the proxy stores them (a path or URI)."""

    backend_store_uri: str = DEFAULT_BACKEND_STORE
    default_artifact_root: str | None = None
    artifacts_destination: str | None = None
    serve_artifacts: bool = True
    auth: bool = False

    def resolved(self) -> ServerConfig:
        """Fill in the defaults MLflow uses, relative to the backend store when it is local."""
        folder = local_store_folder(self.backend_store_uri)
        destination = self.artifacts_destination
        if destination is None:
            destination = (
                str(folder / "artifacts") if folder is not None else os.path.abspath("./weirartifacts")
            )
        root = self.default_artifact_root
        if root is None:
            root = PROXY_ROOT if self.serve_artifacts else destination
        if not self.serve_artifacts and root.startswith("mlflow-artifacts:"):
            raise WeirException(
                "--default-artifact-root is an mlflow-artifacts: URI but artifact serving is off "
                "(--no-serve-artifacts); clients could not upload anything.",
                "INVALID_PARAMETER_VALUE",
            )
        return ServerConfig(self.backend_store_uri, root, destination, self.serve_artifacts, self.auth)

    def to_environment(self) -> dict[str, str]:
        return {
            ENV_BACKEND: self.backend_store_uri,
            ENV_DEFAULT_ROOT: self.default_artifact_root or "",
            ENV_DESTINATION: self.artifacts_destination or "",
            ENV_SERVE: "1" if self.serve_artifacts else "0",
            ENV_AUTH: "1" if self.auth else "0",
        }

    @classmethod
    def from_environment(cls) -> ServerConfig:
        backend = os.environ.get(ENV_BACKEND)
        if not backend:
            raise RuntimeError(f"{ENV_BACKEND} is not set; start the server with `weir server`.")
        return cls(
            backend,
            os.environ.get(ENV_DEFAULT_ROOT) or None,
            os.environ.get(ENV_DESTINATION) or None,
            os.environ.get(ENV_SERVE, "1") == "1",
            os.environ.get(ENV_AUTH, "0") == "1",
        ).resolved()


def open_store(config: ServerConfig) -> Any:
    """The tracking + registry store for the backend URI, with the server's default artifact root."""
    from weir.store.tracking.local import local_tracking_store

    store = local_tracking_store(config.backend_store_uri, config.default_artifact_root)
    if store is not None:
        return store
    from weir.store.tracking.postgres import postgres_tracking_store

    store = postgres_tracking_store(config.backend_store_uri, config.default_artifact_root)
    if store is not None:  # the Default experiment of a new database gets the server's root too
        return store
    from weir.store.factory import get_tracking_store

    store = get_tracking_store(config.backend_store_uri)
    if config.default_artifact_root and hasattr(store, "artifact_root"):
        store.artifact_root = config.default_artifact_root
    return store


class ServerContext:
    """What handlers share: the settings, the store, the artifact service and a thread pool."""

    def __init__(self, config: ServerConfig, store: Any = None, max_threads: int = 8) -> None:
        from weir.server.artifact_service import ArtifactService

        self.config = config
        self.store = store if store is not None else open_store(config)
        self.artifacts = ArtifactService(config.artifacts_destination or "", enabled=config.serve_artifacts)
        self.executor = ThreadPoolExecutor(max_workers=max_threads, thread_name_prefix="weir-server")

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
