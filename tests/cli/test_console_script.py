"""The installed ``weir`` console script, run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from weir.version import __version__

WEIR = Path(sys.executable).parent / "weir"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("WEIR_TRACKING_URI", "MLFLOW_TRACKING_URI")}
    env.update(extra)
    return env


def test_version_prints_the_package_version(tmp_path):
    result = subprocess.run(
        [str(WEIR), "--version"], capture_output=True, text=True, cwd=tmp_path, env=_env()
    )

    assert result.returncode == 0
    assert __version__ in result.stdout


def test_an_unknown_run_is_one_line_on_stderr_and_exit_status_1(tmp_path):
    uri = (tmp_path / "weirruns").as_uri()

    result = subprocess.run(
        [str(WEIR), "runs", "describe", "--run-id", "deadbeef" * 4, "--tracking-uri", uri],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(),
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: Run with id={'deadbeef' * 4} not found\n"


def test_the_tracking_uri_comes_from_the_environment(tmp_path):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = _env(WEIR_TRACKING_URI=(tmp_path / "store").as_uri())

    created = subprocess.run(
        [str(WEIR), "experiments", "create", "-n", "from-env"],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
    )
    listed = subprocess.run(
        [str(WEIR), "experiments", "list"], capture_output=True, text=True, cwd=cwd, env=env
    )

    assert created.returncode == 0, created.stderr
    assert "from-env" in listed.stdout
    assert not (cwd / "weirruns").exists()
