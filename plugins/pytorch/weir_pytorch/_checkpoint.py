"""Lightning checkpoints as run artifacts (MLflow's layout, ``mlflow.pytorch.autolog(checkpoint=True)``).

- ``checkpoint_save_best_only`` (default): ``checkpoints/latest_checkpoint.pth`` (or
  ``latest_checkpoint.weights.pth``) and ``checkpoints/latest_checkpoint_metrics.json``, replaced
  whenever ``checkpoint_monitor`` improves (``checkpoint_mode`` min or max);
- otherwise ``checkpoints/epoch_<n>/checkpoint.pth`` (or ``global_step_<n>`` with an int
  ``checkpoint_save_freq``) with ``checkpoint_metrics.json``.

The metrics JSON holds the callback metrics plus ``epoch`` and ``global_step``; the tag
``mlflow.latest_checkpoint_artifact`` names the newest checkpoint.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from typing import Any

import weir

LATEST_CHECKPOINT_TAG = "mlflow.latest_checkpoint_artifact"
CHECKPOINT_DIR = "checkpoints"
SUFFIX = ".pth"


class CheckpointLogger:
    """Decides when to save a checkpoint and logs it; one per fit."""

    def __init__(self, config: Any, run_id: str, integration: str) -> None:
        self.run_id = run_id
        self.integration = integration
        self.monitor = config.get("checkpoint_monitor")
        self.mode = config.get("checkpoint_mode", "min")
        self.best_only = bool(config.get("checkpoint_save_best_only", True))
        self.weights_only = bool(config.get("checkpoint_save_weights_only", False))
        self.freq = config.get("checkpoint_save_freq", "epoch")
        self.silent = config.silent
        self.best: float | None = None
        self._warned = False

    def _improved(self, metrics: dict[str, float]) -> bool:
        value = metrics.get(self.monitor) if self.monitor else None
        if value is None or math.isnan(value):
            if not self._warned:
                from weir.plugins.safety import warn

                self._warned = True
                warn(
                    self.integration,
                    f"checkpoints are not logged: checkpoint_save_best_only needs the monitored metric "
                    f"{self.monitor!r}, which the trainer does not report (reported: {', '.join(sorted(metrics))})",
                    silent=self.silent,
                )
            return False
        if self.best is None or (value < self.best if self.mode == "min" else value > self.best):
            self.best = value
            return True
        return False

    def maybe_save(self, trainer: Any, metrics: dict[str, float], *, per_step: bool) -> None:
        """Save now if this point (epoch end or step) is one the configuration asks for."""
        if per_step != isinstance(self.freq, int):
            return
        if per_step and (trainer.global_step == 0 or trainer.global_step % self.freq):
            return
        if self.best_only and not self._improved(metrics):
            return
        epoch, step = trainer.current_epoch, trainer.global_step
        stem = "latest_checkpoint" if self.best_only else "checkpoint"
        file_name = f"{stem}{'.weights' if self.weights_only else ''}{SUFFIX}"
        if self.best_only:
            artifact_dir = CHECKPOINT_DIR
        else:
            artifact_dir = f"{CHECKPOINT_DIR}/{f'global_step_{step}' if per_step else f'epoch_{epoch}'}"
        with tempfile.TemporaryDirectory(prefix="weir-checkpoint-") as tmp:
            checkpoint = trainer._checkpoint_connector.dump_checkpoint(self.weights_only)
            trainer.strategy.save_checkpoint(checkpoint, os.path.join(tmp, file_name))
            with open(os.path.join(tmp, f"{stem}_metrics.json"), "w") as f:
                json.dump({**metrics, "epoch": epoch, "global_step": step}, f)
            weir.log_artifacts(tmp, artifact_dir, run_id=self.run_id)
        weir.set_tag(LATEST_CHECKPOINT_TAG, f"{artifact_dir}/{file_name}", run_id=self.run_id)


__all__ = ["CHECKPOINT_DIR", "LATEST_CHECKPOINT_TAG", "CheckpointLogger"]
