"""LightGBM autologging: what is patched, and the LightGBM facts the shared boosting wrapper needs.

    weir.lightgbm.autolog()
    booster = lightgbm.train(params, train_set, valid_sets=[valid], valid_names=["valid"])
    # -> params, valid-<metric> per iteration, early stopping, feature_importance_{split,gain}.{json,png}, model

Patched: ``lightgbm.train`` (also as ``lightgbm.engine.train`` and wherever a module already did
``from lightgbm import train``), ``lightgbm.sklearn.train`` (what the scikit-learn API calls; it
logs no model because ``fit`` logs the estimator), ``fit`` of every ``LGBMModel`` class, and
``Dataset.__init__`` (keeps the first rows for the input example). The wrapper itself, metric
batching and feature-importance artifacts are ``weir.plugins.boosting``'s. This module must not
import lightgbm at import time: the integration is registered before the user imports it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from weir.plugins.autolog import AutologCall, Autologger
from weir.plugins.boosting import (
    IterationMetrics,
    TrainHooks,
    imported_aliases,
    keep_input_example,
    log_autologged_model,
    log_model_after_fit,
    log_train,
)

from weir_lightgbm.package import SUPPORTED, TESTED

IMPORTANCE_TYPES: tuple[str, ...] = ("split", "gain")
# train() arguments MLflow leaves out of the params (data, objects and callables).
UNLOGGED_ARGUMENTS: tuple[str, ...] = (
    "params",
    "train_set",
    "valid_sets",
    "valid_names",
    "fobj",
    "feval",
    "init_model",
    "learning_rates",
    "callbacks",
)


class LightGBMAutologger(Autologger):
    """Patches LightGBM's ``train``, the scikit-learn API ``fit`` methods and ``Dataset.__init__``."""

    name = "lightgbm"
    module = "lightgbm"
    supported = SUPPORTED
    tested = (f"lightgbm >= {TESTED['oldest']}, <= {TESTED['latest']}",)
    options = {"registered_model_name": None}

    def _patch(self, module, config, patches) -> None:
        import lightgbm.engine
        import lightgbm.sklearn

        original = vars(lightgbm.engine)["train"]
        patches.wrap(lightgbm.engine, "train", _log_train)
        if vars(module).get("train") is original:
            patches.wrap(module, "train", _log_train)
        if vars(lightgbm.sklearn).get("train") is original:
            patches.wrap(lightgbm.sklearn, "train", _log_sklearn_train)
        for owner, name in imported_aliases(original, exclude=("lightgbm",)):
            patches.wrap(owner, name, _log_train)
        patches.wrap(lightgbm.Dataset, "__init__", keep_input_example, manage_run=False)
        for cls in sklearn_classes():
            patches.wrap(cls, "fit", _log_fit, allow_children=True)


def sklearn_classes() -> list[type]:
    """``LGBMModel`` and every subclass that defines its own ``fit``."""
    import lightgbm

    found, pending = [], [lightgbm.LGBMModel]
    while pending:
        cls = pending.pop(0)
        if "fit" in vars(cls) and cls not in found:
            found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


class _MetricsCallback:
    """LightGBM callback feeding each iteration's evaluation results to ``IterationMetrics``.

    It has no ``order``: LightGBM then gives it a negative one, so it runs before the early-stopping
    callback (order 30) and the iteration that triggers the stop is recorded too.
    """

    before_iteration = False

    def __init__(self, metrics: IterationMetrics) -> None:
        self.metrics = metrics

    def __call__(self, env: Any) -> None:
        # a generator: record() guards its evaluation too
        self.metrics.record(
            env.iteration, ((item[0], item[1], item[2]) for item in env.evaluation_result_list)
        )


class LightGBMTrainHooks(TrainHooks):
    data_argument = "train_set"
    unlogged_arguments = UNLOGGED_ARGUMENTS
    importance_json_indent = 2

    def train_function(self):
        import lightgbm.engine

        return lightgbm.engine.train

    def add_callback(
        self, call: AutologCall, arguments: Mapping[str, Any], metrics: IterationMetrics
    ) -> None:
        callbacks = list(arguments.get("callbacks") or ())
        names = list(self._parameter_names())
        if len(call.args) > names.index("callbacks"):
            call.args = call.args[: names.index("callbacks")] + call.args[names.index("callbacks") + 1 :]
        call.kwargs["callbacks"] = [*callbacks, _MetricsCallback(metrics)]

    def _parameter_names(self) -> Sequence[str]:
        import inspect

        return tuple(inspect.signature(self.train_function()).parameters)

    def early_stopping(self, model: Any, arguments: Mapping[str, Any], metrics: IterationMetrics):
        best = getattr(model, "best_iteration", 0) or 0
        if best <= 0 or not len(metrics):
            return None
        steps = sorted(metrics.history)
        best_step = steps[best - 1] if best <= len(steps) else steps[-1]  # LightGBM counts from 1
        return (len(metrics), best, best_step)

    def importance_types(self, config: Any) -> Sequence[str]:
        return IMPORTANCE_TYPES

    def feature_importance(self, model: Any, importance_type: str) -> Mapping[str, Any]:
        values = model.feature_importance(importance_type=importance_type)
        return dict(zip(model.feature_name(), values.tolist(), strict=True))

    def log_model(self, call: AutologCall, model: Any, example: Any) -> None:
        from weir_lightgbm._flavor import log_model

        log_autologged_model(call, model, example, model.predict, log_model)


_HOOKS = LightGBMTrainHooks()


def _log_train(call: AutologCall):
    yield from log_train(call, _HOOKS, log_models=True)


def _log_sklearn_train(call: AutologCall):
    yield from log_train(call, _HOOKS, log_models=False)  # fit logs the estimator itself


def _log_fit(call: AutologCall):
    from weir_lightgbm._flavor import log_model

    yield from log_model_after_fit(call, log_model)


__all__ = ["LightGBMAutologger", "LightGBMTrainHooks", "sklearn_classes"]
