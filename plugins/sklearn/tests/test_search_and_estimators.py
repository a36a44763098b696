"""Facts autolog derives from estimators and parameter searches (no logging involved)."""

from __future__ import annotations

import pandas as pd
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from weir_sklearn import _estimators, _search


@pytest.fixture(scope="module")
def search():
    X, y = load_iris(return_X_y=True)
    grid = GridSearchCV(LogisticRegression(max_iter=500), {"C": [0.01, 0.1, 1.0, 10.0]}, cv=3)
    return grid.fit(X, y)


def test_each_fit_method_is_patched_once_on_its_defining_class():
    pairs = _estimators.methods_to_patch()
    assert len(pairs) == len(set(pairs))
    from sklearn.model_selection._search import BaseSearchCV

    assert (LogisticRegression, "fit") in pairs and (Pipeline, "fit") in pairs
    assert (BaseSearchCV, "fit") in pairs and (GridSearchCV, "fit") not in pairs  # inherited
    for owner, name in pairs:
        assert name in vars(owner)


def test_preprocessing_estimators_are_not_autologged():
    assert not _estimators.should_autolog_instance(StandardScaler())
    assert _estimators.should_autolog_instance(LinearRegression())
    assert StandardScaler not in _estimators.estimator_classes()


def test_params_are_deep_and_stringified():
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(C=2.0))])
    params = _estimators.estimator_params(pipe)
    assert params["clf__C"] == "2.0"
    assert params["scale__with_mean"] == "True"
    assert all(isinstance(v, str) for v in params.values())


def test_long_param_values_are_truncated_to_mlflows_limit():
    value = _estimators.stringify_param("x" * 10_000)
    assert len(value) == _estimators.MAX_PARAM_VALUE_LENGTH


def test_search_params_are_shallow(search):
    params = _estimators.estimator_params(search)
    assert "estimator" in params and "param_grid" in params
    assert "estimator__C" not in params


def test_tags_name_the_estimator():
    assert _estimators.estimator_tags(LogisticRegression()) == {
        "estimator_name": "LogisticRegression",
        "estimator_class": "sklearn.linear_model._logistic.LogisticRegression",
    }


def test_fit_inputs_are_found_by_name_positional_or_keyword():
    X, y, w = _estimators.fit_inputs(LinearRegression.fit, ([[1]], [2]), {"sample_weight": [3]})
    assert (X, y, w) == ([[1]], [2], [3])
    X, y, w = _estimators.fit_inputs(LinearRegression.fit, (), {"X": [[1]], "y": [2]})
    assert (X, y, w) == ([[1]], [2], None)


def test_best_params_and_score(search):
    assert _search.best_params(search) == {"best_C": str(search.best_params_["C"])}
    assert _search.best_cv_score(search) == pytest.approx(search.best_score_)


def test_cv_results_csv_has_no_index(tmp_path, search):
    path = tmp_path / _search.CV_RESULTS_FILE
    _search.write_cv_results(search, str(path))
    frame = pd.read_csv(path)
    assert list(frame.columns) == list(search.cv_results_)
    assert len(frame) == 4


def test_child_runs_are_the_best_candidates_first(search):
    children = _search.child_runs(search, max_tuning_runs=2)
    assert [c.rank for c in children] == sorted(c.rank for c in children)
    assert children[0].params["C"] == str(search.best_params_["C"])
    assert children[0].params["max_iter"] == "500"  # the seed estimator's params underneath
    assert set(children[0].metrics) == {
        "mean_fit_time",
        "std_fit_time",
        "mean_score_time",
        "std_score_time",
        "mean_test_score",
        "std_test_score",
        "rank_test_score",
    }


def test_max_tuning_runs_none_means_all(search):
    assert len(_search.child_runs(search, max_tuning_runs=None)) == 4
    assert _search.child_runs(search, max_tuning_runs=0) == []


def test_bad_max_tuning_runs_is_rejected(search):
    with pytest.raises(ValueError, match="max_tuning_runs"):
        _search.child_runs(search, max_tuning_runs=-1)
