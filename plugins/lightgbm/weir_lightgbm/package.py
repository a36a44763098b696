"""Supported LightGBM versions: the single source of truth.

``SUPPORTED`` feeds the plugin host's version gate (checked against installed metadata, before any
import) and must match the ``frameworks`` extra in ``pyproject.toml`` (a test checks it).
``TESTED`` names the versions pinned in ``tests/requirements/{oldest,latest}.txt``.
"""

from __future__ import annotations

# 4.0 replaced train()'s early_stopping_rounds/evals_result arguments with callbacks.
SUPPORTED: tuple[str, ...] = ("lightgbm >= 4.0.0, < 5",)
TESTED: dict[str, str] = {"oldest": "4.0.0", "latest": "4.7.0"}

__all__ = ["SUPPORTED", "TESTED"]
