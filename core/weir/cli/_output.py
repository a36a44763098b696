"""Shared pieces of the tracking commands: common options, the client, tables, JSON and times."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import click

_VIEWS = ("active_only", "deleted_only", "all")


def tracking_uri_option(command: Callable) -> Callable:
    """``--tracking-uri``; when absent the client resolves WEIR_TRACKING_URI / MLFLOW_TRACKING_URI / ./weirruns."""
    return click.option(
        "--tracking-uri",
        default=None,
        metavar="URI",
        help="Tracking store to use (a folder, file: or sqlite: URI, or http(s) server). "
        "Defaults to $WEIR_TRACKING_URI, then $MLFLOW_TRACKING_URI, then ./weirruns.",
    )(command)


def json_option(command: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(command)


def view_option(command: Callable) -> Callable:
    return click.option(
        "--view",
        "-v",
        type=click.Choice(_VIEWS, case_sensitive=False),
        default="active_only",
        show_default=True,
        help="Which lifecycle stages to show.",
    )(command)


def max_results_option(command: Callable) -> Callable:
    return click.option(
        "--max-results",
        type=click.IntRange(min=1),
        default=None,
        help="Return at most this many results (default: all).",
    )(command)


def view_type(view: str) -> int:
    from weir.entities import ViewType

    return ViewType.from_string(view)


def get_client(tracking_uri: str | None):
    from weir.tracking.client import WeirClient

    return WeirClient(tracking_uri=tracking_uri)


PAGE_SIZE = 1000


def collect_pages(fetch: Callable[[str | None, int], Any], max_results: int | None) -> list:
    """Follow page tokens until ``max_results`` items (or all of them) are collected.

    ``fetch(page_token, page_size)`` returns a PagedList whose ``token`` fetches the next page.
    """
    items: list = []
    token: str | None = None
    while True:
        page_size = PAGE_SIZE if max_results is None else min(PAGE_SIZE, max_results - len(items))
        page = fetch(token, page_size)
        items.extend(page)
        token = getattr(page, "token", None)
        if not token or (max_results is not None and len(items) >= max_results) or not page:
            return items if max_results is None else items[:max_results]


def format_timestamp(millis: int | None) -> str:
    """Local time of a millisecond epoch timestamp, as ``YYYY-MM-DD HH:MM:SS``."""
    if millis is None:
        return ""
    return datetime.datetime.fromtimestamp(millis / 1000).strftime("%Y-%m-%d %H:%M:%S")


def format_duration(start_millis: int | None, end_millis: int | None) -> str:
    """``1.2s``, ``3m 05s``, ``2h 01m``; empty while a run has no end time."""
    if start_millis is None or end_millis is None:
        return ""
    seconds = max(end_millis - start_millis, 0) / 1000
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def format_table(rows: Iterable[Sequence[Any]], headers: Sequence[str]) -> str:
    """Left-aligned columns separated by two spaces, a dashed rule under the headers."""
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def echo_table(rows: Iterable[Sequence[Any]], headers: Sequence[str]) -> None:
    click.echo(format_table(list(rows), headers))


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str))


def experiment_sort_key(experiment_id: str) -> tuple[int, int, str]:
    """Numeric ids in numeric order, then any others alphabetically."""
    return (0, int(experiment_id), "") if experiment_id.isdigit() else (1, 0, experiment_id)
