"""Training metrics and plots computed from a fitted estimator (no logging involved)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.svm import LinearSVC
from weir_sklearn._metrics import is_loggable_metric_value, training_metrics
from weir_sklearn._plots import classifier_plots

CLASSIFIER_KEYS = {
    "training_accuracy_score",
    "training_precision_score",
    "training_recall_score",
    "training_f1_score",
    "training_log_loss",
    "training_roc_auc",
    "training_score",
}
REGRESSOR_KEYS = {
    "training_mean_squared_error",
    "training_root_mean_squared_error",
    "training_mean_absolute_error",
    "training_r2_score",
    "training_score",
}


@pytest.fixture(scope="module")
def binary():
    X, y = load_breast_cancer(return_X_y=True)
    return X, y, LogisticRegression(max_iter=5000).fit(X, y)


def test_binary_classifier_gets_mlflows_training_metrics(binary):
    X, y, model = binary
    metrics = training_metrics(model, X, y)
    assert set(metrics) == CLASSIFIER_KEYS
    assert metrics["training_accuracy_score"] == pytest.approx(model.score(X, y))
    assert metrics["training_score"] == metrics["training_accuracy_score"]
    assert 0.9 < metrics["training_roc_auc"] <= 1.0


def test_multiclass_classifier_uses_weighted_averages():
    from sklearn.metrics import f1_score

    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(max_iter=1000).fit(X, y)
    metrics = training_metrics(model, X, y)
    assert set(metrics) == CLASSIFIER_KEYS
    assert metrics["training_f1_score"] == pytest.approx(f1_score(y, model.predict(X), average="weighted"))


def test_pos_label_switches_to_binary_average(binary):
    from sklearn.metrics import precision_score

    X, y, model = binary
    metrics = training_metrics(model, X, y, pos_label=0)
    assert metrics["training_precision_score"] == pytest.approx(
        precision_score(y, model.predict(X), pos_label=0)
    )


def test_classifier_without_predict_proba_has_no_log_loss():
    X, y = load_iris(return_X_y=True)
    metrics = training_metrics(LinearSVC().fit(X, y), X, y)
    assert "training_log_loss" not in metrics and "training_roc_auc" not in metrics
    assert "training_accuracy_score" in metrics


def test_regressor_gets_error_metrics_and_rmse_is_sqrt_mse():
    X, y = load_diabetes(return_X_y=True)
    model = LinearRegression().fit(X, y)
    metrics = training_metrics(model, X, y)
    assert set(metrics) == REGRESSOR_KEYS
    assert metrics["training_root_mean_squared_error"] == pytest.approx(
        math.sqrt(metrics["training_mean_squared_error"])
    )
    assert metrics["training_r2_score"] == pytest.approx(model.score(X, y))


def test_sample_weight_is_used():
    X, y = load_diabetes(return_X_y=True)
    model = LinearRegression().fit(X, y)
    weights = np.linspace(0.1, 2.0, len(y))
    assert training_metrics(model, X, y, sample_weight=weights) != training_metrics(model, X, y)


def test_unlabelled_fit_has_no_training_metrics():
    X, _ = load_iris(return_X_y=True)
    assert training_metrics(KMeans(n_clusters=3, n_init=2, random_state=0).fit(X), X, None) == {}


def test_metric_value_check_accepts_numbers_only():
    assert is_loggable_metric_value(1) and is_loggable_metric_value(np.float32(0.5))
    assert not is_loggable_metric_value(True) and not is_loggable_metric_value(np.bool_(True))
    assert not is_loggable_metric_value(np.array([1.0])) and not is_loggable_metric_value("1")


def test_binary_classifier_plots_are_three_pngs(tmp_path, binary):
    X, y, model = binary
    files = classifier_plots(model, X, y, tmp_path)
    assert files == [
        "training_confusion_matrix.png",
        "training_roc_curve.png",
        "training_precision_recall_curve.png",
    ]
    for name in files:
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_multiclass_classifier_gets_only_the_confusion_matrix(tmp_path):
    X, y = load_iris(return_X_y=True)
    files = classifier_plots(LogisticRegression(max_iter=1000).fit(X, y), X, y, tmp_path)
    assert files == ["training_confusion_matrix.png"]
