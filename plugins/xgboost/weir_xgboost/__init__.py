"""XGBoost flavor and autologging for weir (``weir.xgboost`` / ``mlflow.xgboost``).

    import weir
    weir.xgboost.autolog()
    booster = xgboost.train(params, dtrain, evals=[(dvalid, "validation")])   # logged
    weir.xgboost.save_model(booster, "model_dir")
    weir.xgboost.load_model("model_dir")

Nothing here imports xgboost: it is imported when a flavor function runs or, for autolog, by the
post-import hook once the user imports xgboost.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from weir.plugins import hookimpl

from weir_xgboost._flavor import (
    FLAVOR_NAME,
    MODEL_FORMATS,
    _load_pyfunc,
    get_default_conda_env,
    get_default_pip_requirements,
    load_model,
    log_model,
    save_model,
)


def autolog(
    importance_types: Sequence[str] | None = None,
    log_input_examples: bool = False,
    log_model_signatures: bool = True,
    log_models: bool = True,
    log_datasets: bool = True,
    disable: bool = False,
    exclusive: bool = False,
    disable_for_unsupported_versions: bool = False,
    silent: bool = False,
    registered_model_name: str | None = None,
    model_format: str = "ubj",
    extra_tags: dict[str, str] | None = None,
) -> None:
    """Autolog XGBoost training (MLflow's ``mlflow.xgboost.autolog``; same flags and defaults).

    ``xgboost.train`` and the scikit-learn API ``fit`` log the booster params and the other
    ``train`` arguments, ``<eval set>-<metric>`` at every iteration, ``stopped_iteration``,
    ``best_iteration`` and the best iteration's metrics when training stops early,
    ``feature_importance_<type>.json`` and ``.png`` for each of ``importance_types`` (default
    ``["weight"]``) and, with ``log_models``, the model as artifact ``model`` in ``model_format``.
    ``log_datasets`` is accepted for compatibility; weir does not log dataset inputs yet.
    """
    from weir.exceptions import WeirException
    from weir.plugins.autolog import configure_autolog

    from weir_xgboost._flavor import check_model_format

    check_model_format(model_format)
    if importance_types is not None:
        if isinstance(importance_types, str) or not all(isinstance(t, str) for t in importance_types):
            raise WeirException.invalid_parameter_value(
                f"importance_types must be a list of importance type names, got {importance_types!r}"
            )
        importance_types = list(importance_types)
    configure_autolog(
        _autologger(),
        importance_types=importance_types,
        log_input_examples=log_input_examples,
        log_model_signatures=log_model_signatures,
        log_models=log_models,
        log_datasets=log_datasets,
        disable=disable,
        exclusive=exclusive,
        disable_for_unsupported_versions=disable_for_unsupported_versions,
        silent=silent,
        registered_model_name=registered_model_name,
        model_format=model_format,
        extra_tags=extra_tags,
    )


@functools.lru_cache(maxsize=1)
def _autologger():
    from weir_xgboost._autolog import XGBoostAutologger

    return XGBoostAutologger()


@hookimpl
def register_autologgers(register) -> None:
    register(_autologger())


@hookimpl
def register_flavors(register) -> None:
    from weir.plugins.flavors import Flavor

    register(Flavor(name=FLAVOR_NAME, module="weir_xgboost", aliases=("mlflow.xgboost", "weir.xgboost")))


__all__ = [
    "FLAVOR_NAME",
    "MODEL_FORMATS",
    "_load_pyfunc",
    "autolog",
    "get_default_conda_env",
    "get_default_pip_requirements",
    "load_model",
    "log_model",
    "save_model",
]
