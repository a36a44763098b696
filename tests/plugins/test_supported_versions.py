"""docs/plugins/supported-versions.md is generated from the plugins' package.py files."""

from __future__ import annotations

from pathlib import Path

from weir.plugins.supported_versions import read_package_file, render_table

ROOT = Path(__file__).resolve().parents[2]


def test_supported_versions_page_is_fresh():
    page = ROOT / "docs" / "plugins" / "supported-versions.md"
    assert page.read_text() == render_table(ROOT), (
        "stale: run python -m weir.plugins.supported_versions . > docs/plugins/supported-versions.md"
    )


def test_package_file_is_read_without_importing(tmp_path):
    package = tmp_path / "package.py"
    package.write_text(
        'import not_installed_framework\nSUPPORTED: tuple = ("x >= 1, < 2",)\nTESTED = {"oldest": "1.0"}\n'
    )
    assert read_package_file(package) == {"SUPPORTED": ("x >= 1, < 2",), "TESTED": {"oldest": "1.0"}}
