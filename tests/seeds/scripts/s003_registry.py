"""Seed 003_a1b944663d732107.txt, code blocks [0, 13, 14, 15, 16] in order, verbatim except: snippets dedented, `mlflow` imports
mapped to `weir`, http://127.0.0.1:5000/ replaced by the local store "weirruns"."""

# --- harness prelude (not in the seed): names the tutorial uses without importing them ---
from pprint import pprint

from weir import MlflowClient
# --- end of prelude ---

# [seed block 0]
import weir as mlflow

# [seed block 13]
import weir.sklearn
import weir.pyfunc
from sklearn.ensemble import RandomForestRegressor

mlflow.set_tracking_uri("weirruns")

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

# [seed block 14]
# The previously stated Model URI and name are needed to register a MLflow Model
mv = mlflow.register_model(model_uri, model_name)
print("Name: {}".format(mv.name))
print("Version: {}".format(mv.version))
print("Stage: {}".format(mv.current_stage))

# [seed block 15]
import weir.pyfunc

# Load model for prediction. Keep note that we now specified the model version.
model = mlflow.pyfunc.load_model(
    model_uri=f"models:/{model_name}/{mv.version}"
)

# Predict based on the loaded model
data = [[0, 1, 0]]
model_pred = model.predict(data)
print(f"model_pred: {model_pred}")

# [seed block 16]
# Transition the model to another stage
from weir.client import MLflowClient 

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
