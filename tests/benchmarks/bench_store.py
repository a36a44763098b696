"""Benchmark of the SQLite tracking store. Prints figures; asserts nothing about time.

Run: .venv/bin/python tests/benchmarks/bench_store.py
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from weir.entities import Metric, Param, RunStatus, RunTag, ViewType
from weir.store.tracking.sqlite import SqliteTrackingStore


def _timed(label: str, fn, *, repeat: int = 1):
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<72} {best * 1000:9.1f} ms")
    return best, result


def bench_metric_points(store: SqliteTrackingStore) -> None:
    run = store.create_run("0", "bench", 0, [], "points")
    batches = [
        [Metric("loss", random.random(), 1_700_000_000_000 + i, i) for i in range(b * 1000, (b + 1) * 1000)]
        for b in range(100)
    ]

    def log():
        for batch in batches:
            store.log_batch(run.info.run_id, metrics=batch)

    seconds, _ = _timed("log_batch 100,000 metric points (100 batches of 1000)", log)
    print(f"{'  -> points per second':<72} {100_000 / seconds:9.0f}")
    _timed("get_metric_history of 100,000 points", lambda: store.get_metric_history(run.info.run_id, "loss"))


def bench_runs(store: SqliteTrackingStore, experiment_id: str) -> None:
    def create():
        for i in range(1000):
            run = store.create_run(
                experiment_id, "bench", 1_700_000_000_000 + i, [RunTag("mlflow.user", "b")], None
            )
            store.log_batch(
                run.info.run_id,
                metrics=[Metric(f"m{j}", random.random(), 1, 0) for j in range(5)],
                params=[Param(f"p{j}", str(j)) for j in range(5)],
                tags=[RunTag(f"t{j}", "x") for j in range(3)],
            )
            store.update_run_info(run.info.run_id, RunStatus.FINISHED, 1_700_000_000_500 + i, None)

    _timed("1,000 x (create_run + log_batch(5 params, 5 metrics, 3 tags) + update_run_info)", create)


def fill_search_experiment(store: SqliteTrackingStore, experiment_id: str, count: int) -> None:
    rng = random.Random(0)
    for i in range(count):
        run = store.create_run(experiment_id, "bench", 1_700_000_000_000 + i, [], None)
        store.log_batch(
            run.info.run_id,
            metrics=[Metric("acc", rng.random(), 1, 0), Metric("loss", rng.random(), 1, 0)],
            params=[Param("model", rng.choice(["rf", "svm"])), Param("depth", str(rng.randint(1, 9)))],
            tags=[RunTag("team", rng.choice(["a", "b", "c"]))],
        )


def bench_search(store: SqliteTrackingStore, experiment_id: str) -> None:
    def filtered():
        return store.search_runs(
            [experiment_id],
            "metrics.acc > 0.5 and params.model = 'rf'",
            ViewType.ACTIVE_ONLY,
            100,
            ["metrics.acc DESC"],
        )

    _, runs = _timed(
        "search_runs 10k runs: filter + order_by metrics.acc DESC, max_results 100", filtered, repeat=5
    )
    assert len(runs) == 100
    _, runs = _timed(
        "search_runs 10k runs: no filter, max_results 10000",
        lambda: store.search_runs([experiment_id], "", ViewType.ACTIVE_ONLY, 10000),
        repeat=3,
    )
    assert len(runs) == 10000
    _timed(
        "search_runs 10k runs: tags.team ILIKE 'A' order by params.depth, max_results 1000",
        lambda: store.search_runs(
            [experiment_id], "tags.team ILIKE 'A'", ViewType.ACTIVE_ONLY, 1000, ["params.depth"]
        ),
        repeat=3,
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteTrackingStore(Path(folder) / "weir.db")
        bench_metric_points(store)
        bench_runs(store, store.create_experiment("runs"))
        search_experiment = store.create_experiment("search")
        start = time.perf_counter()
        fill_search_experiment(store, search_experiment, 10_000)
        print(f"{'(setup: 10,000 runs for search)':<72} {(time.perf_counter() - start) * 1000:9.1f} ms")
        bench_search(store, search_experiment)
        store.close()


if __name__ == "__main__":
    main()
