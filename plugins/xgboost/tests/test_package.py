"""The plugin's packaging: entry point, supported range declared once, no xgboost import."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

from weir_xgboost import package

PLUGIN_DIR = Path(__file__).resolve().parents[1]


def test_plugin_is_installed_under_the_weir_entry_point_group():
    entry_points = {ep.name: ep.value for ep in metadata.entry_points(group="weir")}
    assert entry_points.get("xgboost") == "weir_xgboost"


def test_plugin_shows_in_weir_plugins():
    out = subprocess.run(
        [sys.executable, "-m", "weir", "plugins"], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    block = out.stdout[out.stdout.index("xgboost  weir-xgboost") :]
    assert "flavors: xgboost" in block and "autolog xgboost: supports xgboost >= 2.1.1" in block


def test_frameworks_extra_matches_package_py():
    import tomllib

    extra = tomllib.loads((PLUGIN_DIR / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert [r.replace(" ", "") for r in extra["frameworks"]] == [package.SUPPORTED[0].replace(" ", "")]


def test_tested_versions_are_pinned_in_the_requirements_files():
    for which in ("oldest", "latest"):
        text = (PLUGIN_DIR / "tests" / "requirements" / f"{which}.txt").read_text()
        assert f"xgboost-cpu=={package.TESTED[which]}" in text


def test_importing_the_plugin_does_not_import_xgboost():
    code = "import sys, weir, weir_xgboost; weir.autolog(); print('xgboost' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"
