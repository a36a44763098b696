"""Tracking benchmarks: prints figures (no asserts). Run: python tests/benchmarks/bench_tracking.py

Measures `import weir` time, buffered log_metric throughput, fluent-API run logging,
search_runs over 10,000 runs, and the DataFrame conversion; and MLflow on a scaled-down
version when it is installed.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid


def bench_import(repeats: int = 9) -> None:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import weir"], check=True)
        times.append(time.perf_counter() - start)
    baseline = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        baseline.append(time.perf_counter() - start)
    heavy = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, weir; print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('numpy', 'pandas', 'sqlite3') or m.startswith('weir.store.tracking.sqlite')))",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(
        f"import weir: median {statistics.median(times) * 1000:.1f} ms wall "
        f"(bare interpreter {statistics.median(baseline) * 1000:.1f} ms; target <= 100 ms); "
        f"heavy modules imported: {heavy}"
    )


def bench_log_metric(weir, n: int = 100_000) -> None:
    with weir.start_run() as run:
        start = time.perf_counter()
        for i in range(n):
            weir.log_metric("loss", 1.0 / (i + 1), step=i)
        logged = time.perf_counter() - start
    total = time.perf_counter() - start
    stored = len(weir.MlflowClient().get_metric_history(run.info.run_id, "loss"))
    print(
        f"log_metric x{n} + end_run: {total:.3f} s = {n / total:,.0f} points/s "
        f"(calls alone {logged:.3f} s; {stored} points stored; target >= 100,000/s)"
    )


def bench_runs(weir, n: int = 1000) -> None:
    weir.set_experiment("bench-runs")
    start = time.perf_counter()
    for i in range(n):
        with weir.start_run():
            weir.log_params({f"p{j}": i * j for j in range(5)})
            weir.log_metrics({f"m{j}": random.random() for j in range(5)})
            weir.set_tags({f"t{j}": "x" for j in range(3)})
    elapsed = time.perf_counter() - start
    print(f"{n} runs x (5 params, 5 metrics, 3 tags) via fluent API: {elapsed:.3f} s (target <= 1 s)")


def bench_search(weir, n: int = 10_000) -> None:
    from weir.entities import Metric, Param, RunTag
    from weir.tracking.uri import get_store

    store = get_store()
    experiment_id = weir.create_experiment(f"bench-search-{uuid.uuid4().hex[:6]}")
    rng = random.Random(0)
    now = int(time.time() * 1000)
    start = time.perf_counter()
    for i in range(n):
        run = store.create_run(experiment_id, "bench", now + i, [], f"run-{i}")
        store.log_batch(
            run.info.run_id,
            metrics=[Metric("acc", rng.random(), now, 0), Metric("loss", rng.random(), now, 0)],
            params=[Param("model", rng.choice(["rf", "lr", "svm"])), Param("depth", str(i % 10))],
            tags=[RunTag("team", "a")],
        )
    setup = time.perf_counter() - start
    query = dict(
        experiment_ids=[experiment_id],
        filter_string="metrics.acc > 0.5 and params.model = 'rf'",
        order_by=["metrics.acc DESC"],
        max_results=100,
    )
    weir.search_runs(**query, output_format="list")
    times = []
    for _ in range(5):
        start = time.perf_counter()
        found = weir.search_runs(**query, output_format="list")
        times.append(time.perf_counter() - start)
    print(
        f"search_runs over {n} runs (filter + order_by, 100 results): median {statistics.median(times) * 1000:.1f} ms "
        f"({len(found)} runs; target <= 50 ms; setup {setup:.1f} s)"
    )
    import pandas  # noqa: F401  (imported before timing: the figure is the query + conversion)

    times = []
    for _ in range(3):
        start = time.perf_counter()
        frame = weir.search_runs(experiment_ids=[experiment_id])
        times.append(time.perf_counter() - start)
    print(
        f"search_runs all {n} runs -> DataFrame: median {statistics.median(times):.3f} s "
        f"(shape {frame.shape}; target <= 0.5 s)"
    )


def bench_mlflow(n_points: int = 2000, n_runs: int = 50) -> None:
    try:
        import mlflow
    except ImportError:
        print("mlflow not installed: no side-by-side figures")
        return
    import logging

    logging.getLogger("mlflow").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        # mlflow-skinny has no SQL store: compare with its file store
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
        mlflow.set_tracking_uri(f"file://{tmp}/mlruns")
        mlflow.set_experiment("bench")
        with mlflow.start_run():
            start = time.perf_counter()
            for i in range(n_points):
                mlflow.log_metric("loss", 1.0 / (i + 1), step=i)
        elapsed = time.perf_counter() - start
        print(
            f"MLflow {mlflow.__version__} (file store): log_metric x{n_points}: {n_points / elapsed:,.0f} points/s"
        )
        start = time.perf_counter()
        for i in range(n_runs):
            with mlflow.start_run():
                mlflow.log_params({f"p{j}": i * j for j in range(5)})
                mlflow.log_metrics({f"m{j}": random.random() for j in range(5)})
                mlflow.set_tags({f"t{j}": "x" for j in range(3)})
        elapsed = time.perf_counter() - start
        print(
            f"MLflow: {n_runs} runs x (5 params, 5 metrics, 3 tags): {elapsed:.2f} s = {elapsed / n_runs * 1000:.1f} ms/run"
        )


def main() -> None:
    bench_import()
    with tempfile.TemporaryDirectory() as tmp:
        for var in ("WEIR_TRACKING_URI", "MLFLOW_TRACKING_URI"):
            os.environ.pop(var, None)
        os.chdir(tmp)  # the default store: ./weirruns
        import weir

        bench_log_metric(weir)
        bench_runs(weir)
        bench_search(weir)
        os.chdir("/")
    if "--no-mlflow" not in sys.argv:
        try:
            bench_mlflow()
        except Exception as exc:  # a side-by-side figure is optional
            print(f"MLflow comparison skipped: {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
