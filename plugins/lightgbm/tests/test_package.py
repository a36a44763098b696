"""Packaging of weir-lightgbm: its entry point, one declared version range, a cheap import."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import tomllib
from weir_lightgbm.package import SUPPORTED, TESTED

ROOT = Path(__file__).resolve().parents[1]


def test_entry_point_names_the_plugin_module():
    found = [ep for ep in metadata.entry_points(group="weir") if ep.name == "lightgbm"]
    assert [ep.value for ep in found] == ["weir_lightgbm"]


def test_weir_plugins_lists_the_flavor_and_the_integration():
    listing = subprocess.run(
        [sys.executable, "-m", "weir", "plugins"], capture_output=True, text=True, timeout=120
    )
    assert listing.returncode == 0, listing.stderr
    section = listing.stdout.split("lightgbm  weir-lightgbm", 1)[1]
    assert "flavors: lightgbm" in section
    assert "autolog lightgbm: supports lightgbm >= 4.0.0, < 5" in section


def test_pyproject_extra_and_package_py_declare_the_same_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["optional-dependencies"]["frameworks"]
    assert [r.replace(" ", "") for r in declared] == [r.replace(" ", "") for r in SUPPORTED]


def test_requirement_files_pin_the_tested_versions():
    pins = {which: (ROOT / "tests" / "requirements" / f"{which}.txt").read_text() for which in TESTED}
    assert all(f"lightgbm=={TESTED[which]}" in text for which, text in pins.items())


def test_weir_autolog_does_not_import_lightgbm():
    probe = "import sys, weir, weir_lightgbm; weir.autolog(); print(sorted(m for m in sys.modules if m == 'lightgbm'))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
