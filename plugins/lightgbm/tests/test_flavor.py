"""The lightgbm flavor: native Booster files, serialized estimators, MLflow's keys, pyfunc predict."""

from __future__ import annotations

import lightgbm
import numpy as np
import pytest
import weir
import yaml
from weir.exceptions import WeirException


def _flavors(model_dir) -> dict:
    return yaml.safe_load((model_dir / "MLmodel").read_text())["flavors"]


def test_booster_saves_as_model_lgb_and_predicts_the_same(tmp_path, lgb_booster, regression_data):
    features, _ = regression_data
    weir.lightgbm.save_model(lgb_booster, tmp_path / "booster")
    flavors = _flavors(tmp_path / "booster")
    assert flavors["lightgbm"]["data"] == "model.lgb"
    assert flavors["lightgbm"]["model_class"] == "lightgbm.basic.Booster"
    assert flavors["lightgbm"]["lgb_version"] == lightgbm.__version__
    assert flavors["python_function"]["loader_module"] == "mlflow.lightgbm"
    assert flavors["python_function"]["data"] == "model.lgb"

    expected = lgb_booster.predict(features)
    restored = weir.lightgbm.load_model(str(tmp_path / "booster"))
    assert isinstance(restored, lightgbm.Booster)
    np.testing.assert_allclose(restored.predict(features), expected)
    pyfunc = weir.pyfunc.load_model(str(tmp_path / "booster"))
    np.testing.assert_allclose(pyfunc.predict(features), expected)
    np.testing.assert_allclose(pyfunc.predict(features.to_numpy()), expected)


@pytest.mark.parametrize(
    ("fmt", "file"), [("cloudpickle", "model.pkl"), ("pickle", "model.pkl"), ("skops", "model.skops")]
)
def test_sklearn_api_model_round_trips_in_each_format(tmp_path, lgb_classifier, regression_data, fmt, file):
    features, _ = regression_data
    weir.lightgbm.save_model(
        lgb_classifier, tmp_path / fmt, serialization_format=fmt, input_example=features[:2]
    )
    conf = _flavors(tmp_path / fmt)["lightgbm"]
    assert conf["data"] == file and conf["serialization_format"] == fmt
    assert conf["model_class"] == "lightgbm.sklearn.LGBMClassifier"
    assert (conf["skops_trusted_types"] is None) == (fmt != "skops")
    restored = weir.lightgbm.load_model(str(tmp_path / fmt))
    assert type(restored) is lightgbm.LGBMClassifier
    np.testing.assert_array_equal(restored.predict(features), lgb_classifier.predict(features))
    pyfunc = weir.pyfunc.load_model(str(tmp_path / fmt))
    np.testing.assert_array_equal(np.asarray(pyfunc.predict(features)), lgb_classifier.predict(features))
    assert pyfunc.metadata.signature is not None


def test_logged_model_resolves_through_runs_uri(weir_store, lgb_booster, regression_data):
    features, _ = regression_data
    with weir.start_run() as run:
        info = weir.lightgbm.log_model(lgb_booster, name="gbm")
    loaded = weir.pyfunc.load_model(f"runs:/{run.info.run_id}/gbm")
    assert info.model_uri.endswith("/gbm")
    np.testing.assert_allclose(loaded.predict(features.to_numpy()), lgb_booster.predict(features))


def test_invalid_requests_fail_with_a_clear_message(tmp_path, lgb_booster, lgb_classifier):
    with pytest.raises(WeirException, match="Unrecognized serialization format: 'joblib'"):
        weir.lightgbm.save_model(lgb_classifier, tmp_path / "x", serialization_format="joblib")
    with pytest.raises(WeirException, match="got dict"):
        weir.lightgbm.save_model({"not": "a model"}, tmp_path / "y")
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.md").write_text("keep me")
    with pytest.raises(WeirException, match="not empty"):
        weir.lightgbm.save_model(lgb_booster, occupied)
    assert (occupied / "notes.md").read_text() == "keep me"


def test_skops_model_refuses_types_nobody_trusted(tmp_path, lgb_classifier):
    weir.lightgbm.save_model(lgb_classifier, tmp_path / "m", serialization_format="skops")
    with pytest.raises(WeirException, match="not trusted"):
        weir.lightgbm.load_model(str(tmp_path / "m"), skops_trusted_types=[])
