"""The registry part of the seed tutorial (003, MLflow Model Registry section), run as written with
``import weir as mlflow``; then a promotion to Production as MLflow's registry docs do it."""

from __future__ import annotations

import pytest

# Seed 003, blocks 13-16, verbatim except: the tracking server URI is the local store "weirruns"
# and `import mlflow.X` / `from mlflow.X` read weir.X (the script runs with `import weir as mlflow`).
SEED_REGISTRY = """
import mlflow.sklearn
import mlflow.pyfunc
from sklearn.ensemble import RandomForestRegressor

mlflow.set_tracking_uri("http://127.0.0.1:5000/")

run_name = "registry-example-run"
params = {"n_estimators": 4,
          "random_state": 42}

run_name = 'model registry example'
with mlflow.start_run(run_name=run_name) as run:
    rfr = RandomForestRegressor(**params).fit([[0, 1, 0]], [1])
    mlflow.log_params(params)
    # Log and store the model and the MLflow Model Registry
    mlflow.sklearn.log_model(rfr, artifact_path="sklearn-model")

model_uri = f"runs:/{run.info.run_id}/sklearn-model"
model_name = f"RandomForestRegressionModel"

model = mlflow.pyfunc.load_model(model_uri=model_uri)
data = [[0, 1, 0]]
model_pred = model.predict(data)
print(f"model_pred: {model_pred}")

# The previously stated Model URI and name are needed to register a MLflow Model
mv = mlflow.register_model(model_uri, model_name)
print("Name: {}".format(mv.name))
print("Version: {}".format(mv.version))
print("Stage: {}".format(mv.current_stage))

import mlflow.pyfunc

# Load model for prediction. Keep note that we now specified the model version.
model = mlflow.pyfunc.load_model(
    model_uri=f"models:/{model_name}/{mv.version}"
)

# Predict based on the loaded model
data = [[0, 1, 0]]
model_pred = model.predict(data)
print(f"model_pred: {model_pred}")

# Transition the model to another stage
from mlflow.client import MLflowClient

client = MlflowClient()

stage = 'Staging'  # None, Production

client.transition_model_version_stage(
    name=model_name,
    version=mv.version,
    stage=stage
)

# print registered models
for rm in client.search_registered_models():
    pprint(dict(rm), indent=4)
"""

# Not in the seed: the next step of every registry tutorial (a second version, promoted to Production).
PROMOTE = """
with mlflow.start_run() as run:
    rfr = RandomForestRegressor(**params).fit([[0, 1, 0]], [2])
    mlflow.sklearn.log_model(rfr, artifact_path="sklearn-model")
mv2 = mlflow.register_model(f"runs:/{run.info.run_id}/sklearn-model", model_name)
client.transition_model_version_stage(name=model_name, version=mv.version, stage="Production")
client.transition_model_version_stage(
    name=model_name, version=mv2.version, stage="Production", archive_existing_versions=True
)
model = mlflow.sklearn.load_model(f"models:/{model_name}/Production")
print(f"production_pred: {model.predict([[0, 1, 0]])}")
"""


def as_weir(code: str) -> str:
    code = code.replace('"http://127.0.0.1:5000/"', '"weirruns"')
    return code.replace("import mlflow.", "import weir.").replace("from mlflow.", "from weir.")


def run_tutorial(code: str, namespace: dict) -> None:
    exec(compile(as_weir(code), "<seed 003>", "exec"), namespace)


@pytest.fixture
def tutorial(store_uri, tmp_path, monkeypatch):
    """A namespace like the tutorial's notebook: `import weir as mlflow`, pprint, and MlflowClient
    (the seed imports MLflowClient but calls MlflowClient); cwd is a fresh folder for ./weirruns."""
    pytest.importorskip("weir_sklearn", reason="the weir-sklearn plugin is not installed")
    pytest.importorskip("sklearn")
    from pprint import pprint

    import weir
    from weir.client import MlflowClient

    monkeypatch.chdir(tmp_path)
    return {"mlflow": weir, "pprint": pprint, "MlflowClient": MlflowClient}


def test_weir_client_module_has_both_client_spellings():
    import weir.client

    assert weir.client.MLflowClient is weir.client.MlflowClient is weir.WeirClient


def test_seed_registry_snippet_runs_end_to_end(tutorial, tmp_path, capsys):
    from weir.tracking.client import WeirClient

    run_tutorial(SEED_REGISTRY, tutorial)

    out = capsys.readouterr().out
    assert out.count("model_pred: [1.]") == 2  # by runs:/ and by models:/name/1
    assert "Name: RandomForestRegressionModel\nVersion: 1\nStage: None\n" in out
    assert "'name': 'RandomForestRegressionModel'" in out
    assert "current_stage='Staging'" in out  # latest_versions printed by pprint(dict(rm))

    client = WeirClient(tracking_uri=(tmp_path / "weirruns").as_uri())
    version = client.get_model_version("RandomForestRegressionModel", 1)
    assert version.current_stage == "Staging"
    assert version.run_id == tutorial["run"].info.run_id
    assert version.source == client.get_artifact_uri(version.run_id, "sklearn-model")


def test_seed_registry_then_promotion_to_production(tutorial, tmp_path, capsys):
    from weir.tracking.client import WeirClient

    run_tutorial(SEED_REGISTRY, tutorial)
    run_tutorial(PROMOTE, tutorial)

    assert "production_pred: [2.]" in capsys.readouterr().out
    client = WeirClient(tracking_uri=(tmp_path / "weirruns").as_uri())
    stages = {
        v.version: v.current_stage
        for v in client.search_model_versions("name = 'RandomForestRegressionModel'")
    }
    assert stages == {"1": "Archived", "2": "Production"}
    history = client.get_model_version_stage_history("RandomForestRegressionModel", 1)
    assert [h.to_stage for h in history] == ["Staging", "Production", "Archived"]
