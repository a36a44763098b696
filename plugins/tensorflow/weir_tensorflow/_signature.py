"""A Keras model's signature from its own input/output tensors, as MLflow's Keras autolog builds it.

TensorSpecs with the batch dimension (``None``) as -1; several inputs or outputs are named after
their Keras tensors. No prediction is run, so this costs microseconds.
"""

from __future__ import annotations

from typing import Any


def _specs(tensors: Any) -> list[Any] | None:
    import numpy as np
    from weir.types.schema import TensorSpec

    if tensors is None:
        return None
    if isinstance(tensors, dict):
        items = list(tensors.items())
    else:
        items = [
            (getattr(t, "name", None), t)
            for t in (tensors if isinstance(tensors, (list, tuple)) else [tensors])
        ]
    if not items:
        return None
    specs = []
    for name, tensor in items:
        shape = getattr(tensor, "shape", None)
        dtype = getattr(tensor, "dtype", None)
        if shape is None or dtype is None:
            return None
        dims = [-1 if d is None else int(d) for d in shape]
        specs.append(TensorSpec(np.dtype(str(dtype)), dims, str(name) if len(items) > 1 and name else None))
    return specs


def model_signature(model: Any) -> Any:
    """The ``ModelSignature`` of a built functional or Sequential model; None when it has no graph."""
    from weir.models.signature import ModelSignature
    from weir.types.schema import Schema

    try:
        inputs, outputs = model.inputs, model.outputs
    except (AttributeError, ValueError):  # subclassed models have no symbolic inputs
        return None
    input_specs, output_specs = _specs(inputs), _specs(outputs)
    if not input_specs:
        return None
    return ModelSignature(inputs=Schema(input_specs), outputs=Schema(output_specs) if output_specs else None)


def example_signature(model: Any, example: Any) -> Any:
    """A signature inferred from ``model.predict(example)`` (for models without a symbolic graph)."""
    import keras
    from weir.models.signature import infer_signature

    stop = getattr(model, "stop_training", None)
    try:
        output = keras.ops.convert_to_numpy(model.predict(example, verbose=0))
    finally:
        if stop is not None:
            model.stop_training = stop  # predict may reset it; early stopping reads it after fit
    return infer_signature(example, output)


__all__ = ["example_signature", "model_signature"]
