"""weir's own stores, registered through the same hooks as any plugin."""

from __future__ import annotations

from weir.plugins.hookspecs import hookimpl


@hookimpl(trylast=True)
def tracking_store(store_uri):
    from weir.store.tracking.local import local_tracking_store

    return local_tracking_store(store_uri)


@hookimpl(trylast=True)
def artifact_repository(artifact_uri):
    from weir.store.artifacts.local import LocalArtifactRepository, is_local_uri

    if is_local_uri(artifact_uri):
        return LocalArtifactRepository(artifact_uri)
    return None


@hookimpl(specname="tracking_store")
def rest_tracking_store(store_uri):
    """http(s):// tracking URIs: an MLflow-compatible tracking server."""
    from weir.store.tracking.rest import rest_tracking_store

    return rest_tracking_store(store_uri)


@hookimpl(specname="artifact_repository")
def http_artifact_repository(artifact_uri):
    """mlflow-artifacts:/ URIs and http(s)://.../mlflow-artifacts/artifacts URIs (the server's proxy)."""
    from weir.store.artifacts.http import http_artifact_repository

    return http_artifact_repository(artifact_uri)


@hookimpl(specname="tracking_store", trylast=True)
def postgres_tracking_store(store_uri):
    """postgresql:// (and postgresql+psycopg://) tracking URIs: the PostgreSQL store."""
    from weir.store.tracking.postgres import postgres_tracking_store

    return postgres_tracking_store(store_uri)


@hookimpl(specname="artifact_repository", trylast=True)
def s3_artifact_repository(artifact_uri):
    """s3://bucket/prefix artifact URIs (Amazon S3 or any S3-compatible server)."""
    from weir.store.artifacts.s3 import S3ArtifactRepository, is_s3_uri

    return S3ArtifactRepository(artifact_uri) if is_s3_uri(artifact_uri) else None


@hookimpl
def run_context_tags():
    from weir.tracking.context import default_run_context_tags

    return default_run_context_tags()


@hookimpl
def register_flavors(register):
    from weir.plugins.flavors import Flavor

    # pyfunc is core: models saved with only the python_function flavor load through weir.pyfunc
    register(Flavor(name="python_function", module="weir.pyfunc", aliases=("mlflow.pyfunc",), pyfunc=False))
