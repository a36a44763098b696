"""What is installed: the data behind ``weir plugins`` (plugins, their flavors and integrations)."""

from __future__ import annotations

from typing import Any

from weir.plugins import manager

__all__ = ["plugin_report"]


def _autologger_entry(autologger: Any) -> dict[str, Any]:
    check = autologger.version_check()
    return {
        "name": autologger.name,
        "module": autologger.module,
        "supported": list(autologger.supported),
        "installed": check.installed,
        "in_range": check.ok if check.requirements else None,
        "status": autologger.status,
    }


def plugin_report(include_builtin: bool = False) -> list[dict[str, Any]]:
    """One dict per plugin: name, distribution, version, hooks, flavors, autologgers, error."""
    from weir.plugins.autolog import get_autologgers
    from weir.plugins.flavors import get_flavors

    pm = manager.get_plugin_manager()
    flavors = get_flavors()
    autologgers = get_autologgers()
    report = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda item: item[0]):
        if plugin is None or (name == manager.BUILTIN_PLUGIN and not include_builtin):
            continue
        dist = manager.distribution_of(name)
        report.append(
            {
                "name": name,
                "distribution": dist[0] if dist else None,
                "version": dist[1] if dist else None,
                "status": "loaded",
                "hooks": sorted(caller.name for caller in pm.get_hookcallers(plugin) or ()),
                "flavors": sorted(f.name for f in flavors.values() if f.plugin == name),
                "autologgers": [_autologger_entry(a) for a in autologgers.values() if a.plugin == name],
            }
        )
    for name, error in sorted(manager.failed_plugins.items()):
        report.append(_unloaded(name, f"failed to load: {error}"))
    for name, reason in sorted(manager.filtered_plugins.items()):
        report.append(_unloaded(name, f"not loaded ({reason})"))
    return report


def _unloaded(name: str, status: str) -> dict[str, Any]:
    return {
        "name": name,
        "distribution": None,
        "version": None,
        "status": status,
        "hooks": [],
        "flavors": [],
        "autologgers": [],
    }
