"""Autologging for ``tinypoly.PolynomialRegressor.fit``: degree, training error, and the model."""

from __future__ import annotations

from typing import Any

import weir
from weir.plugins.autolog import Autologger

from weir_example_flavor.package import SUPPORTED


def _argument(call: Any, index: int, name: str) -> Any:
    return call.args[index] if len(call.args) > index else call.kwargs[name]


def _log_fit(call: Any) -> Any:
    model = call.instance
    x, y = _argument(call, 0, "x"), _argument(call, 1, "y")
    weir.log_params({"degree": model.degree, "n_points": len(x)})
    yield  # weir runs the user's fit here, exactly once
    weir.log_metric("training_mse", model.mean_squared_error(x, y))
    if call.config.log_models:
        from weir_example_flavor._flavor import log_model

        log_model(model, name="model")


class PolynomialAutologger(Autologger):
    name = "polynomial"
    module = "tinypoly"
    supported = SUPPORTED

    def _patch(self, module: Any, config: Any, patches: Any) -> None:
        patches.wrap(module.PolynomialRegressor, "fit", _log_fit)
