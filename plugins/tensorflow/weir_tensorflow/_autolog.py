"""Autologging for ``keras.Model.fit`` (Keras 3; ``tf.keras`` on TensorFlow >= 2.16 is the same class).

One patch, on ``keras.Model.fit``, in a managed run tagged ``mlflow.autologging=keras``:

- before fit: the fit arguments as params (MLflow's set: all but data, callbacks, verbosity;
  ``batch_size`` read from the data when not given), EarlyStopping's ``monitor``, ``min_delta``,
  ``patience``, ``baseline``, ``restore_best_weights``; then ``WeirCallback`` is appended to a copy
  of the callbacks (optimizer params, loss, ``model_summary.txt``, per-epoch or per-n-step metrics);
- after fit: ``stopped_epoch`` / ``restored_epoch`` and the restored epoch's metrics at
  ``step=stopped_epoch + 1`` when early stopping stopped the run; the model as artifact ``model``
  (``.keras`` format, TensorSpec signature from the model's own tensors).

A Python generator passed as ``x`` is read once: its first batch is peeked (for the batch size and
input example) and fit gets a generator yielding that batch again and then the rest. Keras is not
imported by this module; the callback module is imported when fit runs.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any

from weir.plugins.autolog import AutologConfig, Autologger
from weir.plugins.patching import Patches

from weir_tensorflow import _data
from weir_tensorflow.package import KERAS_SUPPORTED

__all__ = ["KerasAutologger", "check_logging_frequency"]

EARLY_STOPPING_PARAMS = ("monitor", "min_delta", "patience", "baseline", "restore_best_weights")


def check_logging_frequency(log_every_epoch: bool, log_every_n_steps: int | None) -> None:
    """MLflow's rule: epoch logging or step logging, one of the two; ``n`` a positive int."""
    from weir.exceptions import WeirException

    if log_every_epoch and log_every_n_steps is not None:
        raise WeirException(
            "log_every_n_steps must be None if log_every_epoch=True, received "
            f"log_every_epoch={log_every_epoch} and log_every_n_steps={log_every_n_steps}",
            "INVALID_PARAMETER_VALUE",
        )
    if not log_every_epoch and log_every_n_steps is None:
        raise WeirException(
            "log_every_n_steps must be set when log_every_epoch=False", "INVALID_PARAMETER_VALUE"
        )
    if log_every_n_steps is not None and (
        isinstance(log_every_n_steps, bool) or not isinstance(log_every_n_steps, int) or log_every_n_steps < 1
    ):
        raise WeirException(
            f"log_every_n_steps must be a positive int, got {log_every_n_steps!r}", "INVALID_PARAMETER_VALUE"
        )


class KerasAutologger(Autologger):
    name = "keras"
    aliases = ("tensorflow",)
    module = "keras"
    supported = KERAS_SUPPORTED
    options = {
        "log_every_epoch": True,
        "log_every_n_steps": None,
        "registered_model_name": None,
        "save_exported_model": False,
        "save_model_kwargs": None,
    }

    def _patch(self, module: ModuleType, config: AutologConfig, patches: Patches) -> None:
        signature = _data.fit_signature(module.Model.fit)
        patches.wrap(module.Model, "fit", functools.partial(_log_fit, signature=signature))


def _early_stopping(callbacks: list[Any]) -> Any:
    import keras

    for callback in callbacks:
        if isinstance(callback, keras.callbacks.EarlyStopping):
            return callback
    return None


def _log_fit(call: Any, signature: Any):
    """The ``fit`` wrapper (a generator: before fit, ``yield``, after fit)."""
    import weir
    from weir.exceptions import WeirException
    from weir.plugins.safety import guard

    from weir_tensorflow._callback import WeirCallback

    config = call.config
    arguments = _data.FitArguments(signature, call.args, call.kwargs)
    x = arguments.get("x")
    peeked: Any = _data.NO_BATCH
    if _data.is_generator(x):
        peeked, rechained = _data.peek_generator(x)
        arguments.set("x", rechained)
        call.args, call.kwargs = arguments.as_call()  # from here on fit gets the re-chained generator
    callbacks = list(arguments.get("callbacks") or [])
    if any(isinstance(c, WeirCallback) for c in callbacks):
        raise WeirException(
            "autologging must be off when a WeirCallback/MlflowCallback is passed to fit; call "
            "weir.keras.autolog(disable=True) or remove the callback",
            "INVALID_PARAMETER_VALUE",
        )
    early_stopping = _early_stopping(callbacks)
    params = arguments.params()
    batch_size = _data.infer_batch_size(arguments, peeked)
    if batch_size is not None:
        params["batch_size"] = batch_size
    if early_stopping is not None:
        params.update({key: getattr(early_stopping, key, None) for key in EARLY_STOPPING_PARAMS})
    weir.log_params(params, run_id=call.run_id)

    example = None
    if config.log_models and config.log_input_examples:
        with guard(call.integration, "reading an input example", silent=config.silent):
            example = _data.input_example(x if not _data.is_generator(x) else None, peeked)

    callback = WeirCallback(
        log_every_epoch=config.log_every_epoch,
        log_every_n_steps=config.log_every_n_steps,
        run_id=call.run_id,
        integration=call.integration,
        silent=config.silent,
    )
    arguments.set("callbacks", [*callbacks, callback])
    call.args, call.kwargs = arguments.as_call()

    history = yield

    model = call.instance
    with guard(call.integration, "logging early stopping", silent=config.silent):
        _log_early_stopping(call.run_id, early_stopping, history)
    with guard(call.integration, "storing the training metrics", silent=config.silent):
        from weir.tracking import batching

        batching.flush()
    if config.log_models:
        with guard(call.integration, f"logging the model of {call.target}", silent=config.silent):
            _log_model(call, model, example)


def _log_early_stopping(run_id: str, callback: Any, history: Any) -> None:
    """MLflow's record: ``stopped_epoch``, ``restored_epoch`` and the restored epoch's metrics."""
    if callback is None or not getattr(callback, "stopped_epoch", 0):
        return
    import time

    from weir.entities import Metric
    from weir.tracking.client import WeirClient

    stopped = int(callback.stopped_epoch)
    timestamp = time.time_ns() // 1_000_000
    metrics = [Metric("stopped_epoch", float(stopped), timestamp, 0)]
    if callback.restore_best_weights and getattr(callback, "best_weights", None) is not None:
        restored = _restored_epoch(callback, history)
        if restored is not None:
            metrics.append(Metric("restored_epoch", float(restored), timestamp, 0))
            epochs = list(getattr(history, "epoch", []) or [])
            if restored in epochs:
                index = epochs.index(restored)
                for key, values in (getattr(history, "history", {}) or {}).items():
                    if index < len(values):
                        metrics.append(Metric(key, float(values[index]), timestamp, stopped + 1))
    WeirClient().log_batch(run_id, metrics=metrics)


def _restored_epoch(callback: Any, history: Any) -> int | None:
    best_epoch = getattr(callback, "best_epoch", None)
    if best_epoch is not None:
        return int(best_epoch)
    values = (getattr(history, "history", {}) or {}).get(callback.monitor)
    epochs = getattr(history, "epoch", None)
    if not values or not epochs:
        return None
    return int(epochs[0]) + list(values).index(callback.best)


def _log_model(call: Any, model: Any, example: Any) -> None:
    from weir.plugins.safety import guard

    from weir_tensorflow._flavor import log_model
    from weir_tensorflow._signature import example_signature, model_signature

    config = call.config
    signature: Any = False
    if config.log_model_signatures:
        with guard(call.integration, "inferring the model signature", silent=config.silent):
            signature = model_signature(model)
            if signature is None and example is not None:
                signature = example_signature(model, example)
        signature = signature or False
    exported = bool(config.save_exported_model)
    if exported and not signature:
        from weir.plugins.safety import warn

        warn(
            call.integration,
            "save_exported_model needs a model signature, which could not be built; the model is "
            "saved in the .keras format instead",
            silent=config.silent,
        )
        exported = False
    log_model(
        model,
        artifact_path="model",
        signature=signature,
        input_example=example,
        registered_model_name=config.registered_model_name,
        save_exported_model=exported,
        save_model_kwargs=config.save_model_kwargs,
    )
