"""A team setup end to end: runs tracked in PostgreSQL, artifacts and models kept on S3."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import weir
from weir.store.artifacts.s3 import s3_client
from weir.store.factory import clear_store_cache
from weir.store.tracking.postgres import PostgresTrackingStore


@pytest.fixture
def team_tracking(postgres_uri, s3_bucket):
    """The tracking URI set to PostgreSQL; an experiment whose artifacts live in the bucket."""
    weir.set_tracking_uri(postgres_uri)
    try:
        experiment_id = weir.create_experiment("team", artifact_location=f"s3://{s3_bucket}/team")
        yield experiment_id
    finally:
        weir.set_tracking_uri(None)
        clear_store_cache()  # closes the store before its schema is dropped


def test_a_run_tracked_in_postgres_keeps_its_artifacts_and_model_on_s3(team_tracking, s3_bucket, tmp_path):
    from sklearn.linear_model import LinearRegression

    features = np.arange(20, dtype=float).reshape(10, 2)
    target = features @ np.array([1.5, -2.0]) + 0.5
    model = LinearRegression().fit(features, target)

    with weir.start_run(experiment_id=team_tracking, run_name="baseline") as run:
        weir.log_params({"fit_intercept": True, "rows": 10})
        for step in range(5):
            weir.log_metric("loss", 1.0 / (step + 1), step=step)
        weir.log_dict({"features": ["a", "b"]}, "config.json")
        weir.log_text("trained on synthetic data", "notes/readme.txt")
        weir.sklearn.log_model(model, artifact_path="model")
    run_id = run.info.run_id

    assert isinstance(weir.tracking.uri.get_store(), PostgresTrackingStore)
    stored = weir.get_run(run_id)
    assert stored.info.status == "FINISHED"
    assert stored.info.artifact_uri == f"s3://{s3_bucket}/team/{run_id}/artifacts"
    assert stored.data.params == {"fit_intercept": "True", "rows": "10"}
    assert stored.data.metrics["loss"] == pytest.approx(0.2)
    history = weir.WeirClient().get_metric_history(run_id, "loss")
    assert [m.step for m in history] == [0, 1, 2, 3, 4]

    found = weir.search_runs(
        [team_tracking], "metrics.loss < 0.5 and params.rows = '10'", output_format="list"
    )
    assert [r.info.run_id for r in found] == [run_id]

    client = weir.WeirClient()
    assert [f.path for f in client.list_artifacts(run_id)] == ["config.json", "model", "notes"]
    assert "model/MLmodel" in [f.path for f in client.list_artifacts(run_id, "model")]
    keys = [o["Key"] for o in s3_client().list_objects_v2(Bucket=s3_bucket)["Contents"]]
    assert f"team/{run_id}/artifacts/model/MLmodel" in keys
    assert all(key.startswith(f"team/{run_id}/artifacts/") for key in keys)

    loaded = weir.pyfunc.load_model(f"runs:/{run_id}/model")
    np.testing.assert_allclose(loaded.predict(features), model.predict(features))
    config = client.download_artifacts(run_id, "config.json", str(tmp_path))
    assert json.loads(Path(config).read_text()) == {"features": ["a", "b"]}

    version = weir.register_model(f"runs:/{run_id}/model", "team-model")
    assert int(version.version) == 1
    registered = weir.pyfunc.load_model("models:/team-model/1")
    np.testing.assert_allclose(registered.predict(features), model.predict(features))
