"""Helpers for the projects tests: tiny projects written into tmp_path, and a look at every stored run."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "projects"

# A project script that logs into the run weir created for it.
LOGGING_SCRIPT = """
import sys
import weir

with weir.start_run() as run:
    weir.log_metric("answer", 42.0)
    weir.set_tag("argv", " ".join(sys.argv[1:]))
"""


def write_project(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"))
    return directory


def all_runs(client) -> list:
    from weir.entities import ViewType

    experiment_ids = [e.experiment_id for e in client.search_experiments(view_type=ViewType.ALL)]
    return list(client.search_runs(experiment_ids, run_view_type=ViewType.ALL)) if experiment_ids else []


def cli_env(store_uri: str, **extra: str) -> dict[str, str]:
    """Environment for `weir run` subprocesses: the test's store, and the dev interpreter first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "WEIR_"))}
    env["WEIR_TRACKING_URI"] = store_uri
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(extra)
    return env


def weir_cli() -> list[str]:
    return [sys.executable, "-m", "weir"]


@pytest.fixture
def project(tmp_path):
    """A project with typed parameters whose command logs a metric and echoes its arguments."""
    return write_project(
        tmp_path / "proj",
        {
            "MLproject": """
                name: tiny
                entry_points:
                  main:
                    parameters:
                      alpha: {type: float, default: 0.5}
                      n: int
                      label: {type: string, default: "a b"}
                    command: "python log.py --alpha {alpha} --n {n} --label {label}"
                  fail:
                    command: "python -c 'import sys; sys.exit(3)'"
                  sleep:
                    command: "python sleeper.py"
                """,
            "log.py": LOGGING_SCRIPT,
            "sleeper.py": """
                import time
                import weir

                weir.start_run()
                print("started", flush=True)
                time.sleep(60)
                """,
        },
    )
