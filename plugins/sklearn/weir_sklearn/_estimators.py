"""Facts about sklearn estimators that autolog needs, as pure functions.

owners = methods_to_patch()          # [(LogisticRegression, "fit"), (Pipeline, "fit"), ...]
params = estimator_params(est)       # {"C": "1.0", ...}, strings truncated to MLflow's limit
tags = estimator_tags(est)           # {"estimator_name": ..., "estimator_class": ...}
X, y, w = fit_inputs(fit_fn, args, kwargs)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

FIT_METHODS: tuple[str, ...] = ("fit", "fit_transform", "fit_predict")
MAX_PARAM_VALUE_LENGTH = 6000
MAX_KEY_LENGTH = 250

# As in MLflow: fitting a preprocessing step alone is not training a model worth a run.
_EXCLUDED_MODULE_PREFIXES = (
    "sklearn.preprocessing",
    "sklearn.impute",
    "sklearn.feature_extraction",
    "sklearn.feature_selection",
)
_EXCLUDED_CLASS_NAMES = {"ColumnTransformer"}


def is_excluded(estimator_class: type) -> bool:
    """True for classes autolog leaves alone (preprocessing, feature selection, ColumnTransformer)."""
    module = estimator_class.__module__ or ""
    return estimator_class.__name__ in _EXCLUDED_CLASS_NAMES or module.startswith(_EXCLUDED_MODULE_PREFIXES)


def estimator_classes() -> list[type]:
    """Every public sklearn estimator plus the meta-estimators, minus the excluded ones."""
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.utils import all_estimators

    classes = [cls for _, cls in all_estimators()]
    classes += [GridSearchCV, RandomizedSearchCV, Pipeline]
    seen: set[type] = set()
    result = []
    for cls in classes:
        if cls not in seen and not is_excluded(cls):
            seen.add(cls)
            result.append(cls)
    return result


def methods_to_patch(classes: list[type] | None = None) -> list[tuple[type, str]]:
    """``(owner, method)`` pairs: for each estimator's fit methods, the class that defines it.

    Patching the defining class once covers every subclass inheriting it, so the list is
    deduplicated; a subclass overriding the method gets its own entry.
    """
    pairs: list[tuple[type, str]] = []
    seen: set[tuple[type, str]] = set()
    for cls in classes if classes is not None else estimator_classes():
        for name in FIT_METHODS:
            owner = next((k for k in cls.__mro__ if name in vars(k)), None)
            if owner is None or owner is object or (owner, name) in seen:
                continue
            seen.add((owner, name))
            pairs.append((owner, name))
    return pairs


def should_autolog_instance(estimator: Any) -> bool:
    """Whether a call on this instance is one autolog records (excluded classes are skipped)."""
    return not is_excluded(type(estimator))


def stringify_param(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value) if not _is_simple(value) else str(value)
    return text[:MAX_PARAM_VALUE_LENGTH]


def _is_simple(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def estimator_params(estimator: Any) -> dict[str, str]:
    """``get_params(deep=True)`` as strings; parameter searches use ``deep=False`` like MLflow."""
    deep = not is_parameter_search(estimator)
    try:
        params = estimator.get_params(deep=deep)
    except Exception:
        params = estimator.get_params(deep=False)
    return {str(k)[:MAX_KEY_LENGTH]: stringify_param(v) for k, v in params.items()}


def estimator_tags(estimator: Any) -> dict[str, str]:
    cls = type(estimator)
    return {"estimator_name": cls.__name__, "estimator_class": f"{cls.__module__}.{cls.__qualname__}"}


def is_parameter_search(estimator: Any) -> bool:
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

    searches: tuple[type, ...] = (GridSearchCV, RandomizedSearchCV)
    try:  # HalvingGridSearchCV and friends, when sklearn exposes them.
        from sklearn.model_selection._search_successive_halving import BaseSuccessiveHalving

        searches += (BaseSuccessiveHalving,)
    except ImportError:
        pass
    return isinstance(estimator, searches)


def fit_inputs(fit_fn: Callable[..., Any], args: tuple, kwargs: dict) -> tuple[Any, Any, Any]:
    """``(X, y, sample_weight)`` from a fit call's arguments, by the fit signature's names."""
    try:
        names = [
            p.name
            for p in inspect.signature(fit_fn).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        names = []
    if names and names[0] == "self":
        names = names[1:]
    bound = dict(zip(names, args, strict=False))
    bound.update(kwargs)
    X = bound.get(names[0]) if names else (args[0] if args else None)
    y = bound.get(names[1]) if len(names) > 1 else (args[1] if len(args) > 1 else None)
    return X, y, bound.get("sample_weight")


__all__ = [
    "FIT_METHODS",
    "MAX_PARAM_VALUE_LENGTH",
    "estimator_classes",
    "estimator_params",
    "estimator_tags",
    "fit_inputs",
    "is_excluded",
    "is_parameter_search",
    "methods_to_patch",
    "should_autolog_instance",
    "stringify_param",
]
