"""Writing and reading the estimator file in each serialization format."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LogisticRegression
from sklearn_support import CUSTOM_TYPE
from weir.exceptions import WeirException
from weir_sklearn import _serialization as ser


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def classifier(iris):
    X, y = iris
    return LogisticRegression(max_iter=500).fit(X, y)


@pytest.mark.parametrize(
    ("fmt", "expected_file"),
    [("cloudpickle", "model.pkl"), ("pickle", "model.pkl"), ("skops", "model.skops")],
)
def test_each_format_round_trips_with_equal_predictions(tmp_path, classifier, iris, fmt, expected_file):
    name, trusted = ser.dump_estimator(classifier, tmp_path, fmt)
    assert name == expected_file
    assert (trusted is None) == (fmt != "skops")
    loaded = ser.load_estimator(tmp_path / name, fmt, trusted)
    np.testing.assert_array_equal(loaded.predict(iris[0]), classifier.predict(iris[0]))


def test_skops_records_the_saved_models_own_types_as_trusted(tmp_path, custom_model):
    name, trusted = ser.dump_estimator(custom_model, tmp_path, "skops")
    assert CUSTOM_TYPE in trusted
    assert ser.load_estimator(tmp_path / name, "skops", trusted).predict([[5]]) == [2.0]


def test_skops_forest_round_trips(tmp_path):
    forest = RandomForestRegressor(n_estimators=3, random_state=0).fit([[0, 1, 0], [1, 0, 1]], [1, 2])
    name, trusted = ser.dump_estimator(forest, tmp_path, "skops")
    loaded = ser.load_estimator(tmp_path / name, "skops", trusted)
    assert loaded.predict([[0, 1, 0]]) == forest.predict([[0, 1, 0]])


def test_skops_refuses_to_load_untrusted_types(tmp_path, custom_model):
    name, _ = ser.dump_estimator(custom_model, tmp_path, "skops")
    with pytest.raises(WeirException, match="not trusted"):
        ser.load_estimator(tmp_path / name, "skops", [])


def test_skops_user_trusted_types_must_cover_the_model(tmp_path, custom_model):
    with pytest.raises(WeirException, match=CUSTOM_TYPE):
        ser.dump_estimator(custom_model, tmp_path, "skops", skops_trusted_types=[])
    assert not (tmp_path / "model.skops").exists()


def test_unknown_format_is_a_clear_error(tmp_path, classifier):
    with pytest.raises(WeirException, match="Unrecognized serialization format: 'joblib'"):
        ser.dump_estimator(classifier, tmp_path, "joblib")


def test_pickle_of_a_locally_defined_class_suggests_cloudpickle(tmp_path):
    from sklearn.base import BaseEstimator

    class Local(BaseEstimator):
        def predict(self, X):
            return X

    with pytest.raises(WeirException, match="cloudpickle"):
        ser.dump_estimator(Local(), tmp_path, "pickle")
    name, _ = ser.dump_estimator(Local(), tmp_path, "cloudpickle")
    assert ser.load_estimator(tmp_path / name, "cloudpickle").predict([1]) == [1]


@pytest.mark.parametrize("relative", ["../outside.pkl", "sub/../../outside.pkl"])
def test_model_file_outside_the_model_dir_is_refused(tmp_path, relative):
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (tmp_path / "outside.pkl").write_bytes(b"x")
    with pytest.raises(WeirException, match="outside the model directory"):
        ser.resolve_model_file(model_dir, relative)


def test_absolute_model_file_is_refused(tmp_path):
    with pytest.raises(WeirException, match="relative path"):
        ser.resolve_model_file(tmp_path, str(tmp_path / "model.pkl"))


def test_missing_model_file_is_reported(tmp_path):
    with pytest.raises(WeirException, match="does not exist"):
        ser.resolve_model_file(tmp_path, "model.pkl")
