"""What the gradient-boosting integrations (XGBoost, LightGBM) share, written once and framework-free.

    patches.wrap(xgboost, "train", lambda call: log_train(call, MyTrainHooks(), log_models=True))
    patches.wrap(XGBModel, "fit", lambda call: log_model_after_fit(call, log_model), allow_children=True)

    metrics = IterationMetrics(run_id)                   # one per training call
    metrics.record(step, [("validation", "logloss", 0.41)])   # in the framework's callback
    metrics.log_early_stopping(stopped_iteration=41, best_iteration=30, best_step=30)
    metrics.close()                                      # flush; raises if the store refused
    log_feature_importance(run_id, "gain", {"f0": 3.2, "f1": 0.7})    # JSON + PNG bar plot
    params = call_arguments(xgboost.train, args, kwargs, exclude=("dtrain", ...))
    for module, name in imported_aliases(xgboost.train, exclude=("xgboost",)): ...

``log_train`` is the whole wrapper of a ``train`` function; a plugin supplies ``TrainHooks`` (its
callback, early-stopping facts, feature importance, model logging). A framework's per-iteration
hook calls ``record``; points are kept locally and handed to weir's buffered metric writer (a
background thread stores them) every 250 ms or 1000 points, so an iteration costs a few
microseconds and the store sees few, large transactions. The metric names follow MLflow: ``<data set>-<metric>``, with ``@`` spelled ``_at_``.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import ModuleType
from typing import Any

__all__ = [
    "INPUT_EXAMPLE_ROWS",
    "IterationMetrics",
    "TrainHooks",
    "call_arguments",
    "first_rows",
    "imported_aliases",
    "keep_input_example",
    "log_autologged_model",
    "log_feature_importance",
    "log_model_after_fit",
    "log_train",
    "metric_key",
    "render_importance_plot",
]

INPUT_EXAMPLE_ROWS = 5
EXAMPLE_ATTRIBUTE = "_weir_input_example"

# Points are kept locally and handed to the store (weir's background writer, or directly when async
# logging is off) once this many are waiting or this long has passed since the last hand-over.
SYNC_BATCH_SIZE = 1000
HANDOFF_MS = 250


def metric_key(data_name: str, metric_name: str) -> str:
    """MLflow's per-iteration metric name: ``validation_0-ndcg@3`` -> ``validation_0-ndcg_at_3``."""
    return f"{data_name}-{metric_name}".replace("@", "_at_")


class IterationMetrics:
    """The evaluation metrics of one training call, logged per iteration in batches.

    ``history`` keeps ``{key: value}`` per step so early stopping can re-log the best iteration.
    ``record`` never raises into the framework's training loop: the first failure is one
    ``AutologgingWarning`` naming ``integration`` (raised under ``WEIR_AUTOLOG_STRICT=1``) and
    later iterations are not logged. Not thread-safe: one instance belongs to one training call.
    """

    def __init__(
        self, run_id: str, integration: str = "autolog", silent: bool = False, store: Any = None
    ) -> None:
        from weir.tracking import batching
        from weir.tracking.client import WeirClient

        self.run_id = run_id
        self.integration = integration
        self.silent = silent
        self.store = store if store is not None else WeirClient().store
        self.history: dict[int, dict[str, float]] = {}
        self.last_step: int | None = None
        self.failed = False
        self._keys: dict[tuple[str, str], str] = {}
        self._writer = batching.get_writer() if batching.async_logging_enabled() else None
        self._pending: list[tuple[str, float, int, int]] = []
        self._handed_at = time.time_ns() // 1_000_000

    def __len__(self) -> int:
        """Number of iterations recorded."""
        return len(self.history)

    def _key(self, data_name: str, metric_name: str) -> str:
        pair = (data_name, metric_name)
        key = self._keys.get(pair)
        if key is None:
            from weir.tracking.validation import validate_key

            key = self._keys[pair] = validate_key("metric", metric_key(data_name, metric_name))
        return key

    def record(self, step: int, results: Iterable[tuple[str, str, Any]]) -> None:
        """Log ``(data set, metric, value)`` triples at ``step`` (the iteration number)."""
        if self.failed:
            return
        try:
            timestamp = time.time_ns() // 1_000_000
            values: dict[str, float] = {}
            for data_name, metric_name, value in results:
                values[self._key(data_name, metric_name)] = float(value)
            self.history[step] = values
            self.last_step = step
            self._log(values, timestamp, step)
        except Exception as exc:
            from weir.plugins.safety import is_strict, warn

            if is_strict():
                raise
            self.failed = True
            warn(
                self.integration,
                f"logging per-iteration metrics failed, training goes on without them: {type(exc).__name__}: {exc}",
                silent=self.silent,
            )

    def _log(self, values: Mapping[str, float], timestamp: int, step: int) -> None:
        pending = self._pending
        for key, value in values.items():
            pending.append((key, value, timestamp, step))
        # hand points over in chunks: fewer, larger store transactions cost less CPU per point
        if len(pending) >= SYNC_BATCH_SIZE or timestamp - self._handed_at >= HANDOFF_MS:
            self._flush_pending()

    def _flush_pending(self) -> None:
        pending, self._pending = self._pending, []
        self._handed_at = time.time_ns() // 1_000_000
        if not pending:
            return
        writer = self._writer
        if writer is not None:
            store, run_id, add = self.store, self.run_id, writer.add
            for key, value, timestamp, step in pending:
                add(store, run_id, key, value, timestamp, step)
            return
        from weir.entities import Metric
        from weir.tracking.client import WeirClient

        metrics = [Metric(key, value, timestamp, step) for key, value, timestamp, step in pending]
        WeirClient().log_batch(self.run_id, metrics=metrics, synchronous=True)

    def log_early_stopping(self, stopped_iteration: int, best_iteration: int, best_step: int) -> None:
        """MLflow's early-stopping record: ``stopped_iteration``, ``best_iteration``, and the
        metrics of step ``best_step`` logged again one step past the last iteration."""
        timestamp = time.time_ns() // 1_000_000
        extra_step = len(self.history)
        self._log(
            {"stopped_iteration": float(stopped_iteration), "best_iteration": float(best_iteration)},
            timestamp,
            0,
        )
        best = self.history.get(best_step)
        if best:
            self._log(best, timestamp, extra_step)

    def close(self) -> None:
        """Store every point recorded so far; raises a WeirException if the store refuses them."""
        from weir.tracking import batching

        self._flush_pending()
        batching.flush()


def call_arguments(
    function: Callable, args: Sequence[Any], kwargs: Mapping[str, Any], exclude: Iterable[str] = ()
) -> dict[str, Any]:
    """Every argument of a call by name, defaults included, minus ``exclude`` (MLflow's train params)."""
    signature = inspect.signature(function)
    bound = signature.bind_partial(*args, **kwargs)
    bound.apply_defaults()
    skip = set(exclude)
    values = {}
    for name, value in bound.arguments.items():
        kind = signature.parameters[name].kind
        if name in skip or kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        if kind is inspect.Parameter.VAR_KEYWORD:
            values.update({k: v for k, v in value.items() if k not in skip})
        else:
            values[name] = value
    return values


def imported_aliases(function: Any, exclude: Iterable[str] = ()) -> list[tuple[ModuleType, str]]:
    """``(module, name)`` for every loaded module whose global ``name`` is ``function``.

    This finds ``from xgboost import train`` done before autologging was turned on, so those
    references can be patched too. Modules named in ``exclude`` (and their submodules) and weir's
    own modules are left out.
    """
    prefixes = tuple(exclude) + ("weir",)
    found = []
    seen: set[int] = set()  # one module can sit under two names (__main__ and __mp_main__)
    for module_name, module in list(sys.modules.items()):
        if module is None or id(module) in seen or module_name.split(".")[0] in prefixes:
            continue
        seen.add(id(module))
        try:
            namespace = vars(module)
        except TypeError:
            continue
        for name, value in list(namespace.items()):
            if value is function:
                found.append((module, name))
    return found


# --- feature importance ---------------------------------------------------------------------------


def _as_rows(importance: Mapping[str, Any]) -> tuple[list[str], list[list[float]]]:
    """Feature names and a per-feature list of values (one per class when given per class)."""
    features = [str(name) for name in importance]
    rows = []
    for value in importance.values():
        if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
            value = value.tolist() if hasattr(value, "tolist") else list(value)
        rows.append([float(v) for v in value] if isinstance(value, list) else [float(value)])
    return features, rows


def render_importance_plot(importance: Mapping[str, Any], importance_type: str, path: str) -> None:
    """Draw a horizontal bar chart of ``{feature: value}`` (values may be per-class lists) to ``path``.

    Features are sorted by total magnitude, largest at the top; per-class values get one bar per
    class and a legend. Uses matplotlib's object API (no pyplot state, no GUI backend).
    """
    from matplotlib.figure import Figure

    features, rows = _as_rows(importance)
    order = sorted(range(len(features)), key=lambda i: sum(abs(v) for v in rows[i]))
    classes = max((len(r) for r in rows), default=1)
    height = 4.8 + (0.1 * len(features) if len(features) > 10 else 0) + (0.1 * classes if classes > 1 else 0)
    figure = Figure(figsize=(6.4, height))
    axes = figure.subplots()
    bar_height = 0.5 / max(classes - 1, 1) if classes > 1 else 0.5
    for class_index in range(classes):
        offset = (class_index / (classes - 1) - 0.5) * 0.5 if classes > 1 else 0.0
        values = [rows[i][class_index] if class_index < len(rows[i]) else 0.0 for i in order]
        axes.barh(
            [y + offset for y in range(len(order))],
            values,
            height=bar_height,
            align="center",
            label=f"Class {class_index}" if classes > 1 else None,
        )
    axes.set_yticks(range(len(order)))
    axes.set_yticklabels([features[i] for i in order])
    axes.set_xlabel("Importance")
    axes.set_title(f"Feature Importance ({importance_type})")
    if classes > 1:
        axes.legend()
    figure.tight_layout()
    figure.savefig(path)


def log_feature_importance(
    run_id: str,
    importance_type: str,
    importance: Mapping[str, Any],
    indent: int | None = None,
    plot: bool = True,
) -> list[str]:
    """Log ``feature_importance_<type>.json`` and (if matplotlib is installed) ``.png`` to the run.

    Returns the artifact names logged. The JSON maps feature name to importance, as MLflow writes it.
    """
    from weir.tracking.client import WeirClient

    client = WeirClient()
    stem = f"feature_importance_{importance_type}"
    logged = []
    with tempfile.TemporaryDirectory(prefix="weir-importance-") as tmp:
        json_path = os.path.join(tmp, f"{stem}.json")
        with open(json_path, "w", encoding="utf-8") as f:
            json.dump({str(k): _plain(v) for k, v in importance.items()}, f, indent=indent)
        client.log_artifact(run_id, json_path)
        logged.append(f"{stem}.json")
        if plot and importance and _has_matplotlib():
            png_path = os.path.join(tmp, f"{stem}.png")
            render_importance_plot(importance, importance_type, png_path)
            client.log_artifact(run_id, png_path)
            logged.append(f"{stem}.png")
    return logged


def _plain(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def _has_matplotlib() -> bool:
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


# --- input examples and model logging -------------------------------------------------------------


def first_rows(data: Any, rows: int = INPUT_EXAMPLE_ROWS) -> Any:
    """A copy of the first ``rows`` rows of training data (DataFrame, ndarray, sparse, list), or None."""
    if data is None or isinstance(data, (str, bytes, os.PathLike)):
        return None
    if hasattr(data, "iloc"):
        return data.iloc[:rows].copy()
    if hasattr(data, "shape") and len(getattr(data, "shape", ())) >= 1:
        head = data[:rows]
        return head.copy() if hasattr(head, "copy") else head
    if isinstance(data, (list, tuple)):
        import copy

        return copy.deepcopy(list(data[:rows]))
    return None


def _wants_example(config: Any) -> bool:
    return bool(config.log_models and (config.log_input_examples or config.log_model_signatures))


def keep_input_example(call: Any):
    """Wrapper for a data container's ``__init__`` (``DMatrix``, ``Dataset``): remember its first rows.

    The container cannot give its data back after ``train``, so the rows are copied here and kept
    on the instance for the model's input example and signature.
    """
    data = call.args[0] if call.args else call.kwargs.get("data")
    example = first_rows(data) if _wants_example(call.config) else None
    yield
    if example is not None:
        setattr(call.instance, EXAMPLE_ATTRIBUTE, example)


def log_autologged_model(
    call: Any, model: Any, example: Any, predict: Callable[[Any], Any], log_model: Callable, **kwargs: Any
) -> None:
    """Log ``model`` as artifact ``model`` with MLflow's autolog rules for the example and signature."""
    config = call.config
    signature: Any = False
    if example is not None and config.log_model_signatures:
        from weir.models.signature import infer_signature
        from weir.plugins.safety import guard

        with guard(call.integration, "inferring the model signature", silent=config.silent):
            import copy

            signature = infer_signature(example, predict(copy.deepcopy(example)))
    log_model(
        model,
        artifact_path="model",
        registered_model_name=config.get("registered_model_name"),
        signature=signature,
        input_example=example if config.log_input_examples else None,
        **kwargs,
    )


def log_model_after_fit(call: Any, log_model: Callable, **kwargs: Any):
    """Wrapper for a scikit-learn API ``fit``: after it, log the fitted estimator as ``model``.

    Params and metrics come from the framework's own ``train``, patched with ``allow_children``.
    """
    config = call.config
    example = None
    if _wants_example(config):
        example = first_rows(call.args[0] if call.args else call.kwargs.get("X"))
    yield
    if config.log_models and call.run_id is not None:
        from weir.plugins.safety import guard

        with guard(call.integration, f"logging the model of {call.target}", silent=config.silent):
            log_autologged_model(call, call.instance, example, call.instance.predict, log_model, **kwargs)


# --- the train wrapper ------------------------------------------------------------------------------


class TrainHooks:
    """What ``log_train`` needs to know about one framework's ``train`` function. Subclass it.

    :cvar data_argument: name of the training-data argument (``dtrain``, ``train_set``).
    :cvar unlogged_arguments: ``train`` arguments not logged as params (data, callbacks...).
    :cvar importance_json_indent: indentation of ``feature_importance_<type>.json`` (MLflow's, per framework).
    """

    data_argument: str = ""
    unlogged_arguments: tuple[str, ...] = ()
    importance_json_indent: int | None = None

    def train_function(self) -> Callable:
        """The original ``train`` (its signature names the arguments)."""
        raise NotImplementedError

    def add_callback(self, call: Any, arguments: Mapping[str, Any], metrics: IterationMetrics) -> None:
        """Put a per-iteration callback feeding ``metrics`` into ``call.kwargs`` (a new list)."""
        raise NotImplementedError

    def early_stopping(
        self, model: Any, arguments: Mapping[str, Any], metrics: IterationMetrics
    ) -> tuple[int, int, int] | None:
        """``(stopped_iteration, best_iteration, step of the best metrics)``, or None without early stopping."""
        return None

    def importance_types(self, config: Any) -> Sequence[str]:
        """The importance types to log (``weight``, ``gain``, ``split``...)."""
        return ()

    def feature_importance(self, model: Any, importance_type: str) -> Mapping[str, Any]:
        """``{feature: importance}`` of one type (values may be per-class lists)."""
        raise NotImplementedError

    def predict(self, model: Any) -> Callable[[Any], Any]:
        """The function that predicts with a trained model (for the signature)."""
        return model.predict

    def log_model(self, call: Any, model: Any, example: Any) -> None:
        """Log the trained model; ``example`` holds the training data's first rows (or None)."""
        raise NotImplementedError


def _booster_params(params: Any) -> dict[str, Any]:
    if isinstance(params, Mapping):
        return dict(params)
    grouped: dict[str, list[Any]] = {}
    for key, value in params or ():  # a list of (key, value) pairs repeats keys (eval_metric)
        grouped.setdefault(str(key), []).append(value)
    return {key: values[0] if len(values) == 1 else values for key, values in grouped.items()}


def log_train(call: Any, hooks: TrainHooks, log_models: bool):
    """The wrapper of a boosting ``train``: params, per-iteration metrics, early stopping, feature
    importance and (with ``log_models``) the model, each step guarded on its own."""
    import weir
    from weir.plugins.safety import guard

    run_id, config, name = call.run_id, call.config, call.integration
    if run_id is None:
        yield
        return
    arguments = call_arguments(hooks.train_function(), call.args, call.kwargs)
    with guard(name, "logging the training params", silent=config.silent):
        params = _booster_params(arguments.get("params"))
        params.update({k: v for k, v in arguments.items() if k not in hooks.unlogged_arguments})
        weir.log_params(params, run_id=run_id)
    metrics = IterationMetrics(run_id, name, config.silent)
    hooks.add_callback(call, arguments, metrics)
    try:
        model = yield
    finally:  # also when training raised: what was recorded is kept
        with guard(name, "logging the per-iteration metrics", silent=config.silent):
            metrics.close()
    with guard(name, "logging the early-stopping metrics", silent=config.silent):
        stopping = hooks.early_stopping(model, arguments, metrics)
        if stopping is not None:
            metrics.log_early_stopping(*stopping)
            metrics.close()
    for importance_type in hooks.importance_types(config):
        with guard(name, f"logging the {importance_type} feature importance", silent=config.silent):
            importance = hooks.feature_importance(model, importance_type)
            log_feature_importance(run_id, importance_type, importance, indent=hooks.importance_json_indent)
    if log_models and config.log_models:
        with guard(name, "logging the model", silent=config.silent):
            data = arguments.get(hooks.data_argument)
            hooks.log_model(call, model, getattr(data, EXAMPLE_ATTRIBUTE, None))
