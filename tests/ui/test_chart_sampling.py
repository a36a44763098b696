"""The long-history sampling behind the UI's charts: few points, real points, ends and extremes kept."""

from __future__ import annotations

import math

import pytest
from weir.entities import Metric


@pytest.fixture
def long_run(weir_client):
    run_id = weir_client.create_run(weir_client.create_experiment("sampling")).info.run_id
    points = [
        Metric("loss", math.sin(s / 300.0) + (5.0 if s == 31_337 else 0.0), 1000 + s, s)
        for s in range(40_000)
    ]
    points.append(Metric("loss", -3.0, 5, 17))  # an earlier, second point at step 17: the minimum
    points.append(Metric("loss", float("nan"), 99_000, 40_000))
    for start in range(0, len(points), 1000):
        weir_client.store.log_batch(run_id, metrics=points[start : start + 1000])
    return run_id


@pytest.mark.parametrize("max_results", [3, 10, 1500])
def test_long_histories_are_sampled_to_at_most_max_results_real_points(weir_client, long_run, max_results):
    history = {(m.step, m.timestamp): m.value for m in weir_client.get_metric_history(long_run, "loss")}
    sampled = weir_client.store.get_metric_history_bulk_interval([long_run], "loss", max_results=max_results)[
        long_run
    ]
    assert 2 <= len(sampled) <= max_results
    steps = [m.step for m in sampled]
    assert steps == sorted(steps)
    for m in sampled:
        stored = history[(m.step, m.timestamp)]
        assert (math.isnan(stored) and math.isnan(m.value)) or stored == m.value
    values = [m.value for m in sampled]
    assert 5.0 + math.sin(31_337 / 300.0) in values  # the spike survives
    assert -3.0 in values  # and so does the minimum
    if max_results >= 10:
        assert steps[0] == 0 and steps[-1] == 40_000


def test_sampling_spreads_points_evenly_over_the_steps(weir_client, long_run):
    sampled = weir_client.store.get_metric_history_bulk_interval([long_run], "loss", max_results=1500)[
        long_run
    ]
    gaps = [b.step - a.step for a, b in zip(sampled, sampled[1:], strict=False)]
    assert max(gaps) <= 2 * 40_000 / 1500


def test_a_step_range_limits_the_sample(weir_client, long_run):
    sampled = weir_client.store.get_metric_history_bulk_interval(
        [long_run], "loss", max_results=100, start_step=10_000, end_step=30_000
    )[long_run]
    assert all(10_000 <= m.step <= 30_000 for m in sampled)
    assert sampled[0].step == 10_000 and sampled[-1].step == 30_000
