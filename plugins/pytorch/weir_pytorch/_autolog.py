"""The autolog integrations of weir-pytorch: TensorBoard ``SummaryWriter`` and Lightning ``Trainer.fit``.

Three ``Autologger``s, because each has its own trigger import and version range:

- ``pytorch``: ``torch.utils.tensorboard`` (vanilla loops), torch's range;
- ``lightning``: ``lightning.pytorch``, the ``lightning`` package's range;
- ``pytorch_lightning``: ``pytorch_lightning``, the ``pytorch-lightning`` package's range.

``weir.pytorch.autolog(...)`` configures all three with the same flags, and
``weir.autolog(exclude_flavors=["pytorch"])`` leaves all three alone (the Lightning ones have the
alias ``pytorch``).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, ClassVar

from weir.plugins.autolog import Autologger
from weir.plugins.patching import Patches

from weir_pytorch import package

# MLflow's mlflow.pytorch.autolog flags beyond the common ones, with its defaults.
OPTIONS: dict[str, Any] = {
    "log_every_n_epoch": 1,
    "log_every_n_step": None,
    "registered_model_name": None,
    "checkpoint": True,
    "checkpoint_monitor": "val_loss",
    "checkpoint_mode": "min",
    "checkpoint_save_best_only": True,
    "checkpoint_save_weights_only": False,
    "checkpoint_save_freq": "epoch",
}


class TensorBoardAutologger(Autologger):
    """``SummaryWriter.add_scalar`` / ``add_scalars`` / ``add_hparams`` / ``close``."""

    name = "pytorch"
    module = "torch.utils.tensorboard"
    supported = package.SUPPORTED
    options = OPTIONS

    def _patch(self, module: ModuleType, config: Any, patches: Patches) -> None:
        from weir_pytorch._tensorboard import patch_summary_writer

        patch_summary_writer(module.SummaryWriter, patches)


class _LightningAutologger(Autologger):
    aliases: ClassVar[tuple[str, ...]] = ("pytorch",)
    options = OPTIONS

    def _patch(self, module: ModuleType, config: Any, patches: Patches) -> None:
        from weir_pytorch._lightning import make_fit_wrapper

        patches.wrap(module.Trainer, "fit", make_fit_wrapper(module, self.name))


class LightningAutologger(_LightningAutologger):
    """``lightning.pytorch.Trainer.fit`` (also ``lightning.Trainer``: the same class)."""

    name = "lightning"
    module = "lightning.pytorch"
    supported = package.LIGHTNING_SUPPORTED


class PyTorchLightningAutologger(_LightningAutologger):
    """``pytorch_lightning.Trainer.fit``."""

    name = "pytorch_lightning"
    module = "pytorch_lightning"
    supported = package.PYTORCH_LIGHTNING_SUPPORTED


AUTOLOGGER_CLASSES: tuple[type[Autologger], ...] = (
    TensorBoardAutologger,
    LightningAutologger,
    PyTorchLightningAutologger,
)

__all__ = [
    "AUTOLOGGER_CLASSES",
    "OPTIONS",
    "LightningAutologger",
    "PyTorchLightningAutologger",
    "TensorBoardAutologger",
]
