"""Training metrics for a fitted estimator, as pure functions (no logging here).

    metrics = training_metrics(fitted, X, y, sample_weight=None, pos_label=None)
    # {"training_accuracy_score": 0.96, ..., "training_score": 0.96}

Names follow MLflow's sklearn autolog so dashboards and queries written for MLflow keep working.
A metric that cannot be computed for this data (one class only, no predict_proba...) is left out
rather than failing the others.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Callable
from typing import Any

TRAINING_PREFIX = "training_"


def _call_quietly(fn: Callable[..., Any], **kwargs: Any) -> float | None:
    """``fn(**kwargs)`` as a float, or None when sklearn cannot compute it for this data."""
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. UndefinedMetricWarning on tiny training sets
            value = float(fn(**kwargs))
    except (ValueError, TypeError, IndexError, ZeroDivisionError):
        return None
    return value if not math.isnan(value) else None


def classifier_metrics(
    fitted: Any,
    X: Any,
    y_true: Any,
    sample_weight: Any = None,
    pos_label: Any = None,
    prefix: str = "",
    y_pred: Any = None,
) -> dict[str, float]:
    """precision/recall/f1 (weighted, or binary for ``pos_label``), accuracy, log loss and ROC AUC."""
    from sklearn import metrics

    average = "weighted" if pos_label is None else "binary"
    y_pred = fitted.predict(X) if y_pred is None else y_pred
    values: dict[str, float | None] = {}
    # One call for all three: the same numbers as precision_score, recall_score and f1_score.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            kwargs = {"average": average, "sample_weight": sample_weight}
            if pos_label is not None:
                kwargs["pos_label"] = pos_label
            precision, recall, f1, _ = metrics.precision_recall_fscore_support(y_true, y_pred, **kwargs)
        values.update(precision_score=float(precision), recall_score=float(recall), f1_score=float(f1))
    except (ValueError, TypeError):
        pass
    values["accuracy_score"] = _call_quietly(
        metrics.accuracy_score, y_true=y_true, y_pred=y_pred, sample_weight=sample_weight
    )
    if _has_method(fitted, "predict_proba"):
        proba = fitted.predict_proba(X)
        labels = getattr(fitted, "classes_", None)
        values["log_loss"] = _call_quietly(
            metrics.log_loss, y_true=y_true, y_pred=proba, sample_weight=sample_weight, labels=labels
        )
        score = proba[:, 1] if proba.ndim == 2 and proba.shape[1] == 2 else proba
        values["roc_auc"] = _call_quietly(
            metrics.roc_auc_score,
            y_true=y_true,
            y_score=score,
            average="weighted",
            multi_class="ovo",
            sample_weight=sample_weight,
        )
    return {prefix + k: v for k, v in values.items() if v is not None and not math.isnan(v)}


def regressor_metrics(
    fitted: Any, X: Any, y_true: Any, sample_weight: Any = None, prefix: str = ""
) -> dict[str, float]:
    """MSE, RMSE, MAE and R² (``uniform_average`` over outputs)."""
    from sklearn import metrics

    y_pred = fitted.predict(X)
    common = {
        "y_true": y_true,
        "y_pred": y_pred,
        "sample_weight": sample_weight,
        "multioutput": "uniform_average",
    }
    values = {
        "mean_squared_error": _call_quietly(metrics.mean_squared_error, **common),
        "mean_absolute_error": _call_quietly(metrics.mean_absolute_error, **common),
        "r2_score": _call_quietly(metrics.r2_score, **common),
    }
    if values["mean_squared_error"] is not None:
        values["root_mean_squared_error"] = math.sqrt(values["mean_squared_error"])
    return {prefix + k: v for k, v in values.items() if v is not None}


def estimator_score(fitted: Any, X: Any, y_true: Any, sample_weight: Any = None) -> float | None:
    """``fitted.score(X, y[, sample_weight])``, or None when the estimator has no usable score."""
    score = getattr(fitted, "score", None)
    if score is None or y_true is None:
        return None
    kwargs: dict[str, Any] = {}
    if sample_weight is not None and "sample_weight" in inspect.signature(score).parameters:
        kwargs["sample_weight"] = sample_weight
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = float(score(X, y_true, **kwargs))
    except (ValueError, TypeError, AttributeError, IndexError):
        return None
    return value if not math.isnan(value) else None


def training_metrics(
    fitted: Any, X: Any, y_true: Any, sample_weight: Any = None, pos_label: Any = None, y_pred: Any = None
) -> dict[str, float]:
    """Everything MLflow logs as ``training_*`` for this estimator kind (empty without labels).

    ``y_pred`` (``fitted.predict(X)``), when the caller has it already, saves a prediction pass.
    """
    from sklearn.base import is_classifier, is_regressor

    if y_true is None:
        return {}
    result: dict[str, float] = {}
    if is_classifier(fitted) and _has_method(fitted, "predict"):
        result.update(
            classifier_metrics(fitted, X, y_true, sample_weight, pos_label, TRAINING_PREFIX, y_pred)
        )
    elif is_regressor(fitted) and _has_method(fitted, "predict"):
        result.update(regressor_metrics(fitted, X, y_true, sample_weight, TRAINING_PREFIX))
    score = estimator_score(fitted, X, y_true, sample_weight)
    if score is not None:
        result[TRAINING_PREFIX + "score"] = score
    return result


def _has_method(obj: Any, name: str) -> bool:
    # sklearn's available_if raises AttributeError from hasattr when the method does not apply.
    try:
        return callable(getattr(obj, name, None))
    except Exception:
        return False


def is_loggable_metric_value(value: Any) -> bool:
    """True for real numbers (numpy scalars included), not for bools or arrays."""
    import numbers

    return isinstance(value, numbers.Real) and not isinstance(value, bool) and type(value).__name__ != "bool_"


__all__ = [
    "TRAINING_PREFIX",
    "classifier_metrics",
    "estimator_score",
    "is_loggable_metric_value",
    "regressor_metrics",
    "training_metrics",
]
