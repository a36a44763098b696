"""Supported PyTorch and Lightning versions: the single source of truth.

``SUPPORTED`` feeds the plugin host's version gate (checked against installed metadata, before any
import) and must match the ``frameworks`` extra in ``pyproject.toml`` (a test checks it).
``TESTED`` names the torch versions pinned in ``tests/requirements/{oldest,latest}.txt``: both are
2.13.0, the only torch (a CPU wheel) this project's machines can install, so the test matrix varies
Lightning and TensorBoard instead (``LIGHTNING_TESTED``). Everything the plugin calls in torch
(``torch.save``/``torch.load``, ``torch.jit``, ``torch.export``, ``SummaryWriter``) exists unchanged
since torch 2.1.
"""

from __future__ import annotations

SUPPORTED: tuple[str, ...] = ("torch >= 2.1, < 3",)
TESTED: dict[str, str] = {"oldest": "2.13.0", "latest": "2.13.0"}

# Lightning ships as ``lightning`` (import lightning.pytorch) and as ``pytorch-lightning``.
LIGHTNING_SUPPORTED: tuple[str, ...] = ("lightning >= 2.1, < 3",)
PYTORCH_LIGHTNING_SUPPORTED: tuple[str, ...] = ("pytorch-lightning >= 2.1, < 3",)
LIGHTNING_TESTED: dict[str, str] = {"oldest": "2.1.0", "latest": "2.6.6"}

__all__ = ["LIGHTNING_SUPPORTED", "LIGHTNING_TESTED", "PYTORCH_LIGHTNING_SUPPORTED", "SUPPORTED", "TESTED"]
