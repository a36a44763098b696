"""Fixtures for the CLI tests: a fresh store per test, the client bound to it and CLI invokers."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner, Result
from weir.cli import cli, main

_URI_VARS = ("WEIR_TRACKING_URI", "MLFLOW_TRACKING_URI", "WEIR_REGISTRY_URI", "MLFLOW_REGISTRY_URI")


@pytest.fixture
def tracking_uri(tmp_path, monkeypatch) -> str:
    for var in _URI_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("MLFLOW_EXPERIMENT_ID", raising=False)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)  # a command that ignored --tracking-uri would write here, not in the repo
    return (tmp_path / "weirruns").as_uri()


@pytest.fixture
def client(tracking_uri):
    from weir.tracking.client import WeirClient

    return WeirClient(tracking_uri=tracking_uri)


@pytest.fixture
def weir(tracking_uri):
    """Run ``weir ARGS... --tracking-uri <store>`` through CliRunner on ``weir.cli.cli``; must succeed."""

    def invoke(*args: str) -> Result:
        result = CliRunner().invoke(cli, [*args, "--tracking-uri", tracking_uri], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    return invoke


@click.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _through_main(args: tuple[str, ...]) -> None:
    main(list(args))


@pytest.fixture
def weir_fails(tracking_uri):
    """Run ``weir ARGS...`` through ``weir.cli.main`` (the console script's error handling); must fail."""

    def invoke(*args: str, with_uri: bool = True) -> Result:
        extra = ["--tracking-uri", tracking_uri] if with_uri else []
        result = CliRunner().invoke(_through_main, [*args, *extra])
        assert result.exit_code != 0, result.output
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
            f"uncaught {result.exception!r}"
        )
        return result

    return invoke
