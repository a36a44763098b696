"""examples/registry/lifecycle.py runs and shows what it promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "registry" / "lifecycle.py"


def test_registry_example_registers_promotes_aliases_and_loads(tmp_path):
    pytest.importorskip("weir_sklearn", reason="the weir-sklearn plugin is not installed")
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), (tmp_path / "store").as_uri()],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "version 1: Archived\nversion 2: Production\n" in out
    assert "models:/house-prices/Production      -> 320,000" in out
    assert "models:/house-prices@challenger      -> 300,000" in out
    assert "version 1: Production -> Archived" in out
    assert "in Production back then: version 1; now: version 2" in out
