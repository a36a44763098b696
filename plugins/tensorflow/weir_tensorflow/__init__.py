"""Keras 3 / TensorFlow flavor and autologging for weir (``weir.keras`` and ``weir.tensorflow``).

    import weir as mlflow
    mlflow.keras.autolog()                        # or mlflow.tensorflow.autolog(): the same integration
    model.fit(x, y, epochs=10)                    # logged: params, per-epoch metrics, summary, model
    mlflow.keras.save_model(model, "model_dir")
    mlflow.keras.load_model("model_dir")          # a keras.Model; weir.pyfunc.load_model works too

Both names resolve to this module. Nothing here imports Keras or TensorFlow: Keras is imported when
a flavor function runs or, for autolog, patched by the post-import hook once the user imports it.
"""

from __future__ import annotations

import functools
from typing import Any

from weir.plugins import hookimpl

from weir_tensorflow._flavor import (
    FLAVOR_NAME,
    KerasPyfuncModel,
    _load_pyfunc,
    get_default_conda_env,
    get_default_pip_requirements,
    load_model,
    log_model,
    save_model,
)


def autolog(
    log_every_epoch: bool = True,
    log_every_n_steps: int | None = None,
    log_models: bool = True,
    log_model_signatures: bool = True,
    save_exported_model: bool = False,
    log_datasets: bool = True,
    log_input_examples: bool = False,
    disable: bool = False,
    exclusive: bool = False,
    disable_for_unsupported_versions: bool = False,
    silent: bool = False,
    registered_model_name: str | None = None,
    save_model_kwargs: dict[str, Any] | None = None,
    keras_model_kwargs: dict[str, Any] | None = None,
    extra_tags: dict[str, str] | None = None,
) -> None:
    """Autolog ``keras.Model.fit`` (MLflow's ``mlflow.keras.autolog``; same flags and defaults).

    Every ``fit`` (also ``tf.keras`` models: the same class on TensorFlow >= 2.16) logs its
    arguments as params (``epochs``, ``batch_size``...), the optimizer config as ``optimizer_<key>``,
    ``loss``, the epoch metrics (``loss``, ``accuracy``, ``val_*``) at ``step=epoch`` or, with
    ``log_every_epoch=False, log_every_n_steps=n``, the batch metrics every ``n`` steps,
    ``validation_<metric>`` after each validation pass, ``model_summary.txt``, EarlyStopping's
    params and ``stopped_epoch``/``restored_epoch``, and with ``log_models`` the model as artifact
    ``model`` (``.keras`` format, or a SavedModel with ``save_exported_model``).
    ``keras_model_kwargs`` (``mlflow.tensorflow``'s name) is an alias of ``save_model_kwargs``.
    ``log_datasets`` is accepted for compatibility; weir does not log dataset inputs yet.
    """
    from weir.plugins.autolog import configure_autolog

    from weir_tensorflow._autolog import check_logging_frequency

    if not disable:
        check_logging_frequency(log_every_epoch, log_every_n_steps)
    if keras_model_kwargs:
        save_model_kwargs = {**keras_model_kwargs, **(save_model_kwargs or {})}
    configure_autolog(
        _autologger(),
        log_input_examples=log_input_examples,
        log_model_signatures=log_model_signatures,
        log_models=log_models,
        log_datasets=log_datasets,
        disable=disable,
        exclusive=exclusive,
        disable_for_unsupported_versions=disable_for_unsupported_versions,
        silent=silent,
        extra_tags=extra_tags,
        log_every_epoch=log_every_epoch,
        log_every_n_steps=log_every_n_steps,
        registered_model_name=registered_model_name,
        save_exported_model=save_exported_model,
        save_model_kwargs=save_model_kwargs,
    )


@functools.lru_cache(maxsize=1)
def _autologger():
    from weir_tensorflow._autolog import KerasAutologger

    return KerasAutologger()


@hookimpl
def register_autologgers(register) -> None:
    register(_autologger())


@hookimpl
def register_flavors(register) -> None:
    from weir.plugins.flavors import Flavor

    register(Flavor(name=FLAVOR_NAME, module="weir_tensorflow", aliases=("mlflow.keras", "weir.keras")))
    # MLflow's tensorflow flavor (Keras models saved by mlflow.tensorflow) loads through this module too.
    register(
        Flavor(name="tensorflow", module="weir_tensorflow", aliases=("mlflow.tensorflow", "weir.tensorflow"))
    )


def __getattr__(name: str) -> Any:
    # The callback subclasses keras.callbacks.Callback, so it is imported (with Keras) only when asked for.
    if name in ("MlflowCallback", "WeirCallback"):
        from weir_tensorflow import _callback

        return getattr(_callback, name)
    raise AttributeError(f"module 'weir_tensorflow' has no attribute {name!r}")


__all__ = [
    "FLAVOR_NAME",
    "KerasPyfuncModel",
    "MlflowCallback",
    "WeirCallback",
    "_load_pyfunc",
    "autolog",
    "get_default_conda_env",
    "get_default_pip_requirements",
    "load_model",
    "log_model",
    "save_model",
]
