"""Scoring-server benchmark: weir models serve vs mlflow models serve on the same sklearn model.

Prints figures; asserts nothing about time. Run:
    .venv/bin/python tests/benchmarks/bench_serving.py [--clients 8] [--requests 4000] [--workers 1]

For each server: start time (until /ping answers), idle RSS of the server processes, then 1-row JSON
(dataframe_split) requests from concurrent clients, each a thread with one keep-alive
http.client connection, over 127.0.0.1: requests/s, p50 and p99 latency. MLflow's server is measured
in the same run when `mlflow` is installed and its server starts; otherwise the reason is printed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

STARTUP_LIMIT_S = 90.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_model(model_dir: Path):
    """Fit LogisticRegression on breast cancer; save it with weir.sklearn (MLflow's sklearn format)."""
    import pandas as pd
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    data = load_breast_cancer()
    frame = pd.DataFrame(data.data, columns=data.feature_names)
    x_train, x_test, y_train, _ = train_test_split(frame, data.target, stratify=data.target, random_state=0)
    model = LogisticRegression(max_iter=5000).fit(x_train, y_train)
    try:
        import weir.sklearn as flavor
        from weir.models import infer_signature

        saver = "weir.sklearn.save_model"
    except (ImportError, AttributeError):  # the plugin is not installed: MLflow writes the same format
        import mlflow.sklearn as flavor
        from mlflow.models import infer_signature

        saver = "mlflow.sklearn.save_model"
    signature = infer_signature(x_train, model.predict(x_train))
    flavor.save_model(model, str(model_dir), signature=signature, input_example=x_train.iloc[:2])
    return x_test, saver


def process_tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants, from /proc."""
    total_kib, pending, seen = 0, [pid], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            with open(f"/proc/{current}/status") as handle:
                total_kib += next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    pending.extend(int(child) for child in handle.read().split())
        except (OSError, StopIteration):
            continue
    return total_kib / 1024


class Server:
    def __init__(self, name: str, command: list[str], port: int, env: dict | None = None) -> None:
        self.name, self.command, self.port, self.env = name, command, port, env
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop)
        self.process: subprocess.Popen | None = None
        self.start_seconds = float("nan")

    def start(self) -> str | None:
        """Start and wait for /ping; returns None when it answers, else why not."""
        begin = time.perf_counter()
        self.process = subprocess.Popen(
            self.command, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True, env=self.env
        )
        while time.perf_counter() - begin < STARTUP_LIMIT_S:
            if self.process.poll() is not None:
                return f"exited with code {self.process.returncode}: {self.output_tail()}"
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/ping")
                if connection.getresponse().status == 200:
                    self.start_seconds = time.perf_counter() - begin
                    connection.close()
                    return None
            except OSError:
                pass
            time.sleep(0.02)
        return f"/ping did not answer within {STARTUP_LIMIT_S:.0f} s: {self.output_tail()}"

    def output_tail(self, lines: int = 6) -> str:
        self.log.seek(0)
        text = self.log.read().decode("utf-8", "replace").strip().splitlines()
        return " | ".join(text[-lines:])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.log.close()


def load(port: int, bodies: list[bytes], clients: int, total: int) -> dict:
    """``total`` POST /invocations spread over ``clients`` keep-alive connections."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    per_client = total // clients
    barrier = threading.Barrier(clients + 1)

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/json"}
        mine: list[float] = []
        barrier.wait()
        for i in range(per_client):
            body = bodies[(offset + i) % len(bodies)]
            start = time.perf_counter()
            connection.request("POST", "/invocations", body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            mine.append(time.perf_counter() - start)
            if response.status != 200:
                with lock:
                    failures.append(f"{response.status}: {payload[:200]!r}")
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n * 97,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    begin = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - begin
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "failures": failures,
    }


def measure(server: Server, bodies: list[bytes], clients: int, total: int) -> dict | str:
    problem = server.start()
    if problem:
        server.stop()
        return problem
    try:
        time.sleep(0.5)
        idle_rss = process_tree_rss_mib(server.process.pid)
        load(server.port, bodies, clients, min(total, 40 * clients))  # warm-up
        result = load(server.port, bodies, clients, total)
        result.update(start_s=server.start_seconds, idle_rss_mib=idle_rss)
        return result
    finally:
        server.stop()


def report(name: str, result: dict | str) -> None:
    if isinstance(result, str):
        print(f"{name:<34} skipped: {result}")
        return
    print(
        f"{name:<34} {result['rps']:8.0f} req/s   p50 {result['p50_ms']:6.1f} ms   p99 {result['p99_ms']:6.1f} ms"
        f"   start {result['start_s']:5.2f} s   idle RSS {result['idle_rss_mib']:6.0f} MiB"
        f"   ({result['requests']} requests)"
    )
    if result["failures"]:
        print(f"{'':<34} {len(result['failures'])} failed requests, e.g. {result['failures'][0]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=4000, help="measured requests per server")
    parser.add_argument("--workers", type=int, default=1, help="weir server worker processes")
    parser.add_argument("--skip-mlflow", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="weir-bench-serving-"))
    try:
        x_test, saver = build_model(work / "model")
        bodies = [
            json.dumps({"dataframe_split": x_test.iloc[[i]].to_dict(orient="split")}).encode()
            for i in range(len(x_test))
        ]
        print(f"model: LogisticRegression on breast cancer (30 features), saved with {saver}")
        print(
            f"load: {args.clients} clients x keep-alive connections, 1-row dataframe_split, {args.requests} requests"
        )
        bindir = Path(sys.executable).parent
        port = free_port()
        weir_cmd = [
            sys.executable,
            "-m",
            "weir",
            "models",
            "serve",
            "-m",
            str(work / "model"),
            "-p",
            str(port),
        ]
        weir_cmd += ["--workers", str(args.workers)]
        weir_name = f"weir models serve (workers={args.workers})"
        weir_result = measure(Server("weir", weir_cmd, port), bodies, args.clients, args.requests)
        report(weir_name, weir_result)

        mlflow_result: dict | str = "--skip-mlflow given"
        mlflow = shutil.which("mlflow", path=str(bindir)) or shutil.which("mlflow")
        if not args.skip_mlflow:
            if mlflow is None:
                mlflow_result = "mlflow is not installed"
            else:
                port = free_port()
                cmd = [mlflow, "models", "serve", "-m", str(work / "model"), "--env-manager", "local"]
                cmd += ["-h", "127.0.0.1", "-p", str(port)]
                # MLflow execs `uvicorn` through the shell: it has to be on PATH.
                env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}
                mlflow_result = measure(Server("mlflow", cmd, port, env), bodies, args.clients, args.requests)
            report("mlflow models serve (workers=1)", mlflow_result)
        if isinstance(weir_result, dict) and isinstance(mlflow_result, dict):
            print(f"weir / mlflow requests/s: {weir_result['rps'] / mlflow_result['rps']:.1f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
