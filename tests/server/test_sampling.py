"""Sampling long metric histories on the SQLite store (what charts of millions of points use)."""

from __future__ import annotations

import pytest
from weir.entities import Metric
from weir.exceptions import WeirException
from weir.store.tracking.sqlite.sampling import sample_metric_history


@pytest.fixture
def store(app):
    return app.store


def _run_with(store, values, steps=None):
    run_id = store.create_run("0", "u", 0, [], None).info.run_id
    steps = steps if steps is not None else range(len(values))
    points = [Metric("m", v, i, s) for i, (s, v) in enumerate(zip(steps, values, strict=True))]
    for start in range(0, len(points), 1000):
        store.log_batch(run_id, metrics=points[start : start + 1000])
    return run_id


def test_short_histories_come_back_whole(store):
    run_id = _run_with(store, [3.0, 1.0, 2.0])
    assert [(p.step, p.value) for p in sample_metric_history(store, run_id, "m", 10)] == [
        (0, 3.0),
        (1, 1.0),
        (2, 2.0),
    ]


def test_long_histories_keep_ends_extremes_and_order(store):
    values = [float(i % 10) for i in range(20000)]
    values[7777], values[13131] = -1.0, 99.0
    run_id = _run_with(store, values)
    points = sample_metric_history(store, run_id, "m", 300)
    steps = [p.step for p in points]
    assert len(points) <= 300
    assert steps == sorted(steps) and len(set(steps)) == len(steps)
    assert steps[0] == 0 and steps[-1] == 19999
    assert {7777, 13131} <= set(steps)
    assert all(values[p.step] == p.value for p in points)


def test_sparse_steps_are_sampled_over_the_step_range(store):
    steps = [i * i for i in range(3000)]
    run_id = _run_with(store, [1.0] * 3000, steps)
    points = sample_metric_history(store, run_id, "m", 100)
    assert points[0].step == 0 and points[-1].step == steps[-1]
    assert len(points) <= 100 and all(p.step in set(steps) for p in points)


def test_the_last_point_logged_at_a_step_is_kept(store):
    run_id = store.create_run("0", "u", 0, [], None).info.run_id
    store.log_batch(
        run_id, metrics=[Metric("m", float(v), t, s) for s in range(50) for t, v in ((1, 0), (2, s))]
    )
    points = sample_metric_history(store, run_id, "m", 10)
    assert all(p.timestamp == 2 for p in points if p.step not in (0,))


def test_step_window_and_errors(store):
    run_id = _run_with(store, [float(i) for i in range(5000)])
    windowed = sample_metric_history(store, run_id, "m", 50, start_step=1000, end_step=2000)
    assert windowed[0].step == 1000 and windowed[-1].step == 2000
    assert sample_metric_history(store, run_id, "missing", 50) == []
    with pytest.raises(WeirException, match="not found"):
        sample_metric_history(store, "nope", "m", 50)
    with pytest.raises(WeirException, match="max_points"):
        sample_metric_history(store, run_id, "m", 1)
