"""weir-pytorch benchmarks: the cost autologging adds to ``SummaryWriter.add_scalar``, and model save/load.

    .venv/bin/python tests/benchmarks/bench_pytorch.py [--calls 20000] [--repeat 5]

Prints microseconds per ``add_scalar`` call: plain (autolog off), autologged into the active run, and
autologged into the writer's own run (no active run); "added" is autologged minus plain (median of
interleaved rounds). Target: the hook adds only a few µs per call (torch's own add_scalar takes tens
of µs). Also the hook alone on a no-op method, which isolates weir's cost from TensorBoard's file
writing, and save_model / load_model / pyfunc predict of a small MLP in ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def _per_call_us(fn, calls: int) -> float:
    start = time.perf_counter()
    fn(calls)
    return (time.perf_counter() - start) / calls * 1e6


def _scalars(writer):
    def loop(calls: int) -> None:
        add = writer.add_scalar
        for step in range(calls):
            add("loss", 0.5, step)

    return loop


def bench_add_scalar(calls: int, repeat: int) -> dict[str, float]:
    import weir
    from torch.utils.tensorboard import SummaryWriter

    root = tempfile.mkdtemp(prefix="weir-bench-pytorch-")
    weir.set_tracking_uri(f"file://{root}/runs")
    plain, active, own = [], [], []
    for _ in range(repeat):
        weir.autolog(disable=True)
        writer = SummaryWriter(os.path.join(root, "tb"))
        plain.append(_per_call_us(_scalars(writer), calls))
        writer.close()
        weir.autolog()
        writer = SummaryWriter(os.path.join(root, "tb"))
        with weir.start_run():
            active.append(_per_call_us(_scalars(writer), calls))
        writer.close()
        writer = SummaryWriter(os.path.join(root, "tb-own"))
        own.append(_per_call_us(_scalars(writer), calls))
        writer.close()
        weir.flush()
    weir.autolog(disable=True)
    return {
        "plain": statistics.median(plain),
        "active run": statistics.median(active),
        "writer's run": statistics.median(own),
        "added (active run)": statistics.median(a - p for a, p in zip(active, plain, strict=True)),
        "added (writer's run)": statistics.median(o - p for o, p in zip(own, plain, strict=True)),
    }


def bench_hook_alone(calls: int, repeat: int) -> dict[str, float]:
    """The observer on a no-op method: weir's per-call cost without TensorBoard's."""
    import weir
    from torch.utils.tensorboard import SummaryWriter

    class Quiet(SummaryWriter):
        def __init__(self) -> None:  # no file writer at all
            pass

    original = SummaryWriter.__dict__["add_scalar"]
    noop = lambda self, tag, value, step=None, walltime=None, **kwargs: None  # noqa: E731
    quiet = Quiet()
    results = {"no-op, no autolog": [], "no-op + weir hook": []}
    root = tempfile.mkdtemp(prefix="weir-bench-pytorch-")
    weir.set_tracking_uri(f"file://{root}/runs")
    try:
        SummaryWriter.add_scalar = noop
        for _ in range(repeat):
            weir.autolog(disable=True)
            results["no-op, no autolog"].append(_per_call_us(_scalars(quiet), calls))
            weir.autolog()
            with weir.start_run():
                results["no-op + weir hook"].append(_per_call_us(_scalars(quiet), calls))
    finally:
        weir.autolog(disable=True)
        SummaryWriter.add_scalar = original
    return {k: statistics.median(v) for k, v in results.items()}


def bench_flavor(repeat: int) -> dict[str, float]:
    import numpy as np
    import torch
    import weir

    net = torch.nn.Sequential(torch.nn.Linear(32, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    X = np.random.default_rng(0).normal(size=(256, 32)).astype("float32")
    root = tempfile.mkdtemp(prefix="weir-bench-pytorch-")
    times: dict[str, list[float]] = {
        "save_model": [],
        "load_model": [],
        "pyfunc load": [],
        "pyfunc predict": [],
    }
    for i in range(repeat):
        path = os.path.join(root, f"m{i}")
        start = time.perf_counter()
        weir.pytorch.save_model(net, path)
        times["save_model"].append(time.perf_counter() - start)
        start = time.perf_counter()
        weir.pytorch.load_model(path)
        times["load_model"].append(time.perf_counter() - start)
        start = time.perf_counter()
        model = weir.pyfunc.load_model(path)
        times["pyfunc load"].append(time.perf_counter() - start)
        start = time.perf_counter()
        model.predict(X)
        times["pyfunc predict"].append(time.perf_counter() - start)
    return {k: statistics.median(v) * 1000 for k, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"SummaryWriter.add_scalar, µs per call (median of {args.repeat} rounds of {args.calls} calls)")
    for name, value in bench_add_scalar(args.calls, args.repeat).items():
        print(f"  {name:<24} {value:8.2f}")
    print("weir's hook alone, µs per call")
    for name, value in bench_hook_alone(args.calls * 5, args.repeat).items():
        print(f"  {name:<24} {value:8.2f}")
    print("pytorch flavor, ms (MLP 32-256-10, 256 rows)")
    for name, value in bench_flavor(args.repeat).items():
        print(f"  {name:<24} {value:8.2f}")


if __name__ == "__main__":
    main()
