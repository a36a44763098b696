"""Supported scikit-learn versions: the single source of truth.

``SUPPORTED`` feeds the plugin host's version gate (checked against installed metadata, before any
import) and must match the ``frameworks`` extra in ``pyproject.toml`` (a test checks it).
``TESTED`` names the versions pinned in ``tests/requirements/{oldest,latest}.txt``.
"""

from __future__ import annotations

# 1.4.2 is the oldest release with cp311 wheels that run on numpy 2.
SUPPORTED: tuple[str, ...] = ("scikit-learn >= 1.4.2, < 2",)
TESTED: dict[str, str] = {"oldest": "1.4.2", "latest": "1.9.1"}

__all__ = ["SUPPORTED", "TESTED"]
