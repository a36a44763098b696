"""PyTorch flavor and autologging for weir (``weir.pytorch`` / ``mlflow.pytorch``).

    import weir
    weir.autolog()                                   # or weir.pytorch.autolog(...)
    writer = SummaryWriter()                         # vanilla loop: scalars -> metrics
    writer.add_scalar("loss", loss, epoch)
    trainer.fit(lightning_module, loader)            # Lightning: params, metrics, model
    weir.pytorch.save_model(net, "model_dir")
    weir.pytorch.load_model("model_dir")

Nothing here imports torch: it is imported when a flavor function runs or, for autolog, patched by
the post-import hooks once the user imports ``torch.utils.tensorboard`` or Lightning.
"""

from __future__ import annotations

import functools
from typing import Any

from weir.plugins import hookimpl

from weir_pytorch._flavor import (
    DEFAULT_PICKLE_MODULE_NAME,
    FLAVOR_NAME,
    PyTorchPyfuncModel,
    _load_pyfunc,
    get_default_conda_env,
    get_default_pip_requirements,
    load_model,
    log_model,
    save_model,
)
from weir_pytorch._state_dict import load_state_dict, log_state_dict, save_state_dict


def autolog(
    log_every_n_epoch: int = 1,
    log_every_n_step: int | None = None,
    log_models: bool = True,
    log_datasets: bool = True,
    disable: bool = False,
    exclusive: bool = False,
    disable_for_unsupported_versions: bool = False,
    silent: bool = False,
    registered_model_name: str | None = None,
    extra_tags: dict[str, str] | None = None,
    checkpoint: bool = True,
    checkpoint_monitor: str | None = "val_loss",
    checkpoint_mode: str = "min",
    checkpoint_save_best_only: bool = True,
    checkpoint_save_weights_only: bool = False,
    checkpoint_save_freq: str | int = "epoch",
    log_model_signatures: bool = True,
    log_input_examples: bool = False,
) -> None:
    """Autolog PyTorch training (MLflow's ``mlflow.pytorch.autolog``; same flags and defaults).

    - TensorBoard (vanilla loops): ``SummaryWriter.add_scalar``/``add_scalars`` values become
      metrics at ``step=global_step`` (every step, or every ``log_every_n_step`` steps),
      ``add_hparams`` logs params and metrics. They go to the active run, else to one run per
      writer, ended by ``writer.close()`` or at exit.
    - Lightning ``Trainer.fit``: ``epochs``, optimizer name and defaults, EarlyStopping settings
      and results, ``trainer.callback_metrics`` per epoch (``step=epoch``, every
      ``log_every_n_epoch``) and per step with ``log_every_n_step``, ``model_summary.txt`` and,
      with ``log_models``, the model (signature from the first batch).
    - With ``checkpoint``, Lightning fits also log a checkpoint after each epoch (only when
      ``checkpoint_monitor`` improves, with ``checkpoint_save_best_only``) under ``checkpoints/``.

    ``log_datasets`` is accepted for compatibility; weir does not log dataset inputs yet.
    """
    from weir.exceptions import WeirException
    from weir.plugins.autolog import configure_autolog

    for flag, value in (("log_every_n_epoch", log_every_n_epoch), ("log_every_n_step", log_every_n_step)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise WeirException.invalid_parameter_value(f"{flag} must be a positive int, got {value!r}")
    if checkpoint_mode not in ("min", "max"):
        raise WeirException.invalid_parameter_value(
            f"checkpoint_mode must be 'min' or 'max', got {checkpoint_mode!r}"
        )
    if checkpoint_save_freq != "epoch" and (
        isinstance(checkpoint_save_freq, bool)
        or not isinstance(checkpoint_save_freq, int)
        or checkpoint_save_freq < 1
    ):
        raise WeirException.invalid_parameter_value(
            f"checkpoint_save_freq must be 'epoch' or a positive int, got {checkpoint_save_freq!r}"
        )
    for autologger in _autologgers():
        configure_autolog(
            autologger,
            log_input_examples=log_input_examples,
            log_model_signatures=log_model_signatures,
            log_models=log_models,
            log_datasets=log_datasets,
            disable=disable,
            exclusive=exclusive,
            disable_for_unsupported_versions=disable_for_unsupported_versions,
            silent=silent,
            extra_tags=extra_tags,
            log_every_n_epoch=log_every_n_epoch,
            log_every_n_step=log_every_n_step,
            registered_model_name=registered_model_name,
            checkpoint=checkpoint,
            checkpoint_monitor=checkpoint_monitor,
            checkpoint_mode=checkpoint_mode,
            checkpoint_save_best_only=checkpoint_save_best_only,
            checkpoint_save_weights_only=checkpoint_save_weights_only,
            checkpoint_save_freq=checkpoint_save_freq,
        )


@functools.lru_cache(maxsize=1)
def _autologgers() -> tuple[Any, ...]:
    from weir_pytorch._autolog import AUTOLOGGER_CLASSES

    return tuple(cls() for cls in AUTOLOGGER_CLASSES)


@hookimpl
def register_autologgers(register) -> None:
    for autologger in _autologgers():
        register(autologger)


@hookimpl
def register_flavors(register) -> None:
    from weir.plugins.flavors import Flavor

    register(Flavor(name=FLAVOR_NAME, module="weir_pytorch", aliases=("mlflow.pytorch", "weir.pytorch")))


__all__ = [
    "DEFAULT_PICKLE_MODULE_NAME",
    "FLAVOR_NAME",
    "PyTorchPyfuncModel",
    "_load_pyfunc",
    "autolog",
    "get_default_conda_env",
    "get_default_pip_requirements",
    "load_model",
    "load_state_dict",
    "log_model",
    "log_state_dict",
    "save_model",
    "save_state_dict",
]
