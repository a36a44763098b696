"""Fixtures for registry tests: a fresh store as tracking and registry URI, and logged models."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest


@pytest.fixture
def store_uri(weir_store) -> Iterator[str]:
    """A fresh store that is both the tracking and the registry URI (no registry URI left over)."""
    import weir

    weir.set_registry_uri(None)
    try:
        yield weir_store
    finally:
        weir.set_registry_uri(None)


@pytest.fixture
def client(store_uri):
    from weir.tracking.client import WeirClient

    return WeirClient()


@pytest.fixture
def log_model_dir(client, tmp_path) -> Callable[..., str]:
    """``log_model_dir(path="model")`` -> run id of a new run holding a minimal model folder (an MLmodel file)."""
    import weir

    def log(path: str = "model") -> str:
        folder = tmp_path / f"model-src-{len(os.listdir(tmp_path))}"
        folder.mkdir()
        (folder / "MLmodel").write_text("flavors: {}\n")
        (folder / "data.txt").write_text("weights")
        with weir.start_run() as run:
            client.log_artifacts(run.info.run_id, str(folder), path)
        return run.info.run_id

    return log


@pytest.fixture
def sklearn_run(store_uri) -> Callable[[float], str]:
    """``sklearn_run(slope)`` -> run id of a run that logged ``y = slope * x`` under ``model`` (real sklearn)."""
    pytest.importorskip("weir_sklearn", reason="the weir-sklearn plugin is not installed")
    pytest.importorskip("sklearn")
    import weir
    from sklearn.linear_model import LinearRegression

    def log(slope: float) -> str:
        model = LinearRegression().fit([[0.0], [1.0], [2.0]], [0.0, slope, 2 * slope])
        with weir.start_run() as run:
            weir.sklearn.log_model(model, artifact_path="model")
        return run.info.run_id

    return log
