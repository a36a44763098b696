"""The real ``mlflow`` client (mlflow-skinny 3.17.2, test-only) works unchanged against ``weir server``."""

from __future__ import annotations

import warnings

import pytest

mlflow = pytest.importorskip("mlflow")


@pytest.fixture
def tracking(live_server, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", live_server.url)
    monkeypatch.setenv("MLFLOW_ENABLE_ASYNC_LOGGING", "false")
    # mlflow.set_experiment exports MLFLOW_EXPERIMENT_ID; setting it here makes monkeypatch remove it afterwards
    monkeypatch.setenv("MLFLOW_EXPERIMENT_ID", "0")
    mlflow.set_tracking_uri(live_server.url)
    yield live_server
    while mlflow.active_run() is not None:
        mlflow.end_run()
    mlflow.set_tracking_uri(None)
    mlflow.tracking.fluent._active_experiment_id = None  # each test has a server of its own


def test_the_mlflow_client_tracks_logs_models_registers_and_loads(tracking, tmp_path):
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    mlflow.set_experiment("client-test")
    features = np.random.default_rng(0).random((40, 3))
    labels = (features[:, 0] > 0.5).astype(int)
    artifact = tmp_path / "notes.txt"
    artifact.write_text("hello")
    with mlflow.start_run() as run:
        mlflow.log_param("C", 1.0)
        mlflow.log_params({"solver": "lbfgs", "max_iter": 100})
        for step in range(5):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        mlflow.log_metrics({"acc": 0.9, "f1": 0.8})
        mlflow.set_tags({"team": "core", "stage": "dev"})
        mlflow.log_artifact(str(artifact))
        mlflow.log_artifact(str(artifact), artifact_path="docs")
        model = LogisticRegression().fit(features, labels)
        info = mlflow.sklearn.log_model(model, name="model", pip_requirements=["scikit-learn"])
    run_id = run.info.run_id
    assert info.model_uri.startswith("models:/m-")

    client = mlflow.MlflowClient()
    fetched = client.get_run(run_id)
    assert fetched.info.status == "FINISHED"
    assert fetched.data.params == {"C": "1.0", "solver": "lbfgs", "max_iter": "100"}
    assert fetched.data.metrics == {"loss": 0.2, "acc": 0.9, "f1": 0.8}
    assert fetched.data.tags["team"] == "core"
    assert [m.value for m in client.get_metric_history(run_id, "loss")] == [1.0, 0.5, 1 / 3, 0.25, 0.2]
    assert sorted(f.path for f in client.list_artifacts(run_id)) == ["docs", "notes.txt"]
    downloaded = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="docs/notes.txt")
    with open(downloaded) as handle:
        assert handle.read() == "hello"

    found = mlflow.search_runs(
        experiment_names=["client-test"], filter_string="metrics.acc > 0.5 and params.C = '1.0'"
    )
    assert list(found["run_id"]) == [run_id]

    version = mlflow.register_model(f"runs:/{run_id}/model", "client-model")
    assert version.version == "1"
    assert version.source == info.model_uri
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        client.transition_model_version_stage(
            "client-model", "1", "Production", archive_existing_versions=True
        )
        assert client.get_latest_versions("client-model", ["Production"])[0].version == "1"
    client.set_registered_model_alias("client-model", "champion", "1")

    for uri in (
        "models:/client-model/1",
        "models:/client-model/Production",
        "models:/client-model@champion",
        info.model_uri,
    ):
        loaded = mlflow.pyfunc.load_model(uri)
        assert list(loaded.predict(features[:5])) == list(model.predict(features[:5]))

    import weir  # weir's own client reads MLflow 3's logged model through the server too

    weir.set_tracking_uri(tracking.url)
    try:
        loaded = weir.pyfunc.load_model(info.model_uri)
        assert list(loaded.predict(features[:5])) == list(model.predict(features[:5]))
    finally:
        weir.set_tracking_uri(None)


def test_client_errors_keep_mlflows_error_codes(tracking):
    from mlflow.exceptions import MlflowException

    client = mlflow.MlflowClient()
    with pytest.raises(MlflowException) as missing:
        client.get_run("does-not-exist")
    assert missing.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    client.create_experiment("taken")
    with pytest.raises(MlflowException) as taken:
        client.create_experiment("taken")
    assert taken.value.error_code == "RESOURCE_ALREADY_EXISTS"


def test_the_mlflow_client_uses_multipart_uploads_for_large_files(tracking, tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", "1000")
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", "4096")
    payload = bytes(range(256)) * 64  # 16 KiB: four parts
    big = tmp_path / "weights.bin"
    big.write_bytes(payload)
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(big))
    assert not list((tracking.root / "store" / "artifacts" / ".weir-uploads").glob("*"))
    stored = tracking.root / "store" / "artifacts" / "0" / run.info.run_id / "artifacts" / "weights.bin"
    assert stored.read_bytes() == payload
