"""What autologging needs to know about ``fit``'s arguments, read without consuming the user's data.

- ``FitArguments``: ``fit``'s arguments by name, defaults included, and a way to hand changed
  ones back to the call (``x`` replaced by a re-chained generator, ``callbacks`` extended).
- ``peek_generator``: the first batch of a Python generator plus a generator that yields it again
  followed by the rest, so the user's generator is consumed exactly once.
- ``infer_batch_size`` / ``input_example``: from numpy, pandas, dicts, tensors, ``tf.data``
  datasets, Keras ``PyDataset``s and peeked generator batches.

Nothing here imports Keras or TensorFlow; ``tf.data`` is recognised by class name, as Keras does.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Iterator, Mapping
from typing import Any

EXAMPLE_ROWS = 5
# Keras' documented batch size when fit gets arrays and batch_size=None.
KERAS_DEFAULT_BATCH_SIZE = 32
# fit arguments MLflow does not log as params (data, callbacks, verbosity); sample_weight is data too.
UNLOGGED_ARGUMENTS = frozenset({"self", "x", "y", "callbacks", "validation_data", "verbose", "sample_weight"})
NO_BATCH = object()


class FitArguments:
    """``Model.fit``'s arguments bound to its signature; ``as_call()`` gives ``(args, kwargs)`` back."""

    def __init__(self, signature: inspect.Signature | None, args: tuple, kwargs: Mapping[str, Any]) -> None:
        self._signature = signature
        self.values: dict[str, Any] = {}
        self.extra: dict[str, Any] = {}
        self._bound = False
        if signature is not None:
            try:
                bound = signature.bind_partial(None, *args, **kwargs)
            except TypeError:
                bound = None  # an unexpected call shape: the user's fit reports it, we log what we can
            if bound is not None:
                bound.apply_defaults()
                for name, value in bound.arguments.items():
                    kind = signature.parameters[name].kind
                    if kind is inspect.Parameter.VAR_KEYWORD:
                        self.extra.update(value)
                    elif kind is not inspect.Parameter.VAR_POSITIONAL:
                        self.values[name] = value
                self.values.pop(next(iter(signature.parameters)), None)  # self
                self._bound = not any(
                    p.kind is inspect.Parameter.VAR_POSITIONAL for p in signature.parameters.values()
                )
        if not self._bound:
            self.values = dict(kwargs)
            self._args = tuple(args)
            if args:
                self.values.setdefault("x", args[0])

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def set(self, name: str, value: Any) -> None:
        self.values[name] = value

    def as_call(self) -> tuple[tuple, dict[str, Any]]:
        """Arguments for the user's ``fit``, all by keyword (the signature accepts that)."""
        if self._bound:
            return (), {**self.values, **self.extra}
        args = self._args
        values = dict(self.values)
        if args:
            args = (values.pop("x"), *args[1:])
        return args, values

    def params(self) -> dict[str, Any]:
        """The arguments MLflow logs as params: everything but data, callbacks and verbosity."""
        logged = {}
        for name, value in {**self.values, **self.extra}.items():
            if name in UNLOGGED_ARGUMENTS or _is_data(value):
                continue
            logged[name] = value
        return logged


def _is_data(value: Any) -> bool:
    """Arrays, tensors and datasets: values that are data, not settings."""
    if value is None or isinstance(value, (str, bytes, int, float, bool)):
        return False
    return hasattr(value, "shape") or hasattr(value, "element_spec") or isinstance(value, types.GeneratorType)


def fit_signature(fit: Callable) -> inspect.Signature | None:
    try:
        return inspect.signature(fit)
    except (TypeError, ValueError):
        return None


# --- generators ----------------------------------------------------------------------------------


def _rechain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def peek_generator(generator: types.GeneratorType) -> tuple[Any, types.GeneratorType]:
    """``(first batch, generator yielding it and then the rest)``; ``(NO_BATCH, ...)`` if empty.

    Keras only accepts real generators (``types.GeneratorType``), so the replacement is one too.
    """
    try:
        first = next(generator)
    except StopIteration:
        return NO_BATCH, _rechain_empty()
    return first, _rechain(first, generator)


def _rechain_empty() -> Iterator[Any]:
    yield from ()


def is_generator(value: Any) -> bool:
    return isinstance(value, types.GeneratorType)


def has_batch(batch: Any) -> bool:
    return batch is not NO_BATCH


# --- data kinds ----------------------------------------------------------------------------------


def is_tf_dataset(value: Any) -> bool:
    """A ``tf.data.Dataset`` (recognised by class, so TensorFlow is not imported)."""
    for parent in type(value).__mro__:
        if parent.__name__ == "DatasetV2" and parent.__module__.startswith("tensorflow."):
            return True
    return False


def is_py_dataset(value: Any) -> bool:
    """A Keras ``PyDataset`` / ``keras.utils.Sequence``: indexable batches."""
    for parent in type(value).__mro__:
        if parent.__name__ in ("PyDataset", "Sequence", "PyDatasetAdapter") and parent.__module__.startswith(
            "keras"
        ):
            return True
    return False


def _features(batch: Any) -> Any:
    """The inputs of one ``(x, y[, sample_weight])`` batch, or the batch itself if it is only inputs."""
    if isinstance(batch, tuple) and batch:
        return batch[0]
    return batch


def _first_length(features: Any) -> int | None:
    if isinstance(features, Mapping):
        features = next(iter(features.values()), None)
    elif isinstance(features, (list, tuple)) and features and hasattr(features[0], "shape"):
        features = features[0]
    shape = getattr(features, "shape", None)
    if shape is not None and len(shape) > 0 and shape[0] is not None:
        return int(shape[0])
    if isinstance(features, (list, tuple)):
        return len(features)
    return None


def _dataset_batch_size(dataset: Any) -> int | None:
    """The ``batch()`` size of a ``tf.data`` pipeline, looking through ``prefetch``/``map``/... stages."""
    node = dataset
    for _ in range(16):
        size = getattr(node, "_batch_size", None)
        if size is not None:
            return int(size.numpy()) if hasattr(size, "numpy") else int(size)
        node = getattr(node, "_input_dataset", None)
        if node is None:
            return None
    return None


def infer_batch_size(arguments: FitArguments, peeked: Any = NO_BATCH) -> int | None:
    """The batch size ``fit`` trains with: given, read from the data, or Keras' default of 32."""
    given = arguments.get("batch_size")
    if given is not None:
        return given
    x = arguments.get("x")
    if has_batch(peeked):
        return _first_length(_features(peeked))
    if is_tf_dataset(x):
        return _dataset_batch_size(x)
    if is_py_dataset(x):
        size = getattr(x, "batch_size", None)
        if isinstance(size, int):
            return size
        return _first_length(_features(x[0])) if len(x) else None
    if x is not None and not is_generator(x):
        return KERAS_DEFAULT_BATCH_SIZE
    return None


# --- input examples ------------------------------------------------------------------------------


def _head(features: Any, rows: int) -> Any:
    """The first ``rows`` rows of one batch of inputs, as numpy (dicts and lists element-wise)."""
    import numpy as np

    if isinstance(features, Mapping):
        return {str(k): _head(v, rows) for k, v in features.items()}
    if hasattr(features, "iloc"):
        return features.iloc[:rows].copy()
    if isinstance(features, (list, tuple)) and features and hasattr(features[0], "shape"):
        return [_head(f, rows) for f in features]
    if hasattr(features, "numpy"):
        features = features.numpy()
    return np.array(np.asarray(features)[:rows])


def input_example(x: Any, peeked: Any = NO_BATCH, rows: int = EXAMPLE_ROWS) -> Any:
    """A copy of the first rows of the training inputs, or None when they cannot be read safely."""
    if has_batch(peeked):
        return _head(_features(peeked), rows)
    if x is None or is_generator(x):
        return None
    if is_tf_dataset(x):
        for batch in x.take(1):  # a fresh iterator: the user's dataset is not consumed
            return _head(_features(batch), rows)
        return None
    if is_py_dataset(x):
        return _head(_features(x[0]), rows) if len(x) else None
    if isinstance(x, (Mapping, list, tuple)) or hasattr(x, "shape") or hasattr(x, "iloc"):
        return _head(x, rows)
    return None


__all__ = [
    "FitArguments",
    "fit_signature",
    "infer_batch_size",
    "input_example",
    "is_generator",
    "is_py_dataset",
    "is_tf_dataset",
    "peek_generator",
]
