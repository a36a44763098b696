"""Tracking-server benchmark: `weir server` vs `mlflow server` on the same machine.

Prints figures; asserts nothing about time. Run:
    .venv/bin/python tests/benchmarks/bench_server.py [--metrics 3000] [--runs 10000] [--points 1000000]

For each server: start time (until /health answers), idle RSS of the server's process tree, and the
rate of the real `mlflow` client's synchronous `log_metric` loop (one REST call per point). For weir
also: REST search over --runs runs, and the UI's downsampled endpoint on a --points-point metric.
MLflow's server is started from /work/main/.venvs/mlflow-server (full `mlflow==3.17.2`, made with
`source scripts/lib.sh && make_venv .venvs/mlflow-server mlflow==3.17.2`) when it exists; otherwise
the reason is printed and only weir is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MLFLOW_SERVER_VENV = ROOT / ".venvs" / "mlflow-server"
STARTUP_LIMIT_S = 120.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants (uvicorn workers, gunicorn...)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{current}/task/{current}/children") as handle:
                todo.extend(int(child) for child in handle.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1024


def start(
    command: list[str], url: str, cwd: Path, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, float]:
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{command[0]} exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url + "/health", timeout=1) as response:
                if response.status == 200:
                    return process, time.perf_counter() - started
        except OSError:
            time.sleep(0.02)
    stop(process)
    raise RuntimeError(f"{command} did not answer /health within {STARTUP_LIMIT_S} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=15)


def log_metric_rate(url: str, count: int) -> float:
    """Points per second of mlflow.log_metric in a loop (synchronous; one REST call each)."""
    code = f"""
import os, time
os.environ["MLFLOW_ENABLE_ASYNC_LOGGING"] = "false"
import mlflow
mlflow.set_tracking_uri({url!r})
client = mlflow.MlflowClient()
run = client.create_run("0")
mlflow.start_run(run_id=run.info.run_id)
for i in range(20):
    mlflow.log_metric("warmup", i, step=i)
started = time.perf_counter()
for i in range({count}):
    mlflow.log_metric("loss", 1.0 / (i + 1), step=i)
elapsed = time.perf_counter() - started
mlflow.end_run()
assert len(client.get_metric_history(run.info.run_id, "loss")) == {count}
print({count} / elapsed)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    return float(result.stdout.strip().splitlines()[-1])


def post(url: str, path: str, body: dict) -> tuple[dict, float]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, headers={"content-type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        payload = response.read()
    return json.loads(payload), time.perf_counter() - started


def get(url: str, path: str) -> tuple[dict, float]:
    started = time.perf_counter()
    with urllib.request.urlopen(url + path, timeout=60) as response:
        payload = response.read()
    return json.loads(payload), time.perf_counter() - started


def fill_store(store_dir: Path, runs: int, points: int) -> str:
    """Runs with params/metrics/tags for search, and one run with a long metric; returns that run's id."""
    sys.path.insert(0, str(ROOT / "core"))
    from weir.entities import Metric, Param, RunTag
    from weir.server.config import ServerConfig, open_store

    store = open_store(ServerConfig(str(store_dir)).resolved())
    experiment_id = store.create_experiment("bench")
    now = int(time.time() * 1000)
    for i in range(runs):
        run = store.create_run(experiment_id, "bench", now + i, [], f"run-{i}")
        store.log_batch(
            run.info.run_id,
            metrics=[Metric("acc", (i % 1000) / 1000, now, 0), Metric("loss", 1 - (i % 1000) / 1000, now, 0)],
            params=[Param("lr", str(0.001 * (i % 7))), Param("model", "rf" if i % 2 else "lr")],
            tags=[RunTag("team", f"t{i % 5}")],
        )
    long_run = store.create_run(experiment_id, "bench", now, [], "long")
    batch = 1000
    for start in range(0, points, batch):
        store.log_batch(
            long_run.info.run_id,
            metrics=[
                Metric("curve", ((s * 7919) % 10007) / 10007, now + s, s)
                for s in range(start, min(points, start + batch))
            ],
        )
    store.close()
    return experiment_id, long_run.info.run_id


def best_of(fn, repeat: int = 5) -> float:
    return min(fn() for _ in range(repeat))


def bench_weir(args: argparse.Namespace, work: Path) -> dict[str, float]:
    store_dir = work / "weir-store"
    print(f"filling the weir store: {args.runs} runs, one metric of {args.points} points ...", flush=True)
    experiment_id, long_run = fill_store(store_dir, args.runs, args.points)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "weir",
        "server",
        "--backend-store-uri",
        str(store_dir),
        "--port",
        str(port),
    ]
    process, startup = start(command, url, work)
    try:
        get(url, "/api/2.0/mlflow/experiments/get?experiment_id=0")
        time.sleep(0.5)
        rss = tree_rss_mib(process.pid)
        rate = log_metric_rate(url, args.metrics)
        search = {
            "experiment_ids": [experiment_id],
            "max_results": 100,
            "filter": "metrics.acc > 0.5 and params.model = 'rf'",
            "order_by": ["metrics.acc DESC"],
        }
        filtered = best_of(lambda: post(url, "/api/2.0/mlflow/runs/search", search)[1])
        page = {"experiment_ids": [experiment_id], "max_results": 1000}
        first_page = best_of(lambda: post(url, "/api/2.0/mlflow/runs/search", page)[1])
        everything = {"experiment_ids": [experiment_id], "max_results": args.runs + 1}
        all_runs = best_of(lambda: post(url, "/api/2.0/mlflow/runs/search", everything)[1], 3)
        query = f"/ajax-api/2.0/weir/metrics/downsampled?run_id={long_run}&metric_key=curve&max_points=1000"
        body, _ = get(url, query)
        downsampled = best_of(lambda: get(url, query)[1], 3)
    finally:
        stop(process)
    return {
        "startup_s": startup,
        "idle_rss_mib": rss,
        "log_metric_per_s": rate,
        "search_filtered_100_of_N_ms": filtered * 1000,
        "search_first_1000_of_N_ms": first_page * 1000,
        "search_all_N_ms": all_runs * 1000,
        "downsampled_ms": downsampled * 1000,
        "downsampled_points": len(body.get("metrics", [])),
    }


def bench_mlflow(args: argparse.Namespace, work: Path) -> dict[str, float] | str:
    mlflow = MLFLOW_SERVER_VENV / "bin" / "mlflow"
    if not mlflow.exists():
        return (
            f"skipped: {mlflow} does not exist (make it with make_venv .venvs/mlflow-server mlflow==3.17.2)"
        )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    store = work / "mlflow-store"
    store.mkdir()
    command = [
        str(mlflow),
        "server",
        "--backend-store-uri",
        f"sqlite:///{store}/mlflow.db",
        "--artifacts-destination",
        str(store / "artifacts"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    env = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    try:
        process, startup = start(command, url, work, env)
    except RuntimeError as exc:
        return f"skipped: mlflow server did not start ({exc})"
    try:
        get(url, "/api/2.0/mlflow/experiments/get?experiment_id=0")
        time.sleep(2.0)
        rss = tree_rss_mib(process.pid)
        rate = log_metric_rate(url, max(200, args.metrics // 10))
    finally:
        stop(process)
    return {"startup_s": startup, "idle_rss_mib": rss, "log_metric_per_s": rate}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--metrics", type=int, default=3000, help="log_metric calls against weir (a tenth for MLflow)"
    )
    parser.add_argument("--runs", type=int, default=10000)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--skip-mlflow", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="weir-bench-server-") as tmp:
        work = Path(tmp)
        weir = bench_weir(args, work)
        mlflow = "skipped: --skip-mlflow" if args.skip_mlflow else bench_mlflow(args, work)
    print(f"\nweir server ({args.runs} runs, {args.points}-point metric):")
    for key, value in weir.items():
        print(f"  {key.replace('N', str(args.runs)):32s} {value:10.1f}")
    print("mlflow server:")
    if isinstance(mlflow, str):
        print(f"  {mlflow}")
    else:
        for key, value in mlflow.items():
            print(f"  {key:32s} {value:10.1f}")
        print(
            f"\nlog_metric speed-up: {weir['log_metric_per_s'] / mlflow['log_metric_per_s']:.1f}x, "
            f"startup {mlflow['startup_s'] / weir['startup_s']:.1f}x faster, "
            f"idle RSS {mlflow['idle_rss_mib'] / weir['idle_rss_mib']:.1f}x smaller"
        )


if __name__ == "__main__":
    main()
