"""weir reads MLflow's LightGBM models (including model.skops) and MLflow reads weir's."""

from __future__ import annotations

import lightgbm
import numpy as np
import pytest
import weir

mlflow = pytest.importorskip("mlflow")
pytestmark = [pytest.mark.mlflow, pytest.mark.filterwarnings("ignore::UserWarning")]


def test_mlflow_booster_is_read_by_weir(tmp_path, lgb_booster, regression_data):
    features, _ = regression_data
    mlflow.lightgbm.save_model(lgb_booster, str(tmp_path / "b"), pip_requirements=["lightgbm"])
    assert isinstance(weir.lightgbm.load_model(str(tmp_path / "b")), lightgbm.Booster)
    got = weir.pyfunc.load_model(str(tmp_path / "b")).predict(features.to_numpy())
    np.testing.assert_allclose(got, lgb_booster.predict(features))


@pytest.mark.parametrize("fmt", ["skops", "cloudpickle"])
def test_mlflow_sklearn_api_model_is_read_by_weir(tmp_path, lgb_classifier, regression_data, fmt):
    features, _ = regression_data
    mlflow.lightgbm.save_model(
        lgb_classifier, str(tmp_path / fmt), serialization_format=fmt, pip_requirements=["lightgbm"]
    )
    if fmt == "skops":
        assert (tmp_path / fmt / "model.skops").is_file()
    restored = weir.lightgbm.load_model(str(tmp_path / fmt))
    np.testing.assert_array_equal(restored.predict(features), lgb_classifier.predict(features))
    pyfunc = weir.pyfunc.load_model(str(tmp_path / fmt))
    np.testing.assert_array_equal(np.asarray(pyfunc.predict(features)), lgb_classifier.predict(features))


@pytest.mark.parametrize("fmt", ["cloudpickle", "skops"])
def test_weir_models_are_read_by_mlflow(tmp_path, lgb_booster, lgb_classifier, regression_data, fmt):
    features, _ = regression_data
    weir.lightgbm.save_model(lgb_booster, tmp_path / "booster")
    weir.lightgbm.save_model(lgb_classifier, tmp_path / "clf", serialization_format=fmt)
    np.testing.assert_allclose(
        mlflow.pyfunc.load_model(str(tmp_path / "booster")).predict(features), lgb_booster.predict(features)
    )
    assert type(mlflow.lightgbm.load_model(str(tmp_path / "clf"))) is lightgbm.LGBMClassifier
    np.testing.assert_array_equal(
        mlflow.pyfunc.load_model(str(tmp_path / "clf")).predict(features), lgb_classifier.predict(features)
    )
