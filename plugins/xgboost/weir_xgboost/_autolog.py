"""XGBoost autologging: what is patched, and the XGBoost facts the shared boosting wrapper needs.

    weir.xgboost.autolog()
    booster = xgboost.train(params, dtrain, evals=[(dvalid, "validation")])
    # -> params, validation-<metric> per iteration, early stopping, feature_importance_weight.{json,png}, model

Patched: ``xgboost.train`` (also as ``xgboost.training.train`` and wherever a module already did
``from xgboost import train``), ``xgboost.sklearn.train`` (what the scikit-learn API calls; it logs
no model because ``fit`` logs the estimator), ``fit`` of every ``XGBModel`` class, and
``DMatrix.__init__`` (keeps the first rows for the input example). The wrapper itself, metric
batching and feature-importance artifacts are ``weir.plugins.boosting``'s. This module must not
import xgboost at import time: the integration is registered before the user imports it.
"""

from __future__ import annotations

import functools
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

from weir_xgboost.package import SUPPORTED, TESTED

DEFAULT_IMPORTANCE_TYPES: tuple[str, ...] = ("weight",)
# train() arguments MLflow leaves out of the params (data, objects and callables).
UNLOGGED_ARGUMENTS: tuple[str, ...] = (
    "params",
    "dtrain",
    "evals",
    "obj",
    "feval",
    "evals_result",
    "xgb_model",
    "callbacks",
    "learning_rates",
)


class XGBoostAutologger(Autologger):
    """Patches XGBoost's ``train``, the scikit-learn API ``fit`` methods and ``DMatrix.__init__``."""

    name = "xgboost"
    module = "xgboost"
    supported = SUPPORTED
    tested = tuple(
        f"{dist} >= {TESTED['oldest']}, <= {TESTED['latest']}" for dist in ("xgboost", "xgboost-cpu")
    )
    options = {"importance_types": None, "model_format": "ubj", "registered_model_name": None}

    def _patch(self, module, config, patches) -> None:
        import xgboost.sklearn
        import xgboost.training

        original = vars(xgboost.training)["train"]
        patches.wrap(xgboost.training, "train", _log_train)
        if vars(module).get("train") is original:
            patches.wrap(module, "train", _log_train)
        if vars(xgboost.sklearn).get("train") is original:
            patches.wrap(xgboost.sklearn, "train", _log_sklearn_train)
        for owner, name in imported_aliases(original, exclude=("xgboost",)):
            patches.wrap(owner, name, _log_train)
        patches.wrap(xgboost.DMatrix, "__init__", keep_input_example, manage_run=False)
        for cls in sklearn_classes():
            patches.wrap(cls, "fit", _log_fit, allow_children=True)


def sklearn_classes() -> list[type]:
    """``XGBModel`` and every subclass that defines its own ``fit``."""
    import xgboost

    found, pending = [], [xgboost.XGBModel]
    while pending:
        cls = pending.pop(0)
        if "fit" in vars(cls) and cls not in found:
            found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


class XGBoostTrainHooks(TrainHooks):
    data_argument = "dtrain"
    unlogged_arguments = UNLOGGED_ARGUMENTS

    def train_function(self):
        import xgboost.training

        return xgboost.training.train

    def add_callback(
        self, call: AutologCall, arguments: Mapping[str, Any], metrics: IterationMetrics
    ) -> None:
        callbacks = list(arguments.get("callbacks") or ())
        call.kwargs["callbacks"] = [*callbacks, _callback_class()(metrics)]

    def early_stopping(self, model: Any, arguments: Mapping[str, Any], metrics: IterationMetrics):
        import xgboost

        stopping_callback = any(
            isinstance(cb, xgboost.callback.EarlyStopping) for cb in arguments["callbacks"] or ()
        )
        if not (arguments.get("early_stopping_rounds") or stopping_callback) or not len(metrics):
            return None
        best = model.attr("best_iteration")
        if best is None:
            return None
        return (metrics.last_step, int(best), int(best))

    def importance_types(self, config: Any) -> Sequence[str]:
        return list(config.importance_types or DEFAULT_IMPORTANCE_TYPES)

    def feature_importance(self, model: Any, importance_type: str) -> Mapping[str, Any]:
        return model.get_score(importance_type=importance_type)

    def log_model(self, call: AutologCall, model: Any, example: Any) -> None:
        from weir_xgboost._flavor import XGBoostPyfuncModel, log_model

        predict = XGBoostPyfuncModel(model).predict
        log_autologged_model(call, model, example, predict, log_model, model_format=call.config.model_format)


_HOOKS = XGBoostTrainHooks()


def _log_train(call: AutologCall):
    yield from log_train(call, _HOOKS, log_models=True)


def _log_sklearn_train(call: AutologCall):
    yield from log_train(call, _HOOKS, log_models=False)  # fit logs the estimator itself


def _log_fit(call: AutologCall):
    from weir_xgboost._flavor import log_model

    yield from log_model_after_fit(call, log_model, model_format=call.config.model_format)


@functools.lru_cache(maxsize=1)
def _callback_class() -> type:
    """The ``TrainingCallback`` subclass, built on first use (xgboost is imported by then)."""
    import xgboost

    class WeirMetricsCallback(xgboost.callback.TrainingCallback):
        """Feeds each iteration's evaluation results to ``IterationMetrics``; never stops training."""

        def __init__(self, metrics: IterationMetrics) -> None:
            super().__init__()
            self.metrics = metrics

        def after_iteration(self, model: Any, epoch: int, evals_log: dict) -> bool:
            if evals_log:
                self.metrics.record(  # a generator: record() guards its evaluation too
                    epoch,
                    (
                        (data, metric, values[-1])
                        for data, by_metric in evals_log.items()
                        for metric, values in by_metric.items()
                    ),
                )
            return False

    return WeirMetricsCallback


__all__ = ["XGBoostAutologger", "XGBoostTrainHooks", "sklearn_classes"]
