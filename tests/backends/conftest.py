"""Fixtures for the PostgreSQL and S3 back ends, started by scripts/services.sh.

Tests needing a server skip cleanly when ``WEIR_TEST_POSTGRES_URI`` / ``WEIR_TEST_S3_ENDPOINT``
are unset. Each test gets its own PostgreSQL schema or S3 bucket, removed afterwards.
"""

from __future__ import annotations

import os
import uuid

import pytest

POSTGRES_URI = os.environ.get("WEIR_TEST_POSTGRES_URI")
S3_ENDPOINT = os.environ.get("WEIR_TEST_S3_ENDPOINT")


@pytest.fixture
def postgres_uri():
    """A URI on an empty schema of its own; every store opened on it must be closed by the test."""
    if not POSTGRES_URI:
        pytest.skip("WEIR_TEST_POSTGRES_URI is not set (scripts/services.sh starts PostgreSQL)")
    from weir.store.tracking.postgres.testing import isolated_schema_uri

    with isolated_schema_uri(POSTGRES_URI, prefix="weir_backends") as uri:
        yield uri


@pytest.fixture
def s3_endpoint(monkeypatch):
    """The test S3 server's URL, also set as WEIR_S3_ENDPOINT_URL for the code under test."""
    if not S3_ENDPOINT:
        pytest.skip("WEIR_TEST_S3_ENDPOINT is not set (scripts/services.sh starts SeaweedFS)")
    monkeypatch.setenv("WEIR_S3_ENDPOINT_URL", S3_ENDPOINT)
    monkeypatch.delenv("MLFLOW_S3_ENDPOINT_URL", raising=False)
    return S3_ENDPOINT


@pytest.fixture
def s3_bucket(s3_endpoint):
    """A new, empty bucket; emptied and removed afterwards."""
    from weir.store.artifacts.s3 import s3_client

    client = s3_client()
    name = f"weir-test-{uuid.uuid4().hex[:16]}"
    client.create_bucket(Bucket=name)
    try:
        yield name
    finally:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
            keys = [{"Key": item["Key"]} for item in page.get("Contents", ())]
            if keys:
                client.delete_objects(Bucket=name, Delete={"Objects": keys, "Quiet": True})
        client.delete_bucket(Bucket=name)
