"""Several processes on one store, interpreter exit, and the cost of `import weir`."""

import os
import subprocess
import sys
import textwrap

WORKER = textwrap.dedent(
    """
    import sys
    import weir
    weir.set_experiment("shared")
    with weir.start_run(run_name=f"worker-{sys.argv[1]}"):
        for i in range(2000):
            weir.log_metric("loss", float(i), step=i)
        weir.log_param("worker", sys.argv[1])
    """
)


def _env(tmp_path):
    env = dict(os.environ)
    for name in ("WEIR_TRACKING_URI", "MLFLOW_TRACKING_URI", "MLFLOW_EXPERIMENT_NAME", "MLFLOW_RUN_ID"):
        env.pop(name, None)
    return env


def test_four_processes_log_into_the_same_default_store_without_loss(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    procs = [
        subprocess.Popen([sys.executable, str(script), str(n)], cwd=tmp_path, env=_env(tmp_path))
        for n in range(4)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    from weir.tracking.client import WeirClient

    client = WeirClient(tracking_uri=(tmp_path / "weirruns").as_uri())
    experiment = client.get_experiment_by_name("shared")
    runs = client.search_runs([experiment.experiment_id])
    assert sorted(r.data.params["worker"] for r in runs) == ["0", "1", "2", "3"]
    for run in runs:
        history = client.get_metric_history(run.info.run_id, "loss")
        assert [m.step for m in history] == list(range(2000))
        assert run.info.status == "FINISHED"


def _run_script(tmp_path, body):
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent(body))
    return subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True
    )


def _only_run(tmp_path):
    from weir.tracking.client import WeirClient

    client = WeirClient(tracking_uri=(tmp_path / "weirruns").as_uri())
    (run,) = client.search_runs(["0"])
    return client, run


def test_exit_ends_the_active_run_finished_and_flushes(tmp_path):
    result = _run_script(
        tmp_path,
        """
        import weir
        weir.start_run()
        for i in range(3000):
            weir.log_metric("m", float(i), step=i)
        """,
    )
    assert result.returncode == 0, result.stderr
    client, run = _only_run(tmp_path)
    assert run.info.status == "FINISHED"
    assert len(client.get_metric_history(run.info.run_id, "m")) == 3000
    assert run.data.tags["mlflow.source.name"] == str(tmp_path / "s.py")


def test_exit_on_an_uncaught_exception_marks_the_run_failed(tmp_path):
    result = _run_script(
        tmp_path,
        """
        import weir
        weir.start_run()
        weir.log_metric("m", 1.0)
        raise SystemError("crash")
        """,
    )
    assert result.returncode != 0
    client, run = _only_run(tmp_path)
    assert run.info.status == "FAILED"
    assert run.data.metrics == {"m": 1.0}


def test_import_weir_loads_no_heavy_modules():
    code = (
        "import sys, weir\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('numpy', 'pandas', 'sqlite3')"
        " or m.startswith(('weir.store.tracking.sqlite', 'weir.tracking'))]\n"
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_importing_the_fluent_api_loads_no_numpy_or_pandas():
    code = "import sys, weir; weir.log_metric; print([m for m in ('numpy', 'pandas') if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
