"""Throughput of the weir client against a `weir server` subprocess over loopback.

1. fluent ``log_metric`` loop (batched by the background writer), then ``end_run``: points/s;
2. 32 concurrent clients (threads sharing the store) calling log_batch for a fixed time: points/s,
   then every point is checked to be stored exactly once.

    .venv/bin/python tests/benchmarks/bench_rest_client.py [--points 200000] [--seconds 30]
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "rest_client"))

import weir  # noqa: E402
from weir.entities import Metric  # noqa: E402
from weir.store.tracking.rest import RestStore  # noqa: E402
from weir_live_server import subprocess_server  # noqa: E402


def fluent_loop(url: str, points: int) -> None:
    weir.set_tracking_uri(url)
    started = time.perf_counter()
    with weir.start_run() as run:
        for step in range(points):
            weir.log_metric("loss", 1.0 / (step + 1), step=step)
    elapsed = time.perf_counter() - started
    stored = len(weir.WeirClient().get_metric_history(run.info.run_id, "loss"))
    print(
        f"fluent log_metric + end_run: {points} points in {elapsed:.2f} s = {points / elapsed:,.0f} points/s"
    )
    assert stored == points, f"{stored} stored of {points}"


def concurrent_clients(url: str, clients: int, seconds: float) -> None:
    store = RestStore(url)
    run_ids = [store.create_run("0", "bench", 0, [], f"c{i}").info.run_id for i in range(clients)]
    sent = [0] * clients
    stop = time.monotonic() + seconds

    def work(index: int) -> None:
        step = 0
        while time.monotonic() < stop:
            store.log_batch(
                run_ids[index],
                metrics=[Metric("m", float(step + i), step + i, step + i) for i in range(1000)],
            )
            step += 1000
        sent[index] = step

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    total = sum(sent)
    print(
        f"{clients} concurrent clients, {seconds:.0f} s: {total:,} points = {total / elapsed:,.0f} points/s"
    )
    missing = sum(sent[i] - len(store.get_metric_history(r, "m")) for i, r in enumerate(run_ids))
    print(f"points not stored exactly once: {missing}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=200_000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        subprocess_server(str(pathlib.Path(tmp) / "backend")) as server,
    ):
        fluent_loop(server.url, args.points)
        concurrent_clients(server.url, args.clients, args.seconds)


if __name__ == "__main__":
    main()
