import pytest

_ENV_VARS = (
    "WEIR_EXPERIMENT_NAME",
    "MLFLOW_EXPERIMENT_NAME",
    "WEIR_EXPERIMENT_ID",
    "MLFLOW_EXPERIMENT_ID",
    "WEIR_RUN_ID",
    "MLFLOW_RUN_ID",
    "WEIR_ASYNC_LOGGING",
    "WEIR_SOURCE_TYPE",
    "MLFLOW_SOURCE_TYPE",
)


@pytest.fixture(autouse=True)
def _clean_tracking_env(monkeypatch):
    for name in _ENV_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def store(weir_store):
    """A fresh store (set as the tracking URI) and the weir module."""
    import weir

    return weir
