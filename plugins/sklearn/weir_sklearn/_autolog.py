"""scikit-learn autologging: what is patched and what each patched call logs.

    weir.sklearn.autolog()
    LogisticRegression().fit(X, y)     # -> params, training_* metrics, plots, model, estimator tags

Run handling, safety (a logging failure never breaks ``fit``), nested-call suppression
(``Pipeline.fit`` logs once) and version gating come from ``weir.plugins``; this module only says
what to record. Wrappers are generators: code before ``yield`` runs before the user's call,
``result = yield`` receives its return value.
"""

from __future__ import annotations

import copy
import os
import tempfile
from typing import Any

from weir.plugins.autolog import AutologCall, Autologger, autologging_disabled
from weir.plugins.safety import guard

from weir_sklearn import _estimators, _metrics, _plots, _post_training, _search
from weir_sklearn.package import SUPPORTED, TESTED

INPUT_EXAMPLE_ROWS = 5
PREDICT_METHODS: tuple[str, ...] = ("predict", "predict_proba", "predict_log_proba", "transform")
# Helpers that fit many models internally: nothing inside them is autologged (as in MLflow).
NO_AUTOLOG_FUNCTIONS: tuple[str, ...] = (
    "cross_validate",
    "cross_val_score",
    "cross_val_predict",
    "learning_curve",
    "permutation_test_score",
    "validation_curve",
)
# Their shared internals, looked up at call time: this also covers helpers the user imported
# before autolog() (``from sklearn.model_selection import cross_val_score`` keeps the original).
NO_AUTOLOG_INTERNALS: tuple[str, ...] = ("_fit_and_score", "_fit_and_predict")

post_training = _post_training.PostTrainingMetrics()


def sync_plots() -> bool:
    """``WEIR_SKLEARN_SYNC_PLOTS=1``: draw plots inside ``fit`` instead of on the plot thread."""
    return os.environ.get("WEIR_SKLEARN_SYNC_PLOTS", "").strip().lower() in ("1", "true", "yes", "on")


def wait_for_artifacts() -> None:
    """Block until the training plots of every autologged fit so far are logged.

    Failures were already reported as warnings; under ``WEIR_AUTOLOG_STRICT=1`` the first is raised.
    """
    from weir.plugins.safety import is_strict

    errors = _plots.worker.wait()
    if errors and is_strict():
        raise errors[0]


class SklearnAutologger(Autologger):
    """Patches ``fit``/``fit_transform``/``fit_predict`` of every estimator, plus prediction and
    metric functions for post-training metrics."""

    name = "sklearn"
    module = "sklearn"
    supported = SUPPORTED
    tested = (f"scikit-learn >= {TESTED['oldest']}, <= {TESTED['latest']}",)
    options = {
        "max_tuning_runs": 5,
        "log_post_training_metrics": True,
        "serialization_format": "cloudpickle",
        "registered_model_name": None,
        "pos_label": None,
    }

    def _patch(self, module, config, patches) -> None:
        import sklearn.metrics
        import sklearn.model_selection
        from sklearn.model_selection import _validation

        for owner, name in fit_patch_targets():
            patches.wrap(owner, name, _log_fit, manage_run=True)
        for owner, name in _owner_targets(_estimators.estimator_classes(), PREDICT_METHODS):
            patches.wrap(owner, name, _track_prediction, manage_run=False)
        for owner, name in _owner_targets(_estimators.estimator_classes(), ("score",)):
            patches.wrap(owner, name, _log_score, manage_run=False)
        for name in _post_training.metric_function_names():
            patches.wrap(sklearn.metrics, name, _log_metric_call, manage_run=False)
        for name in NO_AUTOLOG_FUNCTIONS:
            if hasattr(sklearn.model_selection, name):
                patches.wrap(sklearn.model_selection, name, _without_autolog, manage_run=False)
        for name in NO_AUTOLOG_INTERNALS:
            if callable(vars(_validation).get(name)):
                patches.wrap(_validation, name, _without_autolog, manage_run=False)


# --- what to patch -------------------------------------------------------------------------------


def _defining_class(cls: type, name: str) -> type | None:
    return next((k for k in cls.__mro__ if name in vars(k)), None)


def _patchable(owner: type, name: str) -> bool:
    # A plain property (FeatureAgglomeration.fit_predict) is sklearn's way to say "not available".
    return not isinstance(vars(owner)[name], property)


def fit_patch_targets() -> list[tuple[type, str]]:
    """Where to patch the fit methods: on the class defining each one, deduplicated.

    When that class is shared with estimators autolog leaves alone (``TransformerMixin.fit_transform``
    is also ``StandardScaler``'s), the autologged subclasses are patched instead, so fitting a
    scaler alone never opens a run.
    """
    from sklearn.utils import all_estimators

    shared_with_excluded = set()
    for _, cls in all_estimators():
        if _estimators.is_excluded(cls):
            for name in _estimators.FIT_METHODS:
                owner = _defining_class(cls, name)
                if owner is not None:
                    shared_with_excluded.add((owner, name))
    targets: list[tuple[type, str]] = []
    for cls in _estimators.estimator_classes():
        for name in _estimators.FIT_METHODS:
            owner = _defining_class(cls, name)
            if owner is None or owner is object or not _patchable(owner, name):
                continue
            target = (cls, name) if (owner, name) in shared_with_excluded else (owner, name)
            if target not in targets:
                targets.append(target)
    return targets


def _owner_targets(classes: list[type], names: tuple[str, ...]) -> list[tuple[type, str]]:
    targets: list[tuple[type, str]] = []
    for cls in classes:
        for name in names:
            owner = _defining_class(cls, name)
            if owner is None or owner is object or not _patchable(owner, name):
                continue
            if (owner, name) not in targets:
                targets.append((owner, name))
    return targets


# --- fit -------------------------------------------------------------------------------------------


def _input_example(X: Any) -> Any:
    """The first rows of the training data, copied before fit can touch them."""
    if X is None:
        return None
    if hasattr(X, "iloc"):
        return X.iloc[:INPUT_EXAMPLE_ROWS].copy()
    if hasattr(X, "shape") and len(getattr(X, "shape", ())) >= 1:
        return copy.deepcopy(X[:INPUT_EXAMPLE_ROWS])
    if isinstance(X, (list, tuple)):
        return copy.deepcopy(list(X[:INPUT_EXAMPLE_ROWS]))
    return None


def _log_fit(call: AutologCall):
    estimator = call.instance
    if not _estimators.should_autolog_instance(estimator) or call.run_id is None:
        yield
        return
    config = call.config
    fit_fn = getattr(type(estimator), call.target.rsplit(".", 1)[-1])
    X, y, sample_weight = _estimators.fit_inputs(fit_fn, call.args, call.kwargs)
    want_example = config.log_models and (config.log_input_examples or config.log_model_signatures)
    example = _input_example(X) if want_example else None
    import weir

    weir.log_params(_estimators.estimator_params(estimator), run_id=call.run_id)
    weir.set_tags(_estimators.estimator_tags(estimator), run_id=call.run_id)

    yield  # the user's fit runs here

    # Nothing below may log post-training metrics or open runs through our own patches.
    with autologging_disabled():
        _log_after_fit(call, estimator, X, y, sample_weight, example)


def _log_after_fit(
    call: AutologCall, estimator: Any, X: Any, y: Any, sample_weight: Any, example: Any
) -> None:
    import weir

    config, run_id, silent = call.config, call.run_id, call.config.silent
    is_search = _estimators.is_parameter_search(estimator)
    from sklearn.base import is_classifier

    classifier = is_classifier(estimator) and y is not None
    y_pred = None
    with guard("sklearn", "logging training metrics", silent=silent):
        if classifier and _metrics._has_method(estimator, "predict"):
            y_pred = estimator.predict(X)  # shared by the metrics and the plots
        metrics = _metrics.training_metrics(estimator, X, y, sample_weight, config.pos_label, y_pred)
        if metrics:
            weir.log_metrics(metrics, run_id=run_id)
    with guard("sklearn", "preparing training plots", silent=silent):
        if classifier:
            jobs = _plots.classifier_plot_jobs(estimator, X, y, sample_weight, y_pred)
            if sync_plots():
                with tempfile.TemporaryDirectory(prefix="weir-sklearn-") as tmp:
                    for name in _plots.render(jobs, tmp):
                        weir.log_artifact(os.path.join(tmp, name), run_id=run_id)
            else:
                _plots.worker.submit(weir.get_tracking_uri(), run_id, jobs, silent)
    with tempfile.TemporaryDirectory(prefix="weir-sklearn-") as tmp:
        if is_search:
            with guard("sklearn", "logging parameter search results", silent=silent):
                _log_search(call, estimator, tmp)
    with guard("sklearn", "logging the estimator's HTML view", silent=silent):
        from sklearn.utils import estimator_html_repr

        weir.log_text(estimator_html_repr(estimator), "estimator.html", run_id=run_id)
    if config.log_models:
        with guard("sklearn", "logging the model", silent=silent):
            _log_models(call, estimator, is_search, example)
    if config.log_post_training_metrics:
        post_training.register_estimator(estimator, run_id)


def _log_search(call: AutologCall, search: Any, tmp: str) -> None:
    import weir

    run_id = call.run_id
    params = _search.best_params(search)
    if params:
        weir.log_params(params, run_id=run_id)
    score = _search.best_cv_score(search)
    if score is not None:
        weir.log_metrics({"best_cv_score": score}, run_id=run_id)
    path = os.path.join(tmp, _search.CV_RESULTS_FILE)
    _search.write_cv_results(search, path)
    weir.log_artifact(path, run_id=run_id)
    seed_tags = _estimators.estimator_tags(search.estimator)
    for child in _search.child_runs(search, call.config.max_tuning_runs):
        with call.child_run(tags=seed_tags) as child_id:
            weir.log_params(child.params, run_id=child_id)
            if child.metrics:
                weir.log_metrics(child.metrics, run_id=child_id)


def _log_models(call: AutologCall, estimator: Any, is_search: bool, example: Any) -> None:
    from weir_sklearn._flavor import log_model

    config = call.config
    signature = _signature(estimator, example, config) if example is not None else None
    log_model(
        estimator,
        artifact_path="model",
        serialization_format=config.serialization_format,
        registered_model_name=config.registered_model_name,
        signature=signature if signature is not None else False,
        input_example=example if config.log_input_examples else None,
    )
    best = getattr(estimator, "best_estimator_", None) if is_search else None
    if best is not None:
        log_model(
            best,
            artifact_path="best_estimator",
            serialization_format=config.serialization_format,
            signature=_signature(best, example, config) if example is not None else False,
            input_example=example if config.log_input_examples else None,
        )


def _signature(estimator: Any, example: Any, config: Any) -> Any:
    if not config.log_model_signatures:
        return False
    with guard("sklearn", "inferring the model signature", silent=config.silent):
        from weir.models.signature import infer_signature

        for method in ("predict", "transform"):
            fn = getattr(estimator, method, None) if _metrics._has_method(estimator, method) else None
            if fn is not None:
                return infer_signature(example, fn(copy.deepcopy(example)))
    return False


# --- post-training metrics -----------------------------------------------------------------------


def _track_prediction(call: AutologCall):
    result = yield
    source = post_training.run_of(call.instance)
    if source is None or not call.config.log_post_training_metrics or not call.args:
        return
    run_id, model_id = source
    dataset = call.args[0]
    name = _post_training.variable_name(dataset, _post_training.UNKNOWN_DATASET)
    post_training.register_prediction(
        result, run_id, post_training.dataset_name(run_id, dataset, name), model_id
    )


def _log_score(call: AutologCall):
    text = None
    source = post_training.run_of(call.instance)
    if source is not None and call.config.log_post_training_metrics and call.args:
        text = _post_training.call_text(
            type(call.instance).score, call.args, call.kwargs, owner=call.instance
        )
        dataset = call.args[0]
        var = _post_training.variable_name(dataset, _post_training.UNKNOWN_DATASET)
        dataset_name = post_training.dataset_name(source[0], dataset, var)
    result = yield
    if text is None or not _metrics.is_loggable_metric_value(result):
        return
    run_id = source[0]
    key = post_training.metric_key(run_id, f"{type(call.instance).__name__}_score", dataset_name, text)
    _log_post_training_metric(run_id, key, result)


def _log_metric_call(call: AutologCall):
    source = None
    if call.config.log_post_training_metrics:
        source = post_training.source_of_call(call.args, call.kwargs)
    text = None
    if source is not None:
        import sklearn.metrics

        fn = getattr(sklearn.metrics, call.target.rsplit(".", 1)[-1])
        text = _post_training.call_text(getattr(fn, "__wrapped__", fn), call.args, call.kwargs)
    result = yield
    if source is None or not _metrics.is_loggable_metric_value(result):
        return
    run_id, dataset_name, _ = source
    key = post_training.metric_key(run_id, call.target.rsplit(".", 1)[-1], dataset_name, text or "")
    _log_post_training_metric(run_id, key, result)


def _log_post_training_metric(run_id: str, key: str, value: Any) -> None:
    from weir.tracking.client import WeirClient

    client = WeirClient()
    client.log_metric(run_id, key, float(value))
    client.log_dict(run_id, post_training.metric_info(run_id), _post_training.METRIC_INFO_FILE)


def _without_autolog(call: AutologCall):
    with autologging_disabled():
        yield


__all__ = ["SklearnAutologger", "fit_patch_targets", "post_training", "sync_plots", "wait_for_artifacts"]
