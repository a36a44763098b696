"""``from weir.client import MlflowClient`` (MLflow's ``mlflow.client`` module)."""

from weir.tracking.client import MLflowClient, MlflowClient, WeirClient

__all__ = ["MLflowClient", "MlflowClient", "WeirClient"]
