"""weir-sklearn benchmarks: autolog overhead on fit, and log_model time (MLflow side by side).

    .venv/bin/python tests/benchmarks/bench_sklearn.py [--repeat 7]

Prints medians in ms. "overhead" is the median of (autologged fit - plain fit) over interleaved
pairs; "plots after" is the time weir's background plot thread still needed once ``fit`` returned. Targets: autolog (with model logging) adds <= 50 ms to
``LogisticRegression(max_iter=1000).fit`` on breast cancer; ``log_model`` of a fitted 50-tree
RandomForestClassifier takes <= 50 ms. When mlflow is importable, the same two are measured for
MLflow (``mlflow.sklearn.autolog()``, a temporary sqlite store, or a file store without SQLAlchemy), each in its own subprocess so the
two libraries never patch sklearn at the same time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

TARGET_MS = 50.0


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm-up: imports, caches, first run creation
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _data():
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(return_X_y=True)


def measure(library: str, repeat: int) -> dict[str, float]:
    """Run in a fresh process: plain fit, autologged fit, log_model, for ``weir`` or ``mlflow``."""
    warnings.simplefilter("ignore")
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression

    tmp = tempfile.mkdtemp(prefix=f"bench-sklearn-{library}-")
    if library == "weir":
        import weir as lib

        lib.set_tracking_uri(f"file://{tmp}/runs")
    else:
        import logging

        import mlflow as lib

        logging.getLogger("mlflow").setLevel(logging.ERROR)
        try:  # mlflow-skinny has no SQLAlchemy: fall back to MLflow's file store
            import sqlalchemy  # noqa: F401

            lib.set_tracking_uri(f"sqlite:///{tmp}/mlflow.db")
        except ImportError:
            import os

            os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
            lib.set_tracking_uri(f"file://{tmp}/mlruns")
    X, y = _data()
    lib.sklearn.autolog(log_models=True, silent=True)
    if library == "weir":
        from weir.plugins.calls import autologging_disabled

        settle = lib.sklearn.wait_for_artifacts  # training plots are drawn on a background thread
    else:
        from mlflow.utils.autologging_utils import disable_autologging as autologging_disabled

        def settle() -> None:
            pass

    def plain_fit():
        with autologging_disabled():
            LogisticRegression(max_iter=1000).fit(X, y)

    def logged_fit():
        with lib.start_run():
            LogisticRegression(max_iter=1000).fit(X, y)

    # Interleaved, so machine load drifts hit both the same way; the plot thread is drained
    # outside the timed region and reported on its own.
    plain_fit(), logged_fit(), settle()
    plain, autologged, overheads, background = [], [], [], []
    for _ in range(repeat):
        start = time.perf_counter()
        plain_fit()
        plain.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        logged_fit()
        autologged.append((time.perf_counter() - start) * 1000)
        overheads.append(autologged[-1] - plain[-1])
        start = time.perf_counter()
        settle()
        background.append((time.perf_counter() - start) * 1000)
    lib.sklearn.autolog(disable=True)

    forest = RandomForestClassifier(n_estimators=50, random_state=0).fit(X, y)
    run = lib.start_run()

    counter = iter(range(10_000))

    def log_model():
        name = f"forest{next(counter)}"
        if library == "weir":
            lib.sklearn.log_model(forest, artifact_path=name)
        else:  # MLflow 3: name=, and cloudpickle to match weir's default format
            lib.sklearn.log_model(forest, name=name, serialization_format="cloudpickle")

    logged_model = _median_ms(log_model, repeat)
    lib.end_run()
    del run
    return {
        "plain_fit_ms": statistics.median(plain),
        "autolog_fit_ms": statistics.median(autologged),
        "overhead_ms": statistics.median(overheads),
        "plots_after_fit_ms": statistics.median(background),
        "log_model_ms": logged_model,
    }


def _run_child(library: str, repeat: int) -> dict[str, float] | None:
    cmd = [sys.executable, __file__, "--child", library, "--repeat", str(repeat)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        print(f"{library}: failed\n{out.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--child", choices=["weir", "mlflow"])
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.repeat)))
        return

    import importlib.util

    libraries = ["weir"] + (["mlflow"] if importlib.util.find_spec("mlflow") else [])
    print(f"scikit-learn benchmarks, median of {args.repeat} (ms)")
    print(
        f"{'library':8} {'plain fit':>10} {'autolog fit':>12} {'overhead':>9} {'plots after':>12} {'log_model':>10}"
    )
    for library in libraries:
        result = _run_child(library, args.repeat)
        if result is None:
            continue
        overhead = result["overhead_ms"]
        print(
            f"{library:8} {result['plain_fit_ms']:10.1f} {result['autolog_fit_ms']:12.1f} "
            f"{overhead:9.1f} {result['plots_after_fit_ms']:12.1f} {result['log_model_ms']:10.1f}"
        )
        if library == "weir":
            verdict = lambda ms: "ok" if ms <= TARGET_MS else "OVER"  # noqa: E731
            print(
                f"  weir targets (<= {TARGET_MS:.0f} ms): autolog overhead {verdict(overhead)}, "
                f"log_model {verdict(result['log_model_ms'])}"
            )


if __name__ == "__main__":
    main()
