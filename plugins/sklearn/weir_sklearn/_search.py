"""What a fitted parameter search (GridSearchCV, RandomizedSearchCV) contributes, as pure functions.

best_params(search)                   # {"best_C": "2"}
write_cv_results(search, path)        # cv_results.csv, no index column
for child in child_runs(search, max_tuning_runs=5): child.params, child.metrics
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any

from weir_sklearn._estimators import MAX_KEY_LENGTH, estimator_params, stringify_param

CV_RESULTS_FILE = "cv_results.csv"
_EXCLUDED_METRIC_PREFIXES = ("param", "split")


@dataclass(frozen=True)
class ChildRun:
    """One candidate of the search, as a child run: its params and its cv_results metrics."""

    rank: int
    params: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)


def best_params(search: Any) -> dict[str, str]:
    """``best_<name>`` params of a fitted search (empty when ``refit`` left no ``best_params_``)."""
    params = getattr(search, "best_params_", None) or {}
    return {f"best_{k}"[:MAX_KEY_LENGTH]: stringify_param(v) for k, v in params.items()}


def best_cv_score(search: Any) -> float | None:
    score = getattr(search, "best_score_", None)
    if isinstance(score, numbers.Real) and not math.isnan(float(score)):
        return float(score)
    return None


def write_cv_results(search: Any, path: str) -> None:
    import pandas as pd

    pd.DataFrame(search.cv_results_).to_csv(path, index=False)


def _rank_column(cv_results: dict[str, Any]) -> str | None:
    if "rank_test_score" in cv_results:
        return "rank_test_score"
    # multi-metric scoring: the first rank_test_<name> column, as MLflow does
    return next((k for k in cv_results if k.startswith("rank_test_")), None)


def child_runs(search: Any, max_tuning_runs: int | None = 5) -> list[ChildRun]:
    """The best ``max_tuning_runs`` candidates by rank (all of them for None), best first."""
    if max_tuning_runs is not None and (not isinstance(max_tuning_runs, int) or max_tuning_runs < 0):
        raise ValueError(f"max_tuning_runs must be a non-negative int or None, got {max_tuning_runs!r}")
    results = search.cv_results_
    candidates = list(results["params"])
    rank_col = _rank_column(results)
    order = list(range(len(candidates)))
    if rank_col is not None:
        order.sort(key=lambda i: (int(results[rank_col][i]), i))
    if max_tuning_runs is not None:
        order = order[:max_tuning_runs]
    base_params = estimator_params(search.estimator)
    metric_cols = [
        k for k in results if not k.startswith(_EXCLUDED_METRIC_PREFIXES) and _is_numeric_column(results[k])
    ]
    children = []
    for i in order:
        params = dict(base_params)
        params.update({str(k)[:MAX_KEY_LENGTH]: stringify_param(v) for k, v in candidates[i].items()})
        metrics = {}
        for col in metric_cols:
            value = results[col][i]
            if value is not None and not (isinstance(value, float) and math.isnan(value)):
                metrics[col[:MAX_KEY_LENGTH]] = float(value)
        rank = int(results[rank_col][i]) if rank_col is not None else i + 1
        children.append(ChildRun(rank=rank, params=params, metrics=metrics))
    return children


def _is_numeric_column(column: Any) -> bool:
    import numpy as np

    try:
        return np.issubdtype(np.asarray(column).dtype, np.number)
    except TypeError:
        return False


__all__ = ["CV_RESULTS_FILE", "ChildRun", "best_cv_score", "best_params", "child_runs", "write_cv_results"]
