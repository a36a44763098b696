"""Core plugin-host tests run with no framework plugin: installed entry points are not loaded
(WEIR_LOAD_PLUGINS=""), fake plugins are registered per test, and a fake framework is a module
injected into sys.modules."""

from __future__ import annotations

import importlib
import sys
import textwrap
import types
from pathlib import Path

import pytest
from weir.plugins import autolog, flavors, manager


def _reset_host() -> None:
    autolog._reset_for_tests()
    flavors._reset()
    manager.reset_plugin_manager()


@pytest.fixture(autouse=True)
def isolated_plugin_host(monkeypatch):
    monkeypatch.setenv("WEIR_LOAD_PLUGINS", "")
    monkeypatch.delenv("WEIR_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("WEIR_TRACE_PLUGINS", raising=False)
    monkeypatch.delenv("WEIR_AUTOLOG_STRICT", raising=False)
    _reset_host()
    try:
        yield
    finally:
        _reset_host()


@pytest.fixture
def fake_framework():
    """A module ``weirfakefw`` in sys.modules with FakeModel, FakeSubModel, FakePipeline."""
    module = types.ModuleType("weirfakefw")
    namespace = {}
    exec(  # fresh classes per test, so patches of one test cannot leak into another
        textwrap.dedent(
            """
            class FakeModel:
                def __init__(self, alpha=1.0):
                    self.alpha = alpha
                def fit(self, x):
                    if x == "boom":
                        raise ValueError("the user's own error")
                    self.fitted_ = x
                    return self
                @staticmethod
                def helper(x):
                    return x * 2
                @classmethod
                def build(cls, alpha):
                    return cls(alpha)
            class FakeSubModel(FakeModel):
                pass
            class FakePipeline:
                def __init__(self, steps):
                    self.steps = steps
                def fit(self, x):
                    for step in self.steps:
                        step.fit(x)
                    return self
            def train(x):
                return {"trained": x}
            """
        ),
        namespace,
    )
    for key, value in namespace.items():
        if not key.startswith("__"):
            setattr(module, key, value)
    sys.modules["weirfakefw"] = module
    try:
        yield module
    finally:
        sys.modules.pop("weirfakefw", None)


def make_distribution(
    root: Path,
    name: str,
    version: str,
    entry_points: dict[str, str] | None = None,
    modules: dict[str, str] | None = None,
) -> Path:
    """Write ``<name>-<version>.dist-info`` (and module files) under ``root``, which goes on sys.path."""
    dist_info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    if entry_points:
        lines = ["[weir]"] + [f"{key} = {value}" for key, value in entry_points.items()]
        (dist_info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    for module_name, source in (modules or {}).items():
        (root / f"{module_name}.py").write_text(textwrap.dedent(source))
    importlib.invalidate_caches()
    return root


@pytest.fixture
def site_dir(tmp_path, monkeypatch):
    """A directory on sys.path for fake distributions (see make_distribution)."""
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    created = set(sys.modules)
    try:
        yield root
    finally:
        for module_name in set(sys.modules) - created:
            module = sys.modules.get(module_name)
            if getattr(module, "__file__", None) and str(root) in str(module.__file__):
                sys.modules.pop(module_name, None)
        import weir

        for attr, value in list(vars(weir).items()):
            if isinstance(value, types.ModuleType) and str(root) in str(getattr(value, "__file__", "")):
                delattr(weir, attr)
        importlib.invalidate_caches()
