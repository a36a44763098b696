"""The plugin's packaging: two entry points, the supported range declared once, no framework import."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

from weir_tensorflow import package

HERE = Path(__file__).resolve().parent
PYPROJECT = HERE.parent / "pyproject.toml"


def _normalize(requirement: str) -> str:
    return requirement.replace(" ", "")


def test_plugin_is_installed_as_tensorflow_and_keras():
    entry_points = {ep.name: ep.value for ep in metadata.entry_points(group="weir")}
    assert entry_points.get("tensorflow") == "weir_tensorflow"
    assert entry_points.get("keras") == "weir_tensorflow"


def test_both_names_resolve_to_the_plugin_module():
    import weir
    import weir_tensorflow

    assert weir.keras is weir_tensorflow and weir.tensorflow is weir_tensorflow
    import weir as mlflow

    assert callable(mlflow.keras.log_model) and callable(mlflow.tensorflow.autolog)


def test_plugin_shows_in_weir_plugins():
    out = subprocess.run(
        [sys.executable, "-m", "weir", "plugins"], capture_output=True, text=True, timeout=120, check=True
    )
    assert "weir-tensorflow" in out.stdout
    assert "flavors: keras, tensorflow" in out.stdout
    assert "autolog keras: supports keras >= 3.3, < 4" in out.stdout


def test_frameworks_extra_matches_package_py():
    import tomllib

    extra = tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]["frameworks"]
    assert sorted(_normalize(r) for r in extra) == sorted(_normalize(r) for r in package.SUPPORTED)


def test_tested_versions_are_pinned_and_inside_the_supported_range():
    from weir.plugins.versions import parse_requirement

    for which, versions in package.TESTED.items():
        pins = (HERE / "requirements" / f"{which}.txt").read_text()
        for requirement in package.SUPPORTED:
            parsed = parse_requirement(requirement)
            assert f"{parsed.name}=={versions[parsed.name]}" in pins, (which, parsed.name)
            assert parsed.contains(versions[parsed.name]), (which, parsed.name)


def test_importing_the_plugin_imports_neither_keras_nor_tensorflow():
    code = (
        "import sys, weir, weir_tensorflow; weir.keras.autolog; "
        "print('keras' in sys.modules, 'tensorflow' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.split() == ["False", "False"]
