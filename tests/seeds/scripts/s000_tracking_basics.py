"""Seed 000_ddb88c1a4d57db56.txt, code blocks [23] in order, verbatim except: snippets dedented, `mlflow` imports
mapped to `weir`, http://127.0.0.1:5000/ replaced by the local store "weirruns"."""

# [seed block 23]
import weir as mlflow  # pip install MLflow

with mlflow.start_run():
    mlflow.log_params(
        {"model_name": "DecisionTreeClassifier", "max_depth": 5, "subsample": 0.8}
    )
    mlflow.log_metrics({"accuracy": 0.83, "roc_auc": 0.80})
