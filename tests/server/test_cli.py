"""``weir server`` and ``weir ui`` as real processes: startup, the open-server notice, options."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request

from tests.server.conftest import WEIR, free_port, start_server, stop_server


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def test_weir_ui_starts_quickly_and_says_it_is_open(tmp_path):
    started = time.monotonic()
    server = start_server(tmp_path, command="ui")
    try:
        elapsed = time.monotonic() - started
        body = _get(server.url + "/api/2.0/mlflow/experiments/get?experiment_id=0")
        assert body["experiment"]["name"] == "Default"
        assert elapsed < 15  # generous for a loaded CI machine; the benchmark measures the real figure
    finally:
        stop_server(server)
    log = server.log.read_text()
    assert "no authentication" in log
    assert f"http://127.0.0.1:{server.url.rsplit(':', 1)[1]}" in log


def test_no_serve_artifacts_writes_artifact_locations_to_the_destination(tmp_path):
    destination = tmp_path / "artifacts-here"
    server = start_server(tmp_path, "--no-serve-artifacts", "--default-artifact-root", str(destination))
    try:
        body = _get(server.url + "/api/2.0/mlflow/experiments/get?experiment_id=0")
        assert body["experiment"]["artifact_location"] == destination.as_uri() + "/0"
    finally:
        stop_server(server)


def test_several_workers_share_one_store(tmp_path):
    server = start_server(tmp_path, "--workers", "2")
    try:
        request = urllib.request.Request(
            server.url + "/api/2.0/mlflow/experiments/create",
            data=json.dumps({"name": "shared"}).encode(),
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            experiment_id = json.loads(response.read())["experiment_id"]
        for _ in range(4):  # whichever worker answers sees it
            body = _get(server.url + f"/api/2.0/mlflow/experiments/get?experiment_id={experiment_id}")
            assert body["experiment"]["name"] == "shared"
    finally:
        stop_server(server)


def test_a_bad_backend_store_uri_fails_with_one_line(tmp_path):
    result = subprocess.run(
        [*WEIR, "server", "--backend-store-uri", "nosuchscheme://x", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Error:") and "Traceback" not in result.stderr


def test_help_lists_the_mlflow_options():
    result = subprocess.run([*WEIR, "server", "--help"], capture_output=True, text=True, timeout=60)
    for option in (
        "--backend-store-uri",
        "--artifacts-destination",
        "--default-artifact-root",
        "--serve-artifacts",
        "--workers",
        "--auth",
    ):
        assert option in result.stdout
    assert sys.executable
