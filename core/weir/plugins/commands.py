"""CLI subcommands contributed by plugins through the ``register_commands`` hook."""

from __future__ import annotations

import click

__all__ = ["plugin_commands"]


def plugin_commands() -> dict[str, click.Command]:
    """Commands plugins add to ``weir``, by name (each plugin's hook called on its own)."""
    from weir.plugins.manager import call_each

    collector = click.Group("weir")
    call_each("register_commands", cli=collector)
    return dict(collector.commands)
