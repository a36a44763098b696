"""One test per hook (``test_hook_<name>``), and a check that every hook is documented and tested."""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

import click
import pytest
import weir
from click.testing import CliRunner
from weir.plugins import hookimpl, hookspecs
from weir.plugins.autolog import AutologConfig, Autologger, get_autologgers
from weir.plugins.flavors import Flavor, get_flavor, import_loader_module
from weir.plugins.manager import call_each
from weir.store.factory import get_artifact_repository, get_tracking_store

HOOKS_DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins" / "hooks.md"


def hook_specs() -> dict[str, list[str]]:
    return {
        name: list(inspect.signature(function).parameters)
        for name, function in vars(hookspecs).items()
        if callable(function) and hasattr(function, "weir_spec")
    }


def test_every_hook_is_documented_with_its_arguments():
    text = HOOKS_DOC.read_text()
    for name, arguments in hook_specs().items():
        heading = f"## `{name}({', '.join(arguments)})`"
        assert heading in text, f"docs/plugins/hooks.md has no section {heading!r}"


def test_every_hook_has_a_test():
    tested = set(re.findall(r"^def test_hook_(\w+)\(", Path(__file__).read_text(), re.MULTILINE))
    missing = set(hook_specs()) - tested
    assert not missing, f"hooks without a test_hook_<name> test: {sorted(missing)}"


def test_hook_tracking_store(weir_register_plugin):
    sentinel = object()

    class Plugin:
        @hookimpl
        def tracking_store(self, store_uri):
            return sentinel if store_uri.startswith("hooktest://") else None

    weir_register_plugin(Plugin(), "undo-store")
    assert get_tracking_store("hooktest://somewhere") is sentinel


def test_hook_artifact_repository(weir_register_plugin, tmp_path):
    sentinel = object()

    class Plugin:
        @hookimpl
        def artifact_repository(self, artifact_uri):
            return sentinel if artifact_uri.startswith("mem://") else None

    weir_register_plugin(Plugin(), "undo-artifacts")
    assert get_artifact_repository("mem://bucket/run") is sentinel
    assert get_artifact_repository(tmp_path.as_uri()) is not sentinel


def test_hook_run_context_tags(weir_register_plugin, weir_store, run_data):
    class Plugin:
        @hookimpl
        def run_context_tags(self):
            return {"ci.job": "1234"}

    weir_register_plugin(Plugin(), "undo-context")
    with weir.start_run() as run:
        pass
    assert run_data(run.info.run_id).tags["ci.job"] == "1234"


def test_hook_register_flavors(weir_register_plugin):
    class Plugin:
        @hookimpl
        def register_flavors(self, register):
            register(Flavor(name="hookflavor", module="json", aliases=("mlflow.hookflavor",)))

    weir_register_plugin(Plugin(), "undo-flavor")
    flavor = get_flavor("hookflavor")
    assert flavor is not None and flavor.plugin == "undo-flavor"
    assert import_loader_module("mlflow.hookflavor") is sys.modules["json"]


def test_hook_register_autologgers(weir_register_plugin):
    class HookAutologger(Autologger):
        name = "hookfw"
        module = "hookfw"

        def _patch(self, module, config, patches):
            pass

    class Plugin:
        @hookimpl
        def register_autologgers(self, register):
            register(HookAutologger)  # a class is instantiated

    weir_register_plugin(Plugin(), "undo-autologgers")
    autologger = get_autologgers()["hookfw"]
    assert isinstance(autologger, HookAutologger) and autologger.plugin == "undo-autologgers"


def test_hook_autolog_configured(weir_register_plugin):
    seen: list[AutologConfig] = []

    class Plugin:
        @hookimpl
        def autolog_configured(self, config):
            seen.append(config)

    weir_register_plugin(Plugin(), "undo-configured")
    weir.autolog(log_models=False)
    assert seen[-1].log_models is False and seen[-1].globally_configured

    late: list[AutologConfig] = []

    class LatePlugin:
        @hookimpl
        def autolog_configured(self, config):
            late.append(config)

    weir_register_plugin(LatePlugin(), "undo-late")  # historic: replayed on registration
    assert late and late[0].log_models is False


def test_hook_register_commands(weir_register_plugin):
    class Plugin:
        @hookimpl
        def register_commands(self, cli):
            @cli.command(name="hello-plugin")
            @click.argument("name")
            def hello(name):
                """Say hello."""
                click.echo(f"hello {name}")

    weir_register_plugin(Plugin(), "undo-commands")
    from weir.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["hello-plugin", "weir"])
    assert result.exit_code == 0, result.output
    assert result.output == "hello weir\n"
    assert "hello-plugin" in runner.invoke(cli, ["--help"]).output


def test_collect_hooks_run_tryfirst_then_registration_order(weir_register_plugin):
    def plugin(tag, **options):
        class Plugin:
            @hookimpl(**options)
            def run_context_tags(self):
                return {"order": tag}

        return Plugin()

    weir_register_plugin(plugin("a"), "undo-a")
    weir_register_plugin(plugin("b", tryfirst=True), "undo-b")
    weir_register_plugin(plugin("c"), "undo-c")
    order = [result["order"] for name, result in call_each("run_context_tags") if name.startswith("undo-")]
    assert order == ["b", "a", "c"]


def test_register_rejects_wrong_types_against_the_plugin(weir_register_plugin):
    class Plugin:
        @hookimpl
        def register_autologgers(self, register):
            register("not an autologger")

    weir_register_plugin(Plugin(), "undo-wrong")
    with pytest.warns(
        UserWarning, match=r"'undo-wrong' failed in hook register_autologgers.*expects an Autologger"
    ):
        assert get_autologgers() == {}
