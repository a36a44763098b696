"""``weir server`` on PostgreSQL with artifacts proxied to S3, driven by the real MLflow client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from weir.store.artifacts.s3 import s3_client

pytestmark = pytest.mark.mlflow

CLIENT = """
import os, sys, tempfile
import mlflow
mlflow.set_tracking_uri(sys.argv[1])
mlflow.set_experiment("team")
with mlflow.start_run() as run:
    mlflow.log_param("alpha", 1)
    mlflow.log_metric("loss", 0.5)
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "notes.txt"), "w") as f:
        f.write("hello team")
    mlflow.log_artifact(os.path.join(folder, "notes.txt"), "docs")
local = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="docs/notes.txt")
print("RESULT", run.info.run_id, open(local).read())
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def team_server(postgres_uri, s3_bucket):
    pytest.importorskip("mlflow")
    port = _free_port()
    weir = os.path.join(os.path.dirname(sys.executable), "weir")
    command = [weir, "server", "--backend-store-uri", postgres_uri, "--port", str(port)]
    command += ["--artifacts-destination", f"s3://{s3_bucket}/mlartifacts"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"weir server did not start:\n{server.communicate(timeout=10)[0]}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


def test_mlflow_client_logs_to_a_postgres_and_s3_team_server(team_server, postgres_uri, s3_bucket):
    # the client has no S3 credentials: artifacts go through the server's proxy
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "WEIR_S3", "MLFLOW_S3"))}
    result = subprocess.run(
        [sys.executable, "-c", CLIENT, team_server],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    _, run_id, content = line.split(" ", 2)
    assert content == "hello team"

    keys = [o["Key"] for o in s3_client().list_objects_v2(Bucket=s3_bucket).get("Contents", [])]
    assert keys == [f"mlartifacts/1/{run_id}/artifacts/docs/notes.txt"]

    from weir.store.tracking.postgres import PostgresTrackingStore

    store = PostgresTrackingStore(postgres_uri)
    try:
        run = store.get_run(run_id)
        assert (run.data.params, run.data.metrics) == ({"alpha": "1"}, {"loss": 0.5})
        assert store.get_experiment_by_name("team").experiment_id == run.info.experiment_id
    finally:
        store.close()
