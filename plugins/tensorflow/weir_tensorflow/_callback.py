"""The Keras callback that logs a ``fit`` to a weir run (autolog adds it; users may add it by hand).

    model.fit(x, y, epochs=5, callbacks=[weir.keras.MlflowCallback()])

At train begin: the optimizer's config as ``optimizer_<key>`` params (``optimizer_name``,
``optimizer_learning_rate``...), the loss as ``loss``, and ``model.summary()`` as
``model_summary.txt``. Per epoch (``log_every_epoch``): every entry of Keras' logs (``loss``,
``accuracy``, ``val_loss``...) at ``step=epoch``; or every ``log_every_n_steps`` optimizer steps the
running batch metrics at ``step=<global step>``. At the end of each validation pass: ``validation_<k>``.

Metric points go to weir's buffered writer (a background thread stores them in batches), so an
epoch costs microseconds. Every hook runs under weir's safety guard: a logging failure is a warning
(once; the callback then stops logging) and never interrupts training.

This module subclasses ``keras.callbacks.Callback`` and so imports Keras: it is only imported once
the user's program has imported Keras.
"""

from __future__ import annotations

import time
from typing import Any

import keras
from weir.plugins.safety import guard

from weir_tensorflow._autolog import check_logging_frequency

__all__ = ["MlflowCallback", "WeirCallback"]


def _plain(value: Any) -> Any:
    """Optimizer config values as params: schedules and other dicts as their compact repr."""
    if isinstance(value, dict):
        inner = value.get("config", value)
        name = value.get("class_name")
        return f"{name}({inner})" if name else str(inner)
    return value


def loss_name(loss: Any) -> str | None:
    """The compiled loss as MLflow users know it: its string, or a Loss object's ``name``."""
    if loss is None:
        return None
    if isinstance(loss, str):
        return loss
    if isinstance(loss, dict):
        return str({k: loss_name(v) for k, v in loss.items()})
    if isinstance(loss, (list, tuple)):
        return str([loss_name(v) for v in loss])
    return getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__


class WeirCallback(keras.callbacks.Callback):
    """Log a Keras training run to weir (MLflow's ``mlflow.keras.MlflowCallback``, same arguments).

    :param log_every_epoch: log the epoch metrics at ``step=epoch``.
    :param log_every_n_steps: instead, log the batch metrics every ``n`` optimizer steps
        (must be None when ``log_every_epoch`` is True, as in MLflow).
    :param run_id: the run to log to; default: the active run when training begins (one is
        started if none is active).
    """

    def __init__(
        self,
        log_every_epoch: bool = True,
        log_every_n_steps: int | None = None,
        run_id: str | None = None,
        *,
        integration: str = "keras",
        silent: bool = False,
    ) -> None:
        super().__init__()
        check_logging_frequency(log_every_epoch, log_every_n_steps)
        self.log_every_epoch = log_every_epoch
        self.log_every_n_steps = log_every_n_steps
        self.run_id = run_id
        self._integration = integration
        self._silent = silent
        self._client: Any = None
        self._synchronous = False
        self._broken = False
        self._epoch = 0
        self._last_logged_step = 0
        if log_every_n_steps is not None:
            # Only then: a batch hook makes Keras call back after every batch (no async dispatch).
            self.on_train_batch_end = self._on_train_batch_end

    # --- plumbing --------------------------------------------------------------------------------
    def _guarded(self, what: str):
        return guard(self._integration, f"{what} (Keras callback)", silent=self._silent)

    def _log_metrics(self, values: dict[str, Any], step: int) -> None:
        from weir.entities import Metric

        timestamp = time.time_ns() // 1_000_000
        metrics = []
        for key, value in values.items():
            try:
                number = float(value)
            except (TypeError, ValueError):
                continue  # Keras may put non-scalars (a learning-rate schedule's repr) in logs
            metrics.append(Metric(str(key), number, timestamp, step))
        if metrics:
            self._client.log_batch(self.run_id, metrics=metrics, synchronous=self._synchronous)

    def _run(self, what: str, action) -> None:
        if self._broken or self._client is None:
            return
        ok = False
        with self._guarded(what):
            action()
            ok = True
        if not ok:
            self._broken = True  # one warning, not one per epoch

    # --- Keras hooks -----------------------------------------------------------------------------
    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        with self._guarded("starting to log"):
            import weir
            from weir.tracking import batching
            from weir.tracking.client import WeirClient

            if self.run_id is None:
                run = weir.active_run() or weir.start_run()
                self.run_id = run.info.run_id
            self._client = WeirClient()
            self._synchronous = not batching.async_logging_enabled()
            self._epoch = 0
            if self.log_every_n_steps is not None:
                iterations = getattr(getattr(self.model, "optimizer", None), "iterations", None)
                self._last_logged_step = (
                    int(keras.ops.convert_to_numpy(iterations)) if iterations is not None else 0
                )
        self._run("logging the optimizer, loss and model summary", self._log_train_begin)

    def _log_train_begin(self) -> None:
        from weir.entities import Param
        from weir.tracking import validation

        params: dict[str, Any] = {}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None:
            params.update({f"optimizer_{k}": _plain(v) for k, v in optimizer.get_config().items()})
        loss = loss_name(getattr(self.model, "loss", None))
        if loss is not None:
            params["loss"] = loss
        if params:
            self._client.log_batch(
                self.run_id,
                params=[Param(k, validation.param_value(k, v)) for k, v in params.items()],
            )
        lines: list[str] = []
        self.model.summary(print_fn=lambda line, *args, **kwargs: lines.append(line))
        self._client.log_text(self.run_id, "\n".join(lines), "model_summary.txt")

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._epoch = epoch

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.log_every_epoch and logs:
            self._run("logging epoch metrics", lambda: self._log_metrics(logs, epoch))

    def _on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        # The optimizer's step counter, as MLflow uses: the batch index Keras passes is the first or
        # the last step of a steps_per_execution chunk depending on the Keras version.
        iterations = getattr(getattr(self.model, "optimizer", None), "iterations", None)
        if iterations is None:
            return
        step = int(keras.ops.convert_to_numpy(iterations))
        n = self.log_every_n_steps
        if logs and step // n > self._last_logged_step // n:
            self._last_logged_step = step
            self._run("logging step metrics", lambda: self._log_metrics(logs, step))

    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        if logs:
            values = {f"validation_{k}": v for k, v in logs.items()}
            self._run("logging validation metrics", lambda: self._log_metrics(values, self._epoch))


MlflowCallback = WeirCallback
