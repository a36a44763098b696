"""A model's life in the registry: register, promote through stages, alias, load, look back.

    python examples/registry/lifecycle.py [TRACKING_URI]

Uses a fresh temporary store unless a tracking URI is given. Needs the weir-sklearn plugin.
Steps:
1. train two versions of a model and register each (``log_model(registered_model_name=...)`` and
   ``weir.register_model``), keeping their lineage (source, run id, run link);
2. move version 1 to Staging then Production, then replace it in Production by version 2 with
   ``archive_existing_versions=True``;
3. point the ``champion`` alias at version 2;
4. load by stage, alias, version and ``latest`` with ``weir.pyfunc`` and ``weir.sklearn``;
5. read the stage history and ask which version was in Production at a given moment.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import weir as mlflow
from sklearn.linear_model import LinearRegression
from weir.client import MlflowClient

MODEL_NAME = "house-prices"
X = [[50.0], [80.0], [120.0]]


def train(price_per_m2: float) -> LinearRegression:
    return LinearRegression().fit(X, [price_per_m2 * x[0] for x in X])


def main(tracking_uri: str) -> None:
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_experiment("registry-example")
    client = MlflowClient()

    # 1. Register: straight from log_model, or later from the run's model URI.
    with mlflow.start_run(run_name="v1"):
        mlflow.log_param("price_per_m2", 3000)
        mlflow.sklearn.log_model(train(3000), name="model", registered_model_name=MODEL_NAME)
    with mlflow.start_run(run_name="v2") as run:
        mlflow.log_param("price_per_m2", 3200)
        mlflow.sklearn.log_model(train(3200), name="model")
    v2 = mlflow.register_model(f"runs:/{run.info.run_id}/model", MODEL_NAME, tags={"data": "2024-q2"})
    client.update_registered_model(MODEL_NAME, description="Predicts a flat's price from its surface.")
    print(f"registered {v2.name} version {v2.version}")
    print(f"  source:   {v2.source}")
    print(f"  run id:   {v2.run_id}")
    print(f"  run link: {v2.run_link}")

    # 2. Promote through stages (names are case-insensitive); the history keeps every move.
    client.transition_model_version_stage(MODEL_NAME, 1, "staging")
    client.transition_model_version_stage(MODEL_NAME, 1, "Production")
    time.sleep(0.01)
    while_v1_in_production = int(time.time() * 1000)
    time.sleep(0.01)
    client.transition_model_version_stage(MODEL_NAME, 2, "Production", archive_existing_versions=True)
    for version in client.search_model_versions(f"name = '{MODEL_NAME}'", order_by=["version ASC"]):
        print(f"version {version.version}: {version.current_stage}")

    # 3. Aliases name a version independently of stages.
    client.set_registered_model_alias(MODEL_NAME, "champion", 2)
    client.set_registered_model_alias(MODEL_NAME, "challenger", 1)

    # 4. Load by stage, alias, version or latest.
    surface = [[100.0]]
    for uri in (
        f"models:/{MODEL_NAME}/Production",
        f"models:/{MODEL_NAME}@champion",
        f"models:/{MODEL_NAME}@challenger",
        f"models:/{MODEL_NAME}/1",
        f"models:/{MODEL_NAME}/latest",
    ):
        price = mlflow.pyfunc.load_model(uri).predict(surface)[0]
        print(f"{uri:<36} -> {price:,.0f}")
    native = mlflow.sklearn.load_model(f"models:/{MODEL_NAME}/Production")
    print(f"native sklearn model in Production: {type(native).__name__}, coef {native.coef_[0]:.0f}")

    # 5. Look back: every stage move, and what was in Production at a past moment.
    for move in client.get_model_version_stage_history(MODEL_NAME):
        print(f"version {move.version}: {move.from_stage} -> {move.to_stage} by {move.user_id}")
    then = client.get_model_version_in_stage_at(MODEL_NAME, "Production", while_v1_in_production)
    now = client.get_model_version_in_stage_at(MODEL_NAME, "Production", int(time.time() * 1000))
    print(f"in Production back then: version {then}; now: version {now}")


if __name__ == "__main__":
    uri = sys.argv[1] if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="weir-registry-")).as_uri()
    main(uri)
