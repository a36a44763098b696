"""State dicts as run artifacts (MLflow's ``log_state_dict`` / ``load_state_dict``).

weir.pytorch.log_state_dict(model.state_dict(), artifact_path="weights")   # weights/state_dict.pth
model.load_state_dict(weir.pytorch.load_state_dict("runs:/<id>/weights"))
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from weir.exceptions import WeirException

STATE_DICT_FILE = "state_dict.pth"


def save_state_dict(state_dict: dict[str, Any], path: str | os.PathLike, **kwargs: Any) -> None:
    """Write ``state_dict`` to ``<path>/state_dict.pth`` with ``torch.save`` (``kwargs`` passed on)."""
    import torch

    if not isinstance(state_dict, dict):
        raise WeirException.invalid_parameter_value(
            f"save_state_dict expects a dict (model.state_dict()), got {type(state_dict).__name__}"
        )
    target = Path(path)
    target.mkdir(parents=True, exist_ok=True)
    torch.save(state_dict, str(target / STATE_DICT_FILE), **kwargs)


def log_state_dict(state_dict: dict[str, Any], artifact_path: str, **kwargs: Any) -> None:
    """Log ``state_dict`` to the active run as ``<artifact_path>/state_dict.pth``."""
    import weir

    with tempfile.TemporaryDirectory(prefix="weir-state-dict-") as tmp:
        save_state_dict(state_dict, tmp, **kwargs)
        weir.log_artifacts(tmp, artifact_path)


def load_state_dict(state_dict_uri: str, dst_path: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """Load the state dict saved at ``state_dict_uri`` (a directory or ``runs:/`` URI holding
    ``state_dict.pth``). Only tensors and plain containers load (``weights_only=True``) unless
    ``weights_only=False`` is passed."""
    import torch
    from weir.models.uri import download_model

    local = Path(download_model(state_dict_uri, dst_path=dst_path))
    file = local / STATE_DICT_FILE if local.is_dir() else local
    if not file.is_file():
        raise WeirException(f"No {STATE_DICT_FILE} at {state_dict_uri!r}", "RESOURCE_DOES_NOT_EXIST")
    kwargs.setdefault("weights_only", True)
    return torch.load(str(file), **kwargs)


__all__ = ["load_state_dict", "log_state_dict", "save_state_dict"]
