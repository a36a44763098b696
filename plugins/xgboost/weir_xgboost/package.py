"""Supported XGBoost versions: the single source of truth.

``SUPPORTED`` feeds the plugin host's version gate (checked against installed metadata, before any
import); its first entry must match the ``frameworks`` extra in ``pyproject.toml`` (a test checks
it). ``xgboost-cpu`` is the CPU-only wheel of the same library, so either distribution counts.
``TESTED`` names the versions pinned in ``tests/requirements/{oldest,latest}.txt``.
"""

from __future__ import annotations

# 2.1.1 is the oldest release published as xgboost-cpu; it runs on numpy 2.
SUPPORTED: tuple[str, ...] = ("xgboost >= 2.1.1, < 4", "xgboost-cpu >= 2.1.1, < 4")
TESTED: dict[str, str] = {"oldest": "2.1.1", "latest": "3.2.0"}

__all__ = ["SUPPORTED", "TESTED"]
