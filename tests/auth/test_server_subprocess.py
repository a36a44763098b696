"""A real `weir server --auth` subprocess, set up with the `weir auth` CLI, used by the weir client."""

from __future__ import annotations

import subprocess
import sys

import pytest
import weir
from weir.exceptions import WeirException
from weir_live_server import subprocess_server


def weir_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "weir", "auth", *args], input=stdin, capture_output=True, text=True, timeout=60
    )


@pytest.mark.slow
def test_weir_server_auth_with_basic_and_bearer_clients(tmp_path, monkeypatch):
    backend = str(tmp_path / "backend")
    assert (
        weir_cli(
            "create-admin",
            "--backend-store-uri",
            backend,
            "--username",
            "root",
            "--password-stdin",
            stdin="root-pass\n",
        ).returncode
        == 0
    )
    assert (
        weir_cli(
            "create-user",
            "--backend-store-uri",
            backend,
            "--username",
            "ann",
            "--password-stdin",
            stdin="ann-pass1\n",
        ).returncode
        == 0
    )
    token = weir_cli("create-token", "--backend-store-uri", backend, "--username", "ann").stdout.strip()
    assert token.startswith("weir_")
    monkeypatch.setenv("WEIR_HTTP_REQUEST_MAX_RETRIES", "0")
    with subprocess_server(backend, "--auth", log_path=str(tmp_path / "server.log")) as server:
        weir.set_tracking_uri(server.url)
        try:
            monkeypatch.setenv("WEIR_TRACKING_USERNAME", "root")
            monkeypatch.setenv("WEIR_TRACKING_PASSWORD", "root-pass")
            weir.set_experiment("admin-exp")
            with weir.start_run() as run:
                weir.log_metric("m", 1.0)
            monkeypatch.delenv("WEIR_TRACKING_USERNAME")
            monkeypatch.delenv("WEIR_TRACKING_PASSWORD")
            monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", token)
            client = weir.WeirClient()
            assert client.get_run(run.info.run_id).data.metrics == {"m": 1.0}  # READ by default
            with pytest.raises(WeirException) as error:
                client.delete_run(run.info.run_id)
            assert error.value.error_code == "PERMISSION_DENIED"
            granted = weir_cli(
                "grant",
                "--backend-store-uri",
                backend,
                "--username",
                "ann",
                "--experiment-id",
                run.info.experiment_id,
                "--permission",
                "MANAGE",
            )
            assert granted.returncode == 0, granted.stderr
            client.delete_run(run.info.run_id)
            monkeypatch.delenv("MLFLOW_TRACKING_TOKEN")
            with pytest.raises(WeirException) as error:
                client.get_run(run.info.run_id)
            assert error.value.error_code == "UNAUTHENTICATED"
        finally:
            weir.set_tracking_uri(None)


def test_cli_refuses_short_passwords_and_needs_one_target(tmp_path):
    backend = str(tmp_path / "b")
    short = weir_cli(
        "create-admin",
        "--backend-store-uri",
        backend,
        "--username",
        "root",
        "--password-stdin",
        stdin="short\n",
    )
    assert short.returncode == 1 and "at least 8 characters" in short.stderr
    both = weir_cli("grant", "--backend-store-uri", backend, "--username", "x", "--permission", "READ")
    assert both.returncode != 0 and "exactly one of --experiment-id or --registered-model" in both.stderr
