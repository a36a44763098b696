"""Fast sampling of long metric histories on the SQLite store, for charts of millions of points.

Instead of reading every point, one index seek per kept step finds the first logged step at or
after each of ``max_points`` evenly spaced step boundaries (the last point logged at that step is
kept), and two covering-index scans find the minimum and maximum values, which are always kept.
A 1,000,000-point metric samples in a fraction of a second; short histories are returned whole.
"""

from __future__ import annotations

import math
import sqlite3
from typing import Any

from weir.entities import Metric
from weir.exceptions import InvalidParameterValue, ResourceDoesNotExist

_INT64_MAX = 2**63 - 1
_POINT_AT = (
    "SELECT step, timestamp, value, is_nan FROM metrics WHERE run_id = ? AND key = ? AND step = "
    "(SELECT step FROM metrics WHERE run_id = ? AND key = ? AND step >= ? AND step <= ? ORDER BY step LIMIT 1) "
    "ORDER BY timestamp DESC LIMIT 1"
)


def _point(key: str, row: tuple) -> Metric:
    step, timestamp, value, is_nan = row
    return Metric(key, math.nan if is_nan else value, timestamp, step)


def sample_metric_history(
    store: Any,
    run_id: str,
    key: str,
    max_points: int,
    start_step: int | None = None,
    end_step: int | None = None,
) -> list[Metric]:
    """At most ``max_points`` points of ``key`` (sorted by step), keeping the first and last steps
    and the points holding the minimum and maximum values. ``store`` is a ``SqliteTrackingStore``."""
    if isinstance(max_points, bool) or not isinstance(max_points, int) or max_points < 2:
        raise InvalidParameterValue(
            f"Invalid max_points {max_points!r}: it must be an integer of at least 2."
        )
    lower = -_INT64_MAX if start_step is None else int(start_step)
    upper = _INT64_MAX if end_step is None else int(end_step)

    def sample(conn: sqlite3.Connection) -> list[Metric]:
        found = conn.execute("SELECT id FROM runs WHERE run_uuid = ?", (run_id,)).fetchone()
        if found is None:
            raise ResourceDoesNotExist(f"Run with id={run_id} not found")
        pk = found[0]
        where = "run_id = ? AND key = ? AND step BETWEEN ? AND ?"
        args = (pk, key, lower, upper)
        first = conn.execute(f"SELECT step FROM metrics WHERE {where} ORDER BY step LIMIT 1", args).fetchone()
        if first is None:
            return []
        last = conn.execute(
            f"SELECT step FROM metrics WHERE {where} ORDER BY step DESC LIMIT 1", args
        ).fetchone()
        lo, hi = first[0], last[0]
        count = conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM metrics WHERE {where} LIMIT ?)", (*args, max_points + 1)
        ).fetchone()[0]
        if count <= max_points:
            rows = conn.execute(
                f"SELECT step, timestamp, value, is_nan FROM metrics WHERE {where} ORDER BY step, timestamp",
                args,
            ).fetchall()
            return [_point(key, row) for row in rows]
        extremes = [
            conn.execute(
                f"SELECT step, timestamp, {fn}(value), is_nan FROM metrics WHERE {where} AND is_nan = 0", args
            ).fetchone()
            for fn in ("min", "max")
        ]
        extremes = [row for row in extremes if row is not None and row[0] is not None]
        slots = max(max_points - len(extremes), 2)
        kept: dict[tuple[int, int], tuple] = {}
        span = hi - lo
        previous_step = None
        for i in range(slots):
            boundary = lo + (span * i) // (slots - 1)
            if previous_step is not None and boundary <= previous_step:
                boundary = previous_step + 1
                if boundary > hi:
                    break
            row = conn.execute(_POINT_AT, (pk, key, pk, key, boundary, upper)).fetchone()
            if row is None:
                break
            kept[(row[0], row[1])] = row
            previous_step = row[0]
        for row in extremes:
            kept.setdefault((row[0], row[1]), row)
        ordered = sorted(kept.values(), key=lambda r: (r[0], r[1]))[:max_points]
        return [_point(key, row) for row in ordered]

    return store._db.read(sample)
