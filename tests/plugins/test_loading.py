"""Entry-point loading, its environment switches, and weir.<name> resolution."""

from __future__ import annotations

import importlib
import sys

import pytest
import weir
from weir.plugins import manager
from weir.plugins.flavors import Flavor, MissingFlavorError, get_flavors, import_loader_module
from weir.plugins.manager import PluginNotInstalledError, PluginWarning, get_plugin_manager

from .conftest import make_distribution

GOOD_PLUGIN = """
from weir.plugins import hookimpl
from weir.plugins.flavors import Flavor

MARKER = "good"

@hookimpl
def register_flavors(register):
    register(Flavor(name="goodflavor", module="weirgood_mod", aliases=("mlflow.goodflavor",)))

def _load_pyfunc(path):
    return ("loaded", path)
"""


@pytest.fixture
def installed(site_dir, monkeypatch):
    """Two fake distributions: weir-good (works) and weir-broken (fails to import)."""
    make_distribution(
        site_dir, "weir-good", "1.2.0", {"weirgood": "weirgood_mod"}, {"weirgood_mod": GOOD_PLUGIN}
    )
    make_distribution(
        site_dir,
        "weir-broken",
        "0.1.0",
        {"weirbroken": "weirbroken_mod"},
        {"weirbroken_mod": "raise ImportError('needs libfoo.so')\n"},
    )
    monkeypatch.setenv("WEIR_LOAD_PLUGINS", "weirgood,weirbroken")
    manager.reset_plugin_manager()
    return site_dir


def test_plugin_that_fails_to_import_is_skipped_with_a_warning_naming_it(installed):
    with pytest.warns(
        PluginWarning, match=r"'weirbroken' \(weir-broken 0.1.0\).*ImportError: needs libfoo.so"
    ):
        pm = get_plugin_manager()
    assert pm.get_plugin("weirgood") is not None
    assert pm.get_plugin("weirbroken") is None
    assert manager.loaded_plugins["weirgood"] == ("weir-good", "1.2.0")
    assert "needs libfoo.so" in manager.failed_plugins["weirbroken"]
    assert "goodflavor" in get_flavors()


def test_weir_load_plugins_selects_and_empty_loads_none(installed, monkeypatch):
    monkeypatch.setenv("WEIR_LOAD_PLUGINS", "weirgood")
    manager.reset_plugin_manager()
    assert get_plugin_manager().get_plugin("weirgood") is not None
    monkeypatch.setenv("WEIR_LOAD_PLUGINS", "")
    manager.reset_plugin_manager()
    names = {name for name, _ in get_plugin_manager().list_name_plugin()}
    assert names == {manager.BUILTIN_PLUGIN}


def test_weir_disable_plugins_skips_named_plugins(installed, monkeypatch):
    monkeypatch.delenv("WEIR_LOAD_PLUGINS")
    monkeypatch.setenv("WEIR_DISABLE_PLUGINS", "weirbroken, weirgood")
    manager.reset_plugin_manager()
    pm = get_plugin_manager()
    assert pm.get_plugin("weirgood") is None and pm.get_plugin("weirbroken") is None
    assert "WEIR_DISABLE_PLUGINS" in manager.filtered_plugins["weirgood"]


def test_hookimpl_that_raises_is_skipped_with_a_warning(weir_register_plugin):
    class Broken:
        @weir.plugins.hookimpl
        def register_flavors(self, register):
            register(Flavor(name="half", module="nowhere"))
            raise RuntimeError("flavor bug")

    class Fine:
        @weir.plugins.hookimpl
        def register_flavors(self, register):
            register(Flavor(name="fine", module="fine_mod"))

    weir_register_plugin(Broken(), "undo-broken")
    weir_register_plugin(Fine(), "undo-fine")
    with pytest.warns(PluginWarning, match=r"'undo-broken' failed in hook register_flavors.*flavor bug"):
        flavors = get_flavors()
    assert "fine" in flavors and "half" not in flavors


def test_trace_plugins_prints_hook_calls(installed, monkeypatch, capsys):
    monkeypatch.setenv("WEIR_TRACE_PLUGINS", "1")
    monkeypatch.setenv("WEIR_LOAD_PLUGINS", "weirgood")
    manager.reset_plugin_manager()
    get_flavors()
    get_plugin_manager().hook.run_context_tags()
    err = capsys.readouterr().err
    assert "register_flavors" in err and "weirgood" in err
    assert "hook run_context_tags" in err


def test_weir_attribute_resolves_to_the_plugin_module(installed):
    with pytest.warns(PluginWarning):
        module = weir.weirgood
    assert module is sys.modules["weirgood_mod"]
    assert module.MARKER == "good"


def test_import_weir_plugin_aliases_the_module(installed):
    with pytest.warns(PluginWarning):
        import weir.weirgood as aliased
    from weir.weirgood import MARKER

    assert aliased is sys.modules["weirgood_mod"]
    assert sys.modules["weir.weirgood"] is sys.modules["weirgood_mod"]
    assert sys.modules["weirgood_mod"].__spec__.name == "weirgood_mod"
    assert MARKER == "good"


def test_known_framework_without_plugin_says_what_to_install(monkeypatch):
    # Fake well-known frameworks whose plugins are not installed (the real ones may be, in the dev venv).
    from weir.plugins import manager

    monkeypatch.setitem(manager.KNOWN_PLUGIN_DISTRIBUTIONS, "fakeboost", "weir-fakeboost")
    monkeypatch.setitem(manager.KNOWN_PLUGIN_DISTRIBUTIONS, "fakeflow", "weir-fakeflow")
    with pytest.raises(
        AttributeError,
        match=r"weir.fakeboost needs the plugin distribution weir-fakeboost: pip install weir-fakeboost",
    ):
        weir.fakeboost  # noqa: B018
    with pytest.raises(ModuleNotFoundError, match="pip install weir-fakeflow"):
        importlib.import_module("weir.fakeflow")
    assert not hasattr(weir, "lightgbm")
    assert isinstance(PluginNotInstalledError("x", name="y"), AttributeError)


def test_unknown_name_is_a_plain_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nosuchthing'"):
        weir.nosuchthing  # noqa: B018
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("weir.nosuchthing")


def test_filtered_plugin_explains_why_it_is_not_available(installed, monkeypatch):
    monkeypatch.setenv("WEIR_LOAD_PLUGINS", "weirbroken")
    manager.reset_plugin_manager()
    with pytest.warns(PluginWarning):
        get_plugin_manager()
    with pytest.raises(AttributeError, match="not in WEIR_LOAD_PLUGINS"):
        weir.weirgood  # noqa: B018
    with pytest.raises(AttributeError, match="failed to load: ImportError"):
        weir.weirbroken  # noqa: B018


def test_import_loader_module_maps_mlflow_and_weir_names_to_the_plugin(installed):
    with pytest.warns(PluginWarning):
        get_plugin_manager()
    for name in ("mlflow.goodflavor", "weir.goodflavor", "weirgood_mod"):
        assert import_loader_module(name) is sys.modules["weirgood_mod"]


def test_import_loader_module_names_the_missing_distribution():
    with pytest.raises(MissingFlavorError, match="pip install weir-sklearn"):
        import_loader_module("mlflow.sklearn")
    with pytest.raises(MissingFlavorError, match="'catboost'"):
        import_loader_module("mlflow.catboost")
    with pytest.raises(MissingFlavorError, match="not installed"):
        import_loader_module("no_such_loader_module")


def test_flavor_rejects_bad_definitions():
    with pytest.raises(ValueError, match="non-empty name"):
        Flavor(name="", module="x")
    with pytest.raises(ValueError, match="needs the name of its module"):
        Flavor(name="x", module="")
    assert Flavor(name="x", module="m", aliases="mlflow.x").aliases == ("mlflow.x",)
