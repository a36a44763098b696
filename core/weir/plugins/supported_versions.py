"""Generate ``docs/plugins/supported-versions.md`` from each plugin's ``package.py``.

    python -m weir.plugins.supported_versions ROOT > docs/plugins/supported-versions.md

``package.py`` is read with ``ast`` (never imported), so generating the table needs no framework.
It declares ``SUPPORTED`` (requirement strings) and optionally ``TESTED`` (``{"oldest": v, "latest": v}``, where v is a version or a
``{distribution: version}`` dict for plugins that gate on several distributions).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

__all__ = ["read_package_file", "render_table"]

HEADER = """# Supported framework versions

Generated from each plugin's `package.py` by `python -m weir.plugins.supported_versions .`; do not
edit by hand (`tests/plugins/test_supported_versions.py` fails when it is stale). A version outside
the supported range makes `weir.autolog()` warn once and skip that integration; `weir plugins`
shows the installed version and whether it is inside.

| plugin | distribution | supported | tested oldest | tested latest |
|---|---|---|---|---|
"""


def read_package_file(path: Path) -> dict:
    """``SUPPORTED`` and ``TESTED`` from a package.py, as literals."""
    values: dict = {}
    for node in ast.parse(path.read_text()).body:
        targets = []
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            if isinstance(target, ast.Name) and target.id in ("SUPPORTED", "TESTED"):
                values[target.id] = ast.literal_eval(value)
    return values


def _distribution_name(plugin_dir: Path) -> str:
    import tomllib

    return tomllib.loads((plugin_dir / "pyproject.toml").read_text())["project"]["name"]


def _tested(value: str | dict[str, str] | None) -> str:
    """``"1.2"`` or ``{"keras": "3.3", "tensorflow-cpu": "2.16"}`` -> ``keras 3.3, tensorflow-cpu 2.16``."""
    if isinstance(value, dict):
        return ", ".join(f"{name} {version}" for name, version in value.items())
    return value or ""


def render_table(root: Path) -> str:
    """The markdown page for every ``plugins/*/`` and ``examples/*/`` plugin with a package.py."""
    rows = []
    for package_file in sorted(
        [*root.glob("plugins/*/weir_*/package.py"), *root.glob("examples/*/weir_*/package.py")]
    ):
        plugin_dir = package_file.parents[1]
        values = read_package_file(package_file)
        tested = values.get("TESTED") or {}
        rows.append(
            f"| {package_file.parent.name} | {_distribution_name(plugin_dir)} | "
            f"{'; '.join(values.get('SUPPORTED', ())) or 'any'} | {_tested(tested.get('oldest'))} | {_tested(tested.get('latest'))} |"
        )
    return HEADER + "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render_table(Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
