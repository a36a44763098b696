"""Supported Keras / TensorFlow versions: the single source of truth.

``SUPPORTED`` feeds the plugin host's version gate (checked against installed metadata, before any
import) and must match the ``frameworks`` extra in ``pyproject.toml`` (a test checks it). The gate
looks at Keras, the package whose ``Model.fit`` is patched; TensorFlow 2.16+ is the first release
whose ``tf.keras`` is Keras 3, so ``tf.keras`` models are the same classes and are covered too.
``TESTED`` names the versions pinned in ``tests/requirements/{oldest,latest}.txt``.
"""

from __future__ import annotations

# Keras 3.3 is the oldest Keras 3 that TensorFlow 2.16 (the first TF on Keras 3) runs well with.
SUPPORTED: tuple[str, ...] = ("keras >= 3.3, < 4", "tensorflow-cpu >= 2.16.1, < 3")
KERAS_SUPPORTED: tuple[str, ...] = SUPPORTED[:1]
TESTED: dict[str, dict[str, str]] = {
    "oldest": {"keras": "3.3.3", "tensorflow-cpu": "2.16.2"},
    "latest": {"keras": "3.15.1", "tensorflow-cpu": "2.21.0"},
}

__all__ = ["KERAS_SUPPORTED", "SUPPORTED", "TESTED"]
