"""Shared driver of bench_xgboost.py and bench_lightgbm.py: per-iteration autolog overhead.

Each library runs in its own subprocess (weir and MLflow never patch the same framework in one
process). A worker trains with 50 and 500 boosting rounds on small data with a validation set
(2 metrics per iteration), with autolog off and on (toggled with ``disable=``), interleaved, and
keeps the fastest of ``--repeat`` runs of each. Times are the process's CPU time (all its threads,
so weir's background metric writer and MLflow's logging threads count) rather than wall time, so
other load on the machine does not swamp microsecond differences. The per-iteration cost is the slope
``(t500 - t50) / 450``, which cancels the fixed costs (run creation, params, feature-importance
plots, model); the overhead per iteration is the autologged slope minus the plain slope. "fixed" is
the rest of the difference at 50 rounds. For weir, "in-callback" is the time measured inside its
per-iteration hook itself (the background metric writer's share shows only in the slope).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

ROUNDS = (50, 500)
TARGET_US = 50.0


def _data():
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.random((1000, 10))
    y = (X[:, 0] + X[:, 1] + rng.normal(scale=0.2, size=1000) > 1).astype(int)
    return X[:800], y[:800], X[800:], y[800:]


def _trainer(framework: str):
    X, y, Xv, yv = _data()
    if framework == "xgboost":
        import xgboost

        params = {
            "objective": "binary:logistic",
            "eval_metric": ["logloss", "error"],
            "max_depth": 3,
            "nthread": 1,
        }

        def train(rounds: int) -> None:
            dtrain, dvalid = xgboost.DMatrix(X, label=y), xgboost.DMatrix(Xv, label=yv)
            xgboost.train(params, dtrain, rounds, evals=[(dvalid, "validation")], verbose_eval=False)

        return train
    import lightgbm

    params = {"objective": "binary", "metric": ["binary_logloss", "auc"], "num_leaves": 7, "verbose": -1}
    params["num_threads"] = 1

    def train(rounds: int) -> None:
        dtrain = lightgbm.Dataset(X, label=y)
        dvalid = lightgbm.Dataset(Xv, label=yv, reference=dtrain)
        lightgbm.train(params, dtrain, rounds, valid_sets=[dvalid], valid_names=["valid"])

    return train


def worker(framework: str, library: str, log_models: bool, repeat: int) -> dict:
    """Time training with ``library``'s autolog off and on, interleaved, in this process.

    Returns the fastest time (s) per mode and round count and, for weir, the time spent inside its
    per-iteration callback per iteration (``callback_s``, from the last 500-round training).
    """
    import warnings

    warnings.simplefilter("ignore")
    os.environ["MLFLOW_ALLOW_FILE_STORE"] = (
        "true"  # mlflow-skinny has no SQL store; 3.x refuses files otherwise
    )
    lib = __import__(library)
    lib.set_tracking_uri(f"file://{tempfile.mkdtemp(prefix='weir-bench-')}/store")
    integration = getattr(lib, framework)
    spent = [0.0]
    if library == "weir":
        from weir.plugins.boosting import IterationMetrics

        record = IterationMetrics.record

        def timed_record(self, step, results):
            start = time.perf_counter()
            record(self, step, results)
            spent[0] += time.perf_counter() - start

        IterationMetrics.record = timed_record
    train = _trainer(framework)
    integration.autolog(log_models=log_models)
    train(ROUNDS[0])  # warm-up: imports, first run, matplotlib
    times: dict[str, list[float]] = {f"{mode}{n}": [] for mode in ("plain", "autolog") for n in ROUNDS}
    for _ in range(repeat):
        for mode in ("plain", "autolog"):
            integration.autolog(log_models=log_models, disable=mode == "plain")
            for n in ROUNDS:
                spent[0] = 0.0
                start = time.process_time()
                train(n)
                times[f"{mode}{n}"].append(time.process_time() - start)
    result = {key: min(values) for key, values in times.items()}
    result["callback_s"] = spent[0] / ROUNDS[-1]
    # proof that autolog really logged: the metric points of the last (500-round) run
    last = lib.last_active_run()
    key = "validation-logloss" if framework == "xgboost" else "valid-binary_logloss"
    result["points"] = len(lib.MlflowClient().get_metric_history(last.info.run_id, key)) if last else 0
    return result


def _run(framework: str, library: str, log_models: bool, repeat: int) -> dict | None:
    code = (
        f"import json, sys; sys.path.insert(0, {sys.path[0]!r}); import _boosting_bench as b; "
        f"print(json.dumps(b.worker({framework!r}, {library!r}, {log_models!r}, {repeat})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        print(f"  {library}: failed: {out.stderr.strip().splitlines()[-1] if out.stderr else out.returncode}")
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(framework: str, argv: list[str]) -> None:
    import argparse
    import importlib.util

    parser = argparse.ArgumentParser(description=f"{framework} autolog overhead per iteration")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    low, high = ROUNDS
    print(
        f"{framework}: {high} vs {low} rounds, 800 rows x 10 features, 2 eval metrics/iteration, best of {args.repeat}"
    )
    libraries = ["weir"] + (["mlflow"] if importlib.util.find_spec("mlflow") else [])
    for library in libraries:
        for log_models in (False, True):
            timed = _run(framework, library, log_models, args.repeat)
            if timed is None:
                continue
            plain_slope = (timed[f"plain{high}"] - timed[f"plain{low}"]) / (high - low)
            slope = (timed[f"autolog{high}"] - timed[f"autolog{low}"]) / (high - low)
            per_iteration_us = (slope - plain_slope) * 1e6
            fixed_ms = (timed[f"autolog{low}"] - timed[f"plain{low}"]) * 1000 - per_iteration_us * low / 1000
            line = (
                f"  {library:6} autolog(log_models={log_models!s:5}): {per_iteration_us:6.1f} us/iteration overhead "
                f"(plain {plain_slope * 1e6:.0f} us/iteration), fixed {fixed_ms:6.1f} ms per train call"
            )
            line += f"; {timed['points']} points logged"
            if library == "weir":
                line += f"; in-callback {timed['callback_s'] * 1e6:.1f} us/iteration"
                line += "  OK" if per_iteration_us <= TARGET_US else f"  ABOVE TARGET ({TARGET_US:.0f} us)"
            print(line)
