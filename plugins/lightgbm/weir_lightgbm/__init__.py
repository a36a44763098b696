"""LightGBM flavor and autologging for weir (``weir.lightgbm`` / ``mlflow.lightgbm``).

    import weir
    weir.lightgbm.autolog()
    booster = lightgbm.train(params, train_set, valid_sets=[valid])     # logged
    weir.lightgbm.save_model(booster, "model_dir")
    weir.lightgbm.load_model("model_dir")

Nothing here imports lightgbm: it is imported when a flavor function runs or, for autolog, by the
post-import hook once the user imports lightgbm.
"""

from __future__ import annotations

import functools

from weir.plugins import hookimpl

from weir_lightgbm._flavor import (
    FLAVOR_NAME,
    _load_pyfunc,
    get_default_conda_env,
    get_default_pip_requirements,
    load_model,
    log_model,
    save_model,
)
from weir_lightgbm._serialization import SERIALIZATION_FORMATS as SUPPORTED_SERIALIZATION_FORMATS


def autolog(
    log_input_examples: bool = False,
    log_model_signatures: bool = True,
    log_models: bool = True,
    log_datasets: bool = True,
    disable: bool = False,
    exclusive: bool = False,
    disable_for_unsupported_versions: bool = False,
    silent: bool = False,
    registered_model_name: str | None = None,
    extra_tags: dict[str, str] | None = None,
) -> None:
    """Autolog LightGBM training (MLflow's ``mlflow.lightgbm.autolog``; same flags and defaults).

    ``lightgbm.train`` and the scikit-learn API ``fit`` log the booster params and the other
    ``train`` arguments, ``<valid name>-<metric>`` at every iteration, ``stopped_iteration``,
    ``best_iteration`` and the best iteration's metrics when training stops early,
    ``feature_importance_split`` and ``feature_importance_gain`` (``.json`` and ``.png``) and, with
    ``log_models``, the model as artifact ``model`` (a Booster as ``model.lgb``).
    ``log_datasets`` is accepted for compatibility; weir does not log dataset inputs yet.
    """
    flags = dict(locals())
    from weir.plugins.autolog import configure_autolog

    configure_autolog(_autologger(), **flags)


@functools.lru_cache(maxsize=1)
def _autologger():
    from weir_lightgbm._autolog import LightGBMAutologger

    return LightGBMAutologger()


@hookimpl
def register_autologgers(register) -> None:
    register(_autologger())


@hookimpl
def register_flavors(register) -> None:
    from weir.plugins.flavors import Flavor

    register(Flavor(name=FLAVOR_NAME, module="weir_lightgbm", aliases=("mlflow.lightgbm", "weir.lightgbm")))


__all__ = [
    "FLAVOR_NAME",
    "SUPPORTED_SERIALIZATION_FORMATS",
    "_load_pyfunc",
    "autolog",
    "get_default_conda_env",
    "get_default_pip_requirements",
    "load_model",
    "log_model",
    "save_model",
]
