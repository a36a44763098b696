"""``weir plugins``: what is installed, in text and JSON."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from weir.cli import cli
from weir.plugins import manager

from .conftest import make_distribution

PLUGIN = """
from weir.plugins import hookimpl
from weir.plugins.autolog import Autologger
from weir.plugins.flavors import Flavor

class CliAutologger(Autologger):
    name = "clifw"
    module = "clifw"
    supported = ("clifw-dist >= 2, < 3",)
    def _patch(self, module, config, patches):
        pass

@hookimpl
def register_flavors(register):
    register(Flavor(name="cliflavor", module="cliplug_mod"))

@hookimpl
def register_autologgers(register):
    register(CliAutologger())
"""


@pytest.fixture
def installed(site_dir, monkeypatch):
    make_distribution(site_dir, "weir-cliplug", "0.3.0", {"cliplug": "cliplug_mod"}, {"cliplug_mod": PLUGIN})
    make_distribution(site_dir, "clifw-dist", "1.5")
    make_distribution(
        site_dir, "weir-clibroken", "0.0.1", {"clibroken": "clibroken_mod"}, {"clibroken_mod": "1/0\n"}
    )
    monkeypatch.setenv("WEIR_LOAD_PLUGINS", "cliplug,clibroken")
    manager.reset_plugin_manager()


def test_plugins_lists_distribution_flavors_and_version_fit(installed):
    with pytest.warns(manager.PluginWarning):
        result = CliRunner().invoke(cli, ["plugins"])
    assert result.exit_code == 0, result.output
    assert "cliplug  weir-cliplug 0.3.0  [loaded]" in result.output
    assert "flavors: cliflavor" in result.output
    assert (
        "autolog clifw: supports clifw-dist >= 2, < 3; installed: clifw-dist 1.5  (OUT OF RANGE)"
        in result.output
    )
    assert "clibroken  [failed to load: ZeroDivisionError: division by zero]" in result.output


def test_plugins_json(installed):
    with pytest.warns(manager.PluginWarning):
        result = CliRunner().invoke(cli, ["plugins", "--json"])
    report = {entry["name"]: entry for entry in json.loads(result.output)}
    assert report["cliplug"]["distribution"] == "weir-cliplug"
    assert report["cliplug"]["hooks"] == ["register_autologgers", "register_flavors"]
    autologger = report["cliplug"]["autologgers"][0]
    assert autologger == {
        "name": "clifw",
        "module": "clifw",
        "supported": ["clifw-dist >= 2, < 3"],
        "installed": {"clifw-dist": "1.5"},
        "in_range": False,
        "status": "not configured",
    }
    assert report["clibroken"]["status"].startswith("failed to load")


def test_plugins_filtered_out_are_listed_as_not_loaded(installed, monkeypatch):
    monkeypatch.setenv("WEIR_LOAD_PLUGINS", "")
    manager.reset_plugin_manager()
    result = CliRunner().invoke(cli, ["plugins"])
    assert "cliplug  [not loaded (weir-cliplug 0.3.0, not in WEIR_LOAD_PLUGINS)]" in result.output
    result = CliRunner().invoke(cli, ["plugins", "--all"])
    assert "weir.builtin  weir" in result.output
    assert "flavors: python_function" in result.output
