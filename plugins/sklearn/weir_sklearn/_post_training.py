"""Bookkeeping for post-training metrics (MLflow's naming), independent of how metrics are logged.

After autolog fits an estimator in run R, ``predict(X_test)`` results are remembered as coming
from R and the dataset variable ``X_test``. A later ``accuracy_score(y_test, y_pred)`` call on such
a result is logged to R as ``accuracy_score_X_test``; ``model.score(X_test, y_test)`` as
``LogisticRegression_score_X_test``. Repeated calls of the same metric get ``-2``, ``-3``...
after the metric name; another dataset object under the same variable name gets the suffix on the
dataset name. ``metric_info.json`` maps each key to the call text.

Only ids and small strings are held; estimators and results are tracked through weak references.
"""

from __future__ import annotations

import inspect
import sys
import threading
import weakref
from collections import defaultdict
from collections.abc import Callable
from typing import Any

UNKNOWN_DATASET = "unknown_dataset"
METRIC_INFO_FILE = "metric_info.json"
# sklearn.metrics names that are not metrics (or are scorer helpers), never patched.
EXCLUDED_METRIC_APIS = frozenset({"check_scoring", "get_scorer", "make_scorer", "get_scorer_names"})


def metric_function_names() -> list[str]:
    """Public metric functions of ``sklearn.metrics`` (no classes, no plot_*, no scorer helpers)."""
    from sklearn import metrics

    names = []
    for name in metrics.__all__:
        fn = getattr(metrics, name, None)
        if (
            name in EXCLUDED_METRIC_APIS
            or name.startswith("plot_")
            or inspect.isclass(fn)
            or not callable(fn)
        ):
            continue
        names.append(name)
    return names


def name_with_index(name: str, index: int) -> str:
    return name if index == 0 else f"{name}-{index + 1}"


def variable_name(obj: Any, fallback: str, skip_frames: int = 1) -> str:
    """The name bound to ``obj`` in the outermost calling frame that holds it, else ``fallback``."""
    found = fallback
    frame = sys._getframe(skip_frames)
    while frame is not None:
        for name, value in frame.f_locals.items():
            if value is obj and not name.startswith("_") and name not in ("self", "args", "kwargs"):
                found = name
                break
        frame = frame.f_back
    return found


class PostTrainingMetrics:
    """Which run an estimator and a prediction belong to, and how post-training metrics are named."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._run_of_estimator: weakref.WeakKeyDictionary[Any, tuple[str, str | None]] = (
            weakref.WeakKeyDictionary()
        )
        self._prediction_source: dict[int, tuple[str, str, str | None]] = {}
        self._datasets: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self._calls: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
        self._disabled = threading.local()

    # -- scopes -------------------------------------------------------------------------------
    def enabled(self) -> bool:
        return not getattr(self._disabled, "depth", 0)

    def disabled_scope(self):
        """Context manager: metric calls made inside (e.g. by ``score`` itself) are not logged."""
        manager = self

        class _Scope:
            def __enter__(self):
                manager._disabled.depth = getattr(manager._disabled, "depth", 0) + 1

            def __exit__(self, *exc):
                manager._disabled.depth -= 1

        return _Scope()

    # -- registration -------------------------------------------------------------------------
    def register_estimator(self, estimator: Any, run_id: str, model_id: str | None = None) -> None:
        try:
            self._run_of_estimator[estimator] = (run_id, model_id)
        except TypeError:  # not weak-referenceable / unhashable: no post-training metrics for it
            pass

    def run_of(self, estimator: Any) -> tuple[str, str | None] | None:
        try:
            return self._run_of_estimator.get(estimator)
        except TypeError:
            return None

    def dataset_name(self, run_id: str, dataset: Any, var_name: str) -> str:
        """``var_name``, suffixed ``-2``... when another object already used that name in the run."""
        with self._lock:
            ids = self._datasets[run_id][var_name]
            if id(dataset) in ids:
                index = ids.index(id(dataset))
            else:
                ids.append(id(dataset))
                index = len(ids) - 1
        return name_with_index(var_name, index)

    def register_prediction(self, result: Any, run_id: str, dataset_name: str, model_id: str | None) -> None:
        key = id(result)
        with self._lock:
            self._prediction_source[key] = (run_id, dataset_name, model_id)
        try:
            weakref.finalize(result, self._forget_prediction, key)
        except TypeError:
            pass  # not weak-referenceable (e.g. a list): the id stays until overwritten

    def _forget_prediction(self, key: int) -> None:
        with self._lock:
            self._prediction_source.pop(key, None)

    def source_of_call(self, args: tuple, kwargs: dict) -> tuple[str, str, str | None] | None:
        """``(run_id, dataset name, model_id)`` of the first argument that is a tracked prediction."""
        with self._lock:
            for arg in (*args, *kwargs.values()):
                if arg is None or isinstance(arg, (str, int, float, bool)):
                    continue
                source = self._prediction_source.get(id(arg))
                if source is not None:
                    return source
        return None

    def metric_key(self, run_id: str, metric_name: str, dataset_name: str, call_text: str) -> str:
        with self._lock:
            calls = self._calls[run_id][metric_name]
            key = f"{name_with_index(metric_name, len(calls))}_{dataset_name}"
            calls.append((key, call_text))
        return key

    def metric_info(self, run_id: str) -> dict[str, str]:
        """Every post-training metric key of the run mapped to its call text, sorted by key."""
        with self._lock:
            pairs = [pair for calls in self._calls[run_id].values() for pair in calls]
        return dict(sorted(pairs))


def call_text(fn: Callable[..., Any], args: tuple, kwargs: dict, owner: Any = None) -> str:
    """``accuracy_score(y_true=y_test, y_pred=y_pred)``: argument names with variable names."""

    def describe(value: Any) -> str:
        if value is None or isinstance(value, (bool, int, float)):
            return repr(value)
        if isinstance(value, str):
            return repr(value if len(value) <= 32 else value[:32] + "...")
        return variable_name(value, f"<{type(value).__name__}>", skip_frames=3)

    try:
        names = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        names = []
    if owner is not None and names and names[0] == "self":
        names = names[1:]
    parts = [f"{name}={describe(v)}" for name, v in zip(names, args, strict=False)]
    parts += [f"{name}={describe(v)}" for name, v in kwargs.items()]
    label = f"{type(owner).__name__}.{fn.__name__}" if owner is not None else fn.__name__
    return f"{label}({', '.join(parts)})"


__all__ = [
    "EXCLUDED_METRIC_APIS",
    "METRIC_INFO_FILE",
    "UNKNOWN_DATASET",
    "PostTrainingMetrics",
    "call_text",
    "metric_function_names",
    "name_with_index",
    "variable_name",
]
