"""``weir plugins``: installed plugins, their flavors and autolog integrations, and version fit."""

from __future__ import annotations

import json
from typing import Any

import click


def _range_text(entry: dict[str, Any]) -> str:
    supported = " or ".join(entry["supported"]) or "any version"
    installed = (
        ", ".join(f"{name} {version}" for name, version in entry["installed"].items()) or "not installed"
    )
    if entry["in_range"] is None:
        fit = ""
    else:
        fit = "  (in range)" if entry["in_range"] else "  (OUT OF RANGE)"
    return f"supports {supported}; installed: {installed}{fit}"


def _format(report: list[dict[str, Any]]) -> str:
    if not report:
        return "No weir plugins installed."
    lines = []
    for plugin in report:
        label = plugin["distribution"] and f"{plugin['distribution']} {plugin['version']}"
        lines.append(f"{plugin['name']}" + (f"  {label}" if label else "") + f"  [{plugin['status']}]")
        if plugin["hooks"]:
            lines.append(f"  hooks: {', '.join(plugin['hooks'])}")
        if plugin["flavors"]:
            lines.append(f"  flavors: {', '.join(plugin['flavors'])}")
        for entry in plugin["autologgers"]:
            lines.append(f"  autolog {entry['name']}: {_range_text(entry)}; status: {entry['status']}")
    return "\n".join(lines)


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--all", "include_builtin", is_flag=True, help="Include weir's built-in plugin.")
def plugins(as_json: bool, include_builtin: bool) -> None:
    """List installed plugins: distribution, version, hooks, flavors, autolog integrations,
    the framework versions each supports and the version installed."""
    from weir.plugins.info import plugin_report

    report = plugin_report(include_builtin=include_builtin)
    if as_json:
        click.echo(json.dumps(report, indent=2, sort_keys=True))
    else:
        click.echo(_format(report))
