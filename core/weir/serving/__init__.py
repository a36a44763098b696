"""The model scoring server: ``weir models serve`` and friends.

Nothing heavy is imported here; starlette/uvicorn, numpy and pandas are imported where they are used
(install the server pieces with ``pip install 'weir[serve]'``).
"""

from __future__ import annotations

__all__ = ["build_app", "predict_batch"]


def __getattr__(name: str):
    if name == "build_app":
        from weir.serving.app import build_app

        return build_app
    if name == "predict_batch":
        from weir.serving.batch import predict_batch

        return predict_batch
    raise AttributeError(f"module 'weir.serving' has no attribute {name!r}")
