"""The xgboost flavor: MLflow's MLmodel keys, XGBoost's own file formats, pyfunc on pandas and numpy."""

from __future__ import annotations

import numpy as np
import pytest
import weir
import xgboost
import yaml
from weir.exceptions import WeirException


def _mlmodel(path) -> dict:
    with open(path / "MLmodel") as f:
        return yaml.safe_load(f)


@pytest.mark.parametrize("model_format", ["ubj", "json"])
def test_booster_round_trip_native_and_pyfunc(tmp_path, booster, frame, model_format):
    X, _ = frame
    weir.xgboost.save_model(booster, tmp_path / "m", model_format=model_format)
    expected = booster.predict(xgboost.DMatrix(X))

    native = weir.xgboost.load_model(str(tmp_path / "m"))
    assert isinstance(native, xgboost.Booster)
    np.testing.assert_allclose(native.predict(xgboost.DMatrix(X)), expected, rtol=1e-6)
    pyfunc = weir.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(pyfunc.predict(X), expected, rtol=1e-6)
    np.testing.assert_allclose(pyfunc.predict(X.to_numpy()), expected, rtol=1e-6)


def test_mlmodel_has_mlflows_xgboost_keys(tmp_path, booster):
    weir.xgboost.save_model(booster, tmp_path / "m")
    mlmodel = _mlmodel(tmp_path / "m")
    flavor = mlmodel["flavors"]["xgboost"]
    assert flavor == {
        "code": None,
        "data": "model.ubj",
        "model_class": "xgboost.core.Booster",
        "model_format": "ubj",
        "xgb_version": xgboost.__version__,
    }
    pyfunc = mlmodel["flavors"]["python_function"]
    assert pyfunc["loader_module"] == "mlflow.xgboost" and pyfunc["data"] == "model.ubj"
    assert (tmp_path / "m" / "model.ubj").is_file()
    assert any(
        line.startswith("xgboost") for line in (tmp_path / "m" / "requirements.txt").read_text().split()
    )


def test_sklearn_api_model_comes_back_as_its_class(tmp_path, classifier, frame):
    X, _ = frame
    weir.xgboost.save_model(classifier, tmp_path / "m", input_example=X[:3])
    loaded = weir.xgboost.load_model(str(tmp_path / "m"))
    assert type(loaded) is xgboost.XGBClassifier
    np.testing.assert_array_equal(loaded.predict(X), classifier.predict(X))
    pyfunc = weir.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_array_equal(np.asarray(pyfunc.predict(X)), classifier.predict(X))
    np.testing.assert_array_equal(np.asarray(pyfunc.predict(X.to_numpy())), classifier.predict(X))
    mlmodel = _mlmodel(tmp_path / "m")
    assert mlmodel["flavors"]["xgboost"]["model_class"] == "xgboost.sklearn.XGBClassifier"
    assert '"name": "a"' in mlmodel["signature"]["inputs"]  # inferred from the input example


def test_pyfunc_passes_params_to_predict(tmp_path, booster, frame):
    X, _ = frame
    weir.xgboost.save_model(booster, tmp_path / "m")
    pyfunc = weir.pyfunc.load_model(str(tmp_path / "m"))
    margins = pyfunc.predict(X, params={"output_margin": True})
    np.testing.assert_allclose(margins, booster.predict(xgboost.DMatrix(X), output_margin=True), rtol=1e-6)


def test_log_model_to_a_run_and_load_by_runs_uri(weir_store, booster, frame):
    X, _ = frame
    with weir.start_run() as run:
        info = weir.xgboost.log_model(booster, name="xgb")
    assert info.model_uri == f"runs:/{run.info.run_id}/xgb"
    loaded = weir.pyfunc.load_model(info.model_uri)
    np.testing.assert_allclose(loaded.predict(X), booster.predict(xgboost.DMatrix(X)), rtol=1e-6)


def test_bad_input_is_refused_clearly(tmp_path, booster):
    with pytest.raises(WeirException, match="model_format 'pkl'"):
        weir.xgboost.save_model(booster, tmp_path / "a", model_format="pkl")
    with pytest.raises(WeirException, match="got list"):
        weir.xgboost.save_model([1, 2], tmp_path / "b")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "keep.txt").write_text("user data")
    with pytest.raises(WeirException, match="already exists"):
        weir.xgboost.save_model(booster, tmp_path / "c")
    assert (tmp_path / "c" / "keep.txt").read_text() == "user data"  # nothing stored is lost


def test_mlmodel_naming_a_foreign_class_is_refused(tmp_path, booster):
    weir.xgboost.save_model(booster, tmp_path / "m")
    path = tmp_path / "m" / "MLmodel"
    path.write_text(path.read_text().replace("xgboost.core.Booster", "subprocess.Popen"))
    with pytest.raises(WeirException, match="not an XGBoost model class"):
        weir.xgboost.load_model(str(tmp_path / "m"))
