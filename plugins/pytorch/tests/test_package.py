"""The plugin's packaging: entry point, supported ranges declared once, no torch import."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

from weir_pytorch import package

PLUGIN_DIR = Path(__file__).resolve().parents[1]


def test_plugin_is_installed_under_the_weir_entry_point_group():
    entry_points = {ep.name: ep.value for ep in metadata.entry_points(group="weir")}
    assert entry_points.get("pytorch") == "weir_pytorch"


def test_plugin_shows_in_weir_plugins():
    out = subprocess.run(
        [sys.executable, "-m", "weir", "plugins"], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    block = out.stdout[out.stdout.index("pytorch  weir-pytorch") :]
    assert "flavors: pytorch" in block
    assert "autolog pytorch: supports torch >= 2.1, < 3" in block
    assert "autolog lightning: supports lightning >= 2.1, < 3" in block


def test_weir_dot_pytorch_is_the_plugin_module():
    import weir
    import weir_pytorch

    assert weir.pytorch is weir_pytorch


def test_frameworks_extra_matches_package_py():
    import tomllib

    extras = tomllib.loads((PLUGIN_DIR / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert [r.replace(" ", "") for r in extras["frameworks"]] == [package.SUPPORTED[0].replace(" ", "")]
    assert [r.replace(" ", "") for r in extras["lightning"]] == [
        package.LIGHTNING_SUPPORTED[0].replace(" ", "")
    ]


def test_tested_versions_are_pinned_in_the_requirements_files():
    for which in ("oldest", "latest"):
        text = (PLUGIN_DIR / "tests" / "requirements" / f"{which}.txt").read_text()
        assert f"torch=={package.TESTED[which]}" in text
        assert f"lightning=={package.LIGHTNING_TESTED[which]}" in text


def test_importing_the_plugin_and_autolog_do_not_import_torch():
    code = "import sys, weir, weir_pytorch; weir.autolog(); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"
