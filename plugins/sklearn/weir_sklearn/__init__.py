"""scikit-learn flavor and autologging for weir (``weir.sklearn`` / ``mlflow.sklearn``).

    import weir
    weir.sklearn.autolog()
    model = LogisticRegression().fit(X, y)        # logged: params, metrics, plots, model
    weir.sklearn.save_model(model, "model_dir")
    weir.sklearn.load_model("model_dir")

Nothing here imports scikit-learn: it is imported when a flavor function runs or, for autolog,
by the post-import hook once the user imports sklearn.
"""

from __future__ import annotations

import functools
from typing import Any

from weir.plugins import hookimpl

from weir_sklearn._flavor import (
    FLAVOR_NAME,
    _load_pyfunc,
    get_default_conda_env,
    get_default_pip_requirements,
    load_model,
    log_model,
    save_model,
)
from weir_sklearn._serialization import CLOUDPICKLE as SERIALIZATION_FORMAT_CLOUDPICKLE
from weir_sklearn._serialization import PICKLE as SERIALIZATION_FORMAT_PICKLE
from weir_sklearn._serialization import SERIALIZATION_FORMATS as SUPPORTED_SERIALIZATION_FORMATS
from weir_sklearn._serialization import SKOPS as SERIALIZATION_FORMAT_SKOPS


def autolog(
    log_input_examples: bool = False,
    log_model_signatures: bool = True,
    log_models: bool = True,
    log_datasets: bool = True,
    disable: bool = False,
    exclusive: bool = False,
    disable_for_unsupported_versions: bool = False,
    silent: bool = False,
    max_tuning_runs: int | None = 5,
    log_post_training_metrics: bool = True,
    serialization_format: str = SERIALIZATION_FORMAT_CLOUDPICKLE,
    registered_model_name: str | None = None,
    pos_label: Any = None,
    extra_tags: dict[str, str] | None = None,
) -> None:
    """Autolog scikit-learn training (MLflow's ``mlflow.sklearn.autolog``; same flags and defaults).

    Every ``fit``, ``fit_transform`` and ``fit_predict`` logs ``get_params(deep=True)``, the
    ``training_*`` metrics of its kind (classifier or regressor), classifier plots, the tags
    ``estimator_name``/``estimator_class`` and, with ``log_models``, the model as artifact
    ``model``. GridSearchCV/RandomizedSearchCV also log ``best_<param>``, ``best_cv_score``,
    ``cv_results.csv``, ``best_estimator`` and up to ``max_tuning_runs`` child runs (None = all).
    With ``log_post_training_metrics``, ``sklearn.metrics`` calls and ``score`` on predictions of an
    autologged model are logged to its run (``accuracy_score_X_test``).
    ``log_datasets`` is accepted for compatibility; weir does not log dataset inputs yet.
    """
    from weir.plugins.autolog import configure_autolog

    from weir_sklearn._serialization import check_format

    check_format(serialization_format)
    if max_tuning_runs is not None and (not isinstance(max_tuning_runs, int) or max_tuning_runs < 0):
        from weir.exceptions import WeirException

        raise WeirException(
            f"max_tuning_runs must be a non-negative int or None, got {max_tuning_runs!r}",
            "INVALID_PARAMETER_VALUE",
        )
    configure_autolog(
        _autologger(),
        log_input_examples=log_input_examples,
        log_model_signatures=log_model_signatures,
        log_models=log_models,
        log_datasets=log_datasets,
        disable=disable,
        exclusive=exclusive,
        disable_for_unsupported_versions=disable_for_unsupported_versions,
        silent=silent,
        extra_tags=extra_tags,
        max_tuning_runs=max_tuning_runs,
        log_post_training_metrics=log_post_training_metrics,
        serialization_format=serialization_format,
        registered_model_name=registered_model_name,
        pos_label=pos_label,
    )


def wait_for_artifacts() -> None:
    """Block until the training plots of every autologged fit so far are logged as artifacts.

    Plots are drawn on a background thread so ``fit`` does not wait for matplotlib; this (and
    interpreter exit) waits for them. Set ``WEIR_SKLEARN_SYNC_PLOTS=1`` to draw them inside ``fit``.
    """
    from weir_sklearn._autolog import wait_for_artifacts as wait

    wait()


@functools.lru_cache(maxsize=1)
def _autologger():
    from weir_sklearn._autolog import SklearnAutologger

    return SklearnAutologger()


@hookimpl
def register_autologgers(register) -> None:
    register(_autologger())


@hookimpl
def register_flavors(register) -> None:
    from weir.plugins.flavors import Flavor

    register(Flavor(name=FLAVOR_NAME, module="weir_sklearn", aliases=("mlflow.sklearn", "weir.sklearn")))


__all__ = [
    "FLAVOR_NAME",
    "SERIALIZATION_FORMAT_CLOUDPICKLE",
    "SERIALIZATION_FORMAT_PICKLE",
    "SERIALIZATION_FORMAT_SKOPS",
    "SUPPORTED_SERIALIZATION_FORMATS",
    "_load_pyfunc",
    "autolog",
    "get_default_conda_env",
    "get_default_pip_requirements",
    "load_model",
    "log_model",
    "save_model",
    "wait_for_artifacts",
]
