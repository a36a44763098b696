"""The REST store against a real `mlflow server` (from /work/main/.venvs/mlflow-server, when it exists)."""

from __future__ import annotations

import os
import pathlib
import subprocess

import pytest
from weir.entities import Metric, Param, RunTag
from weir.exceptions import ResourceDoesNotExist
from weir.store.tracking.rest import RestStore
from weir_live_server import free_port, wait_until_up

MLFLOW = pathlib.Path(__file__).resolve().parents[2] / ".venvs" / "mlflow-server" / "bin" / "mlflow"


@pytest.fixture
def mlflow_server(tmp_path):
    if not MLFLOW.exists():
        pytest.skip(f"no full mlflow installed at {MLFLOW} (scripts create it for the server tests)")
    port = free_port()
    process = subprocess.Popen(
        [
            str(MLFLOW),
            "server",
            "--backend-store-uri",
            f"sqlite:///{tmp_path}/mlflow.db",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--artifacts-destination",
            str(tmp_path / "artifacts"),
            "--workers",
            "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"},
    )
    try:
        wait_until_up(port, 90, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, 9)
        process.wait(10)


@pytest.mark.slow
@pytest.mark.mlflow
def test_rest_store_speaks_to_mlflow_server(mlflow_server):
    store = RestStore(mlflow_server)
    experiment_id = store.create_experiment("from-weir", tags=[RunTag("team", "a")])
    assert store.get_experiment_by_name("from-weir").tags == {"team": "a"}
    assert store.get_experiment_by_name("missing") is None
    run = store.create_run(experiment_id, "me", 1000, [RunTag("t", "v")], "weir-run")
    run_id = run.info.run_id
    points = [Metric("loss", float(i), 1000 + i, i) for i in range(998)]
    store.log_batch(run_id, metrics=points, params=[Param("lr", "0.1")], tags=[RunTag("k", "v")])
    store.log_batch(run_id, metrics=points[:10])  # a retried batch: MLflow's store may keep both copies
    history = store.get_metric_history(run_id, "loss")
    assert {(m.step, m.value) for m in history} == {(i, float(i)) for i in range(998)}
    fetched = store.get_run(run_id)
    assert fetched.data.params == {"lr": "0.1"} and fetched.data.tags["k"] == "v"
    assert [r.info.run_id for r in store.search_runs([experiment_id], "params.lr = '0.1'")] == [run_id]
    store.update_run_info(run_id, "FINISHED", 5000, None)
    assert store.get_run(run_id).info.status == "FINISHED"
    store.create_registered_model("weir-model")
    version = store.create_model_version("weir-model", f"runs:/{run_id}/model", run_id)
    store.set_registered_model_alias("weir-model", "champion", version.version)
    assert store.get_model_version_by_alias("weir-model", "champion").version == "1"
    with pytest.raises(ResourceDoesNotExist):
        store.get_run("nope")
