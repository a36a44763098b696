"""The plugin's packaging: entry point, supported range declared once, no sklearn import."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

from weir_sklearn import package

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def _normalize(requirement: str) -> str:
    return requirement.replace(" ", "")


def test_plugin_is_installed_under_the_weir_entry_point_group():
    entry_points = {ep.name: ep.value for ep in metadata.entry_points(group="weir")}
    assert entry_points.get("sklearn") == "weir_sklearn"


def test_frameworks_extra_matches_package_py():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    extra = tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]["frameworks"]
    assert [_normalize(r) for r in extra] == [_normalize(r) for r in package.SUPPORTED]


def test_tested_versions_fall_in_the_supported_range():
    from packaging.requirements import Requirement

    spec = Requirement(package.SUPPORTED[0]).specifier
    assert package.TESTED["oldest"] in spec and package.TESTED["latest"] in spec
    oldest = (Path(__file__).parent / "requirements" / "oldest.txt").read_text()
    assert f"scikit-learn=={package.TESTED['oldest']}" in oldest


def test_importing_the_plugin_does_not_import_sklearn():
    code = "import sys, weir_sklearn; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
