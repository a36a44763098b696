"""Train LightGBM with weir autologging, then load the logged model back and predict.

    python examples/lightgbm/train.py

``weir.autolog()`` records the booster params, valid-<metric> at every iteration, early stopping
(best and stopped iteration), split and gain feature importance (JSON and bar plots) and the
model. The runs go to a temporary directory unless MLFLOW_TRACKING_URI / WEIR_TRACKING_URI is set.
"""

from __future__ import annotations

import os
import tempfile

import lightgbm as lgb
import numpy as np
import weir
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

if not (os.environ.get("WEIR_TRACKING_URI") or os.environ.get("MLFLOW_TRACKING_URI")):
    weir.set_tracking_uri(f"file://{tempfile.mkdtemp(prefix='weir-lightgbm-example-')}/runs")

weir.autolog()

# --- plain LightGBM from here on ---
X, y = load_diabetes(return_X_y=True, as_frame=True)
X_train, X_valid, y_train, y_valid = train_test_split(X, y, test_size=0.2, random_state=1)
train_set = lgb.Dataset(X_train, label=y_train)
valid_set = lgb.Dataset(X_valid, label=y_valid, reference=train_set)
params = {
    "objective": "regression",
    "metric": ["l2", "l1"],
    "learning_rate": 0.05,
    "num_leaves": 15,
    "verbose": -1,
}

with weir.start_run(run_name="lightgbm example") as run:
    booster = lgb.train(
        params,
        train_set,
        num_boost_round=500,
        valid_sets=[valid_set],
        valid_names=["valid"],
        callbacks=[lgb.early_stopping(20, verbose=False)],
    )

# --- what was logged ---
client = weir.MlflowClient()
logged = client.get_run(run.info.run_id)
steps = client.get_metric_history(run.info.run_id, "valid-l2")
print("params:", {k: logged.data.params[k] for k in ("objective", "learning_rate", "num_leaves")})
print(
    f"valid-l2 logged at {len(steps)} steps; best_iteration = {logged.data.metrics['best_iteration']:.0f}, "
    f"stopped_iteration = {logged.data.metrics['stopped_iteration']:.0f}"
)
print("artifacts:", sorted(a.path for a in client.list_artifacts(run.info.run_id)))

model = weir.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
predictions = model.predict(X_valid)
np.testing.assert_allclose(predictions, booster.predict(X_valid))
np.testing.assert_allclose(model.predict(X_valid.to_numpy()), predictions)
print(
    f"reloaded model predicts the same {len(predictions)} values; RMSE {np.sqrt(((predictions - y_valid) ** 2).mean()):.1f}"
)
