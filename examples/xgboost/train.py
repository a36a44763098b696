"""Train XGBoost with weir autologging, then load the logged model back and predict.

    python examples/xgboost/train.py

``weir.autolog()`` records the booster params, train-/validation- metrics at every iteration,
early stopping (best and stopped iteration), feature importance (JSON and a bar plot) and the
model. The runs go to a temporary directory unless MLFLOW_TRACKING_URI / WEIR_TRACKING_URI is set.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np
import weir
import xgboost as xgb
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

if not (os.environ.get("WEIR_TRACKING_URI") or os.environ.get("MLFLOW_TRACKING_URI")):
    weir.set_tracking_uri(f"file://{tempfile.mkdtemp(prefix='weir-xgboost-example-')}/runs")

weir.autolog()

# --- plain XGBoost from here on ---
data = load_breast_cancer(as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(data.data, data.target, test_size=0.25, random_state=42)
dtrain = xgb.DMatrix(X_train, label=y_train)
dtest = xgb.DMatrix(X_test, label=y_test)
params = {"objective": "binary:logistic", "eval_metric": ["logloss", "auc"], "max_depth": 3, "eta": 0.3}

with weir.start_run(run_name="xgboost example") as run:
    booster = xgb.train(
        params,
        dtrain,
        num_boost_round=200,
        evals=[(dtrain, "train"), (dtest, "validation")],
        early_stopping_rounds=10,
        verbose_eval=False,
    )

# --- what was logged ---
client = weir.MlflowClient()
logged = client.get_run(run.info.run_id)
history = client.get_metric_history(run.info.run_id, "validation-logloss")
print("params:", {k: logged.data.params[k] for k in ("objective", "max_depth", "num_boost_round")})
print(
    f"validation-logloss logged at {len(history)} steps; best_iteration = {logged.data.metrics['best_iteration']:.0f}"
)
print("artifacts:", sorted(a.path for a in client.list_artifacts(run.info.run_id)))

model = weir.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
loaded = model.predict(X_test)
np.testing.assert_allclose(loaded, booster.predict(dtest), rtol=1e-6)
np.testing.assert_allclose(model.predict(X_test.to_numpy()), loaded, rtol=1e-6)
print(
    f"reloaded model predicts the same {len(loaded)} probabilities; accuracy {((loaded > 0.5) == y_test).mean():.3f}"
)
