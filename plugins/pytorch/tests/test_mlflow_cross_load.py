"""Models move between weir and MLflow in both directions (mlflow is a test-only dependency)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import weir

mlflow = pytest.importorskip("mlflow")
pytest.importorskip("mlflow.pytorch")
pytestmark = [
    pytest.mark.mlflow,
    pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning"),
]


@pytest.fixture(autouse=True)
def allow_pickle(monkeypatch):
    # MLflow 3.17 refuses pickled PyTorch models unless told the source is trusted
    monkeypatch.setenv("MLFLOW_ALLOW_PICKLE_DESERIALIZATION", "true")


def test_weir_saved_model_loads_in_mlflow(tmp_path, regressor, features, expected):
    weir.pytorch.save_model(regressor, tmp_path / "m")
    native = mlflow.pytorch.load_model(str(tmp_path / "m"))
    with torch.no_grad():
        np.testing.assert_allclose(native(torch.from_numpy(features)).numpy(), expected, rtol=1e-6)
    pyfunc = mlflow.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(np.asarray(pyfunc.predict(features)), expected, rtol=1e-6)


def test_weir_saved_torchscript_loads_in_mlflow(tmp_path, regressor, features, expected):
    weir.pytorch.save_model(torch.jit.script(regressor.eval()), tmp_path / "m")
    np.testing.assert_allclose(
        np.asarray(mlflow.pyfunc.load_model(str(tmp_path / "m")).predict(features)), expected, rtol=1e-6
    )


@pytest.mark.parametrize("scripted", [False, True])
def test_mlflow_pickled_model_loads_in_weir(tmp_path, regressor, features, expected, scripted):
    import pandas as pd

    model = torch.jit.script(regressor.eval()) if scripted else regressor
    mlflow.pytorch.save_model(
        model, str(tmp_path / "m"), serialization_format="pickle", pip_requirements=["torch"]
    )
    native = weir.pytorch.load_model(str(tmp_path / "m"))
    with torch.no_grad():
        np.testing.assert_allclose(native(torch.from_numpy(features)).numpy(), expected, rtol=1e-6)
    pyfunc = weir.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(pyfunc.predict(features), expected, rtol=1e-6)
    np.testing.assert_allclose(pyfunc.predict(pd.DataFrame(features)), expected, rtol=1e-6)


def test_mlflow_exported_pt2_model_loads_in_weir(tmp_path, regressor, features, expected):
    from mlflow.models import ModelSignature
    from mlflow.types import Schema, TensorSpec

    # pt2 needs an example to trace and a tensor signature, given explicitly (inferring it needs scipy)
    signature = ModelSignature(
        inputs=Schema([TensorSpec(np.dtype("float32"), (-1, features.shape[1]))]),
        outputs=Schema([TensorSpec(np.dtype("float32"), (-1, 1))]),
    )
    mlflow.pytorch.save_model(
        regressor.eval(),
        str(tmp_path / "m"),
        serialization_format="pt2",
        signature=signature,
        input_example=features[:2],
        pip_requirements=["torch"],
    )
    assert (tmp_path / "m" / "data" / "model.pt2").is_file()
    native = weir.pytorch.load_model(str(tmp_path / "m"))
    with torch.no_grad():
        np.testing.assert_allclose(native(torch.from_numpy(features)).numpy(), expected, rtol=1e-5)
    np.testing.assert_allclose(
        weir.pyfunc.load_model(str(tmp_path / "m")).predict(features), expected, rtol=1e-5
    )


def test_weir_logged_model_loads_in_mlflow_from_the_run(
    weir_store, weir_client, regressor, features, expected
):
    with weir.start_run() as run:
        weir.pytorch.log_model(regressor, name="model", input_example=features[:2])
    local = weir_client.download_artifacts(run.info.run_id, "model")
    np.testing.assert_allclose(
        np.asarray(mlflow.pyfunc.load_model(local).predict(features)), expected, rtol=1e-6
    )
