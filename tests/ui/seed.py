"""A store seeded like the seed tutorials' runs, for the UI tests and the screenshot script.

Everything is written through weir's client into a local store folder, before a server opens it.
"""

from __future__ import annotations

import json
import math
import struct
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from weir.entities import Metric, Param, RunTag

MODEL_NAME = "ElasticnetWineModel"
BIG_METRIC_POINTS = 1_000_000
SWEEP_RUNS = 60


@dataclass
class Seeded:
    """Ids the tests navigate to."""

    tutorial_experiment: str = ""
    sweep_experiment: str = ""
    long_experiment: str = ""
    parent_run: str = ""
    child_runs: list[str] = field(default_factory=list)
    artifact_run: str = ""
    long_run: str = ""
    model_name: str = MODEL_NAME


def png_bytes(width: int = 64, height: int = 48) -> bytes:
    """A real RGB PNG (a color gradient), written without any imaging library."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, 160)) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


MLMODEL = """artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: weir_sklearn
    model_path: model.pkl
    predict_fn: predict
    python_version: 3.11.9
  sklearn:
    code: null
    pickled_model: model.pkl
    serialization_format: cloudpickle
    sklearn_version: 1.9.1
model_size_bytes: 1234
utc_time_created: '2025-01-01 12:00:00.000000'
"""


def _history(key: str, steps: int, start: float, decay: float, noise: float, t0: int) -> list[Metric]:
    return [
        Metric(key, start * math.exp(-decay * step) + noise * math.sin(step * 1.7), t0 + step * 1000, step)
        for step in range(steps)
    ]


def _write_artifacts(folder: Path) -> None:
    (folder / "model").mkdir(parents=True)
    (folder / "plots").mkdir()
    (folder / "plots" / "residuals.png").write_bytes(png_bytes())
    (folder / "notes.txt").write_text(
        "Trained on the wine-quality data set.\nalpha and l1_ratio were tuned.\n"
    )
    (folder / "predictions.csv").write_text(
        'id,quality,predicted,comment\n1,5,5.21,ok\n2,6,5.87,"close, but low"\n3,7,6.42,"said ""good"""\n'
    )
    (folder / "metrics.json").write_text(
        json.dumps({"rmse": 0.71, "r2": 0.32, "features": ["alcohol", "pH"]})
    )
    (folder / "model" / "MLmodel").write_text(MLMODEL)
    (folder / "model" / "requirements.txt").write_text("weir\nscikit-learn==1.9.1\n")
    (folder / "model" / "conda.yaml").write_text(
        "name: weir-env\ndependencies:\n  - python=3.11.9\n  - pip\n"
    )


def seed_store(store: Path, work: Path, *, big_metric_points: int = BIG_METRIC_POINTS) -> Seeded:
    """Fill the store folder ``store`` (``work`` is scratch space for artifact files)."""
    from weir.tracking.client import WeirClient

    client = WeirClient(tracking_uri=str(store))
    seeded = Seeded()
    now = int(time.time() * 1000) - 3_600_000

    # 1. The tutorial experiment: a tuning parent with nested children, like the sklearn tutorial.
    exp = client.create_experiment(
        "wine-quality", tags={"mlflow.note.content": "ElasticNet on the wine data."}
    )
    seeded.tutorial_experiment = exp
    parent = client.create_run(exp, run_name="tuning", start_time=now, tags={"mlflow.user": "alice"})
    seeded.parent_run = parent.info.run_id
    client.log_batch(parent.info.run_id, params=[Param("search", "grid")], tags=[RunTag("team", "ml")])
    for i, (alpha, l1) in enumerate([(0.1, 0.1), (0.5, 0.5), (0.9, 0.2)]):
        child = client.create_run(
            exp,
            run_name=f"alpha-{alpha}",
            start_time=now + 1000 * (i + 1),
            tags={
                "mlflow.parentRunId": parent.info.run_id,
                "mlflow.user": "alice",
                "mlflow.source.name": "train.py",
            },
        )
        run_id = child.info.run_id
        seeded.child_runs.append(run_id)
        params = [
            Param("alpha", str(alpha)),
            Param("l1_ratio", str(l1)),
            Param("solver", "cd" if i < 2 else "saga"),
        ]
        metrics = (
            _history("rmse", 50, 1.2 - 0.1 * i, 0.05 + 0.01 * i, 0.01, now)
            + _history("r2", 50, 0.9, 0.04, 0.005, now)
            + [Metric("mae", 0.5 + 0.05 * i, now, 0)]
        )
        client.log_batch(run_id, metrics=metrics, params=params, tags=[RunTag("stage", "tuning")])
        client.set_terminated(run_id, end_time=now + 1000 * (i + 1) + 42_000 + 5000 * i)
    client.set_terminated(parent.info.run_id, end_time=now + 60_000)

    artifact_run = seeded.child_runs[0]
    seeded.artifact_run = artifact_run
    client.set_tag(
        artifact_run, "mlflow.note.content", "Best run so far.\n<script>alert('x')</script> stays text."
    )
    files = work / "artifacts"
    _write_artifacts(files)
    client.log_artifacts(artifact_run, str(files))

    # 2. A sweep with enough runs to page through.
    sweep = client.create_experiment("lr-sweep")
    seeded.sweep_experiment = sweep
    for i in range(SWEEP_RUNS):
        run = client.create_run(sweep, run_name=f"sweep-{i:03d}", start_time=now + i * 1000)
        client.log_batch(
            run.info.run_id,
            metrics=[
                Metric("loss", round(1.0 / (i + 1), 6), now, 0),
                Metric("accuracy", round(0.5 + i / 200, 4), now, 0),
            ],
            params=[
                Param("lr", str(round(0.001 * (i + 1), 4))),
                Param("optimizer", "adam" if i % 2 else "sgd"),
            ],
        )
        client.set_terminated(run.info.run_id, end_time=now + i * 1000 + 30_000)

    # 3. One run with a very long metric history.
    long_exp = client.create_experiment("long-training")
    seeded.long_experiment = long_exp
    long_run = client.create_run(long_exp, run_name="million-steps", start_time=now)
    seeded.long_run = long_run.info.run_id
    _log_long_metric(client, long_run.info.run_id, "loss", big_metric_points, now)
    client.set_terminated(long_run.info.run_id, end_time=now + big_metric_points)

    # 4. A registered model with versions from the child runs.
    client.create_registered_model(MODEL_NAME, description="ElasticNet regressor for wine quality.")
    for run_id in seeded.child_runs:
        client.create_model_version(
            MODEL_NAME,
            f"runs:/{run_id}/model",
            run_id=run_id,
            run_link=f"#/experiments/{exp}/runs/{run_id}",
        )
    client.transition_model_version_stage(MODEL_NAME, "1", "Staging")
    client.set_registered_model_alias(MODEL_NAME, "champion", "1")
    client.store.close()
    return seeded


def _log_long_metric(client, run_id: str, key: str, points: int, t0: int) -> None:
    store = client.store
    batch = 1000
    for start in range(0, points, batch):
        stop = min(points, start + batch)
        store.log_batch(
            run_id,
            metrics=[
                Metric(key, 1.0 / (1 + s * 1e-4) + 0.02 * math.sin(s / 500.0), t0 + s, s)
                for s in range(start, stop)
            ],
        )
