"""PyTorch Lightning: what ``Trainer.fit`` logs (MLflow's ``mlflow.pytorch.autolog`` names).

- params at train start: ``epochs`` (``max_epochs``), ``optimizer_name`` and the optimizer's
  ``defaults`` (``lr``, ``betas``, ``weight_decay``...); EarlyStopping's ``monitor``, ``mode``,
  ``patience``, ``min_delta``, ``stopped_epoch`` before training;
- metrics: ``trainer.callback_metrics`` after each epoch at ``step=epoch`` (every
  ``log_every_n_epoch`` epochs), per-step values at ``step=global_step`` with ``log_every_n_step``,
  test metrics after ``trainer.test``; early stopping's ``stopped_epoch``, ``restored_epoch``,
  ``best_score``, ``wait_count``;
- tags ``Mode=training`` / ``Mode=testing``; artifacts ``model_summary.txt`` and, with ``log_models``,
  the model (signature from the first training batch's forward pass).

The callback is built per Lightning package (``lightning.pytorch`` or ``pytorch_lightning``) so it
subclasses that package's ``Callback``.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any

import weir

from weir_pytorch._checkpoint import CheckpointLogger
from weir_pytorch._tensorboard import mark_writer_skipped, metric_key

EARLY_STOPPING_PARAMS = ("monitor", "mode", "patience", "min_delta", "stopped_epoch")
INPUT_EXAMPLE_ROWS = 5


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError, RuntimeError):  # a non-scalar tensor or an object
        return None


def _optimizer_params(trainer: Any) -> dict[str, Any]:
    optimizers = getattr(trainer, "optimizers", None) or []
    if not optimizers:
        return {}
    optimizer = getattr(optimizers[0], "_optimizer", optimizers[0])  # LightningOptimizer wraps it
    return {"optimizer_name": type(optimizer).__name__, **dict(getattr(optimizer, "defaults", {}) or {})}


class _ForwardCapture:
    """Records the first training batch's forward input and output for the model signature."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self.inputs: Any = None
        self.outputs: Any = None
        self._had_own = "forward" in module.__dict__
        original = module.forward

        @functools.wraps(original)
        def forward(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            self.restore()
            import torch

            if (
                len(args) == 1
                and not kwargs
                and isinstance(args[0], torch.Tensor)
                and isinstance(result, torch.Tensor)
            ):
                self.inputs = args[0][:INPUT_EXAMPLE_ROWS].detach().cpu().numpy()
                self.outputs = result[:INPUT_EXAMPLE_ROWS].detach().cpu().numpy()
            return result

        self._forward = forward
        module.forward = forward

    def restore(self) -> None:
        if self.module.__dict__.get("forward") is self._forward:
            if self._had_own:
                return  # the user's own instance forward was wrapped: leave it (rare); keep ours inert
            del self.module.forward

    def signature(self) -> Any:
        if self.inputs is None:
            return None
        from weir.models.signature import infer_signature

        return infer_signature(self.inputs, self.outputs)


def make_callback_class(lightning: ModuleType) -> type:
    """The weir callback class for one Lightning package."""

    class WeirLightningCallback(lightning.Callback):
        """Logs a ``Trainer.fit`` into ``run_id`` (set for each fit by the autolog wrapper).

        Every hook runs under weir's guard: a logging failure is a warning, never a training error.
        """

        def __init__(self, integration: str) -> None:
            self.integration = integration
            self.run_id: str | None = None
            self.config: Any = None
            self.capture: _ForwardCapture | None = None
            self.checkpoints: CheckpointLogger | None = None
            self._step_metrics: set[str] = set()
            self._epoch_metrics: set[str] = set()

        def _should_log(self, trainer: Any) -> bool:
            from weir.plugins.autolog import get_autolog_config

            config = get_autolog_config(self.integration)
            if self.run_id is None or config is None or config.disable:
                return False
            return trainer.global_rank == 0 and not trainer.sanity_checking

        def _guard(self, what: str) -> Any:
            from weir.plugins.safety import guard

            return guard(self.integration, f"logging {what}", silent=bool(self.config and self.config.silent))

        def _log(
            self, metrics: Any, step: int, names: set[str] | None = None, skip: frozenset | set = frozenset()
        ) -> dict[str, float]:
            logged = {}
            for name, value in metrics.items():
                number = _float(value)
                if name in skip or number is None:
                    continue
                if names is not None:
                    names.add(name)
                logged[name] = number
                weir.log_metric(metric_key(name), number, step=step, run_id=self.run_id)
            return logged

        def on_train_start(self, trainer: Any, pl_module: Any) -> None:
            if not self._should_log(trainer):
                return
            with self._guard("the training parameters"):
                weir.set_tag("Mode", "training", run_id=self.run_id)
                params = {"epochs": trainer.max_epochs, **_optimizer_params(trainer)}
                weir.log_params(params, run_id=self.run_id)
                if self.config.log_models and (
                    self.config.log_model_signatures or self.config.log_input_examples
                ):
                    self.capture = _ForwardCapture(pl_module)

        def on_train_batch_end(self, trainer: Any, pl_module: Any, *args: Any) -> None:
            every = self.config.get("log_every_n_step") if self.config is not None else None
            if not (every or self.checkpoints) or not self._should_log(trainer):
                return
            with self._guard("step metrics"):
                step = trainer.global_step
                metrics = trainer.callback_metrics
                logged = {}
                if every and step % every == 0:
                    # "loss_step" is the per-step twin of "loss_epoch": log it, not the epoch value
                    skip = {
                        name for name in metrics if name in self._epoch_metrics or f"{name}_step" in metrics
                    }
                    logged = self._log(metrics, step, self._step_metrics, skip)
                if self.checkpoints is not None:
                    values = logged or {
                        k: v for k, v in ((k, _float(v)) for k, v in metrics.items()) if v is not None
                    }
                    self.checkpoints.maybe_save(trainer, values, per_step=True)

        def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
            if not self._should_log(trainer):
                return
            with self._guard("epoch metrics"):
                every = self.config.get("log_every_n_epoch") or 1
                epoch = trainer.current_epoch
                metrics = {k: v for k, v in trainer.callback_metrics.items() if k not in self._step_metrics}
                self._epoch_metrics.update(metrics)
                values = {k: v for k, v in ((k, _float(v)) for k, v in metrics.items()) if v is not None}
                if (epoch + 1) % every == 0:
                    self._log(values, epoch)
                if self.checkpoints is not None:
                    self.checkpoints.maybe_save(trainer, values, per_step=False)

        def on_test_end(self, trainer: Any, pl_module: Any) -> None:
            if not self._should_log(trainer):
                return
            with self._guard("test metrics"):
                weir.set_tag("Mode", "testing", run_id=self.run_id)
                self._log(trainer.callback_metrics, 0)

    return WeirLightningCallback


def _early_stopping_callbacks(trainer: Any, lightning: ModuleType) -> list[Any]:
    return [cb for cb in trainer.callbacks if isinstance(cb, lightning.callbacks.EarlyStopping)]


def _log_early_stopping_results(callback: Any, run_id: str) -> None:
    stopped = int(getattr(callback, "stopped_epoch", 0) or 0)
    if stopped == 0:
        return
    metrics = {"stopped_epoch": stopped, "restored_epoch": stopped - max(1, int(callback.patience))}
    best = _float(getattr(callback, "best_score", None))
    if best is not None:
        metrics["best_score"] = best
    if hasattr(callback, "wait_count"):
        metrics["wait_count"] = int(callback.wait_count)
    weir.log_metrics(metrics, run_id=run_id)


def _model_summary(lightning: ModuleType, model: Any) -> str:
    from importlib import import_module

    summary = import_module(f"{lightning.__name__}.utilities.model_summary")
    return str(summary.ModelSummary(model, max_depth=-1))


def _writers_of(trainer: Any) -> list[Any]:
    """The SummaryWriters behind the trainer's TensorBoard loggers (already created ones only)."""
    writers = []
    for logger in getattr(trainer, "loggers", None) or []:
        writer = getattr(logger, "_experiment", None)
        if writer is not None and hasattr(writer, "add_scalar"):
            writers.append(writer)
    return writers


def make_fit_wrapper(lightning: ModuleType, integration: str) -> Any:
    """The autolog wrapper of ``<lightning>.Trainer.fit``."""
    callback_class = make_callback_class(lightning)

    def log_fit(call: Any) -> Any:
        trainer = call.instance
        config = call.config
        callback = next((cb for cb in trainer.callbacks if isinstance(cb, callback_class)), None)
        if callback is None:
            callback = callback_class(integration)
            trainer.callbacks.append(callback)
        callback.run_id, callback.config, callback.capture = call.run_id, config, None
        callback.checkpoints = (
            CheckpointLogger(config, call.run_id, integration) if config.get("checkpoint") else None
        )
        early_stopping = _early_stopping_callbacks(trainer, lightning)
        for early in early_stopping:
            params = {name: getattr(early, name) for name in EARLY_STOPPING_PARAMS if hasattr(early, name)}
            weir.log_params(params, run_id=call.run_id)
        try:
            yield
        finally:
            if callback.capture is not None:
                callback.capture.restore()
            for writer in _writers_of(trainer):
                mark_writer_skipped(writer)  # Lightning's own TensorBoard logger: already logged here
        for early in early_stopping:
            _log_early_stopping_results(early, call.run_id)
        model = trainer.lightning_module
        weir.log_text(_model_summary(lightning, model), "model_summary.txt", run_id=call.run_id)
        if config.log_models:
            _log_model(model, callback.capture, config, call.run_id)

    return log_fit


def _log_model(model: Any, capture: _ForwardCapture | None, config: Any, run_id: str) -> None:
    from weir_pytorch._flavor import log_model

    signature = None
    example = None
    if capture is not None:
        if config.log_model_signatures:
            signature = capture.signature()
        if config.log_input_examples:
            example = capture.inputs
    log_model(
        model,
        name="model",
        signature=signature if signature is not None else False,
        input_example=example,
        registered_model_name=config.get("registered_model_name"),
        run_id=run_id,
    )


__all__ = ["make_callback_class", "make_fit_wrapper"]
