"""The ``weir`` command. Each command group lives in its own module and is imported only when used."""

from __future__ import annotations

import importlib
import sys

import click

from weir.version import __version__

# command name -> "module:attribute" of a click command or group
_COMMANDS: dict[str, str] = {
    "experiments": "weir.cli.experiments:experiments",
    "runs": "weir.cli.runs:runs",
    "artifacts": "weir.cli.artifacts:artifacts",
    "plugins": "weir.cli.plugins:plugins",
    "models": "weir.cli.models:models",
    "run": "weir.cli.projects:run",
    "server": "weir.cli.server:server",
    "ui": "weir.cli.server:ui",
    "db": "weir.cli.db:db",
    "auth": "weir.cli.auth:auth",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        from weir.plugins.commands import plugin_commands

        builtin = {name for name in _COMMANDS if self._load(name) is not None}
        return sorted(builtin | set(plugin_commands()))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _COMMANDS:
            return self._load(cmd_name)
        from weir.plugins.commands import plugin_commands  # commands added by plugins (register_commands)

        return plugin_commands().get(cmd_name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        target = _COMMANDS.get(name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # that command is not part of this build
                return None
            raise
        return getattr(module, attribute)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["--help"]})
@click.version_option(__version__, prog_name="weir")
def cli() -> None:
    """weir: experiment tracking, models, registry and serving, compatible with MLflow."""


def main(argv: list[str] | None = None) -> None:
    """Entry point: WeirException and other expected errors become one line on stderr, exit 1."""
    from weir.exceptions import WeirException

    try:
        cli.main(args=argv, prog_name="weir", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except (WeirException, FileNotFoundError, PermissionError, ValueError) as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
