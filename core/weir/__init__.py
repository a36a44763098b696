"""weir: MLflow-compatible experiment tracking, models, registry and serving.

``import weir as mlflow`` keeps MLflow tutorials working. Everything here is imported lazily
(PEP 562) so that ``import weir`` stays fast; framework integrations (``weir.sklearn``...) come
from separately installed plugins.
"""

from __future__ import annotations

import importlib
from typing import Any

from weir.version import __version__

# public name -> module that defines it
_LAZY_ATTRIBUTES: dict[str, str] = {
    name: "weir.tracking.fluent"
    for name in (
        "set_tracking_uri",
        "get_tracking_uri",
        "set_registry_uri",
        "get_registry_uri",
        "create_experiment",
        "set_experiment",
        "get_experiment",
        "get_experiment_by_name",
        "search_experiments",
        "delete_experiment",
        "restore_experiment",
        "set_experiment_tag",
        "set_experiment_tags",
        "start_run",
        "end_run",
        "active_run",
        "last_active_run",
        "get_run",
        "delete_run",
        "log_param",
        "log_params",
        "log_metric",
        "log_metrics",
        "set_tag",
        "set_tags",
        "delete_tag",
        "log_artifact",
        "log_artifacts",
        "log_text",
        "log_dict",
        "log_figure",
        "log_image",
        "log_table",
        "get_artifact_uri",
        "search_runs",
        "flush",
        "ActiveRun",
    )
}
_LAZY_ATTRIBUTES.update(
    {
        "WeirClient": "weir.tracking.client",
        "MlflowClient": "weir.tracking.client",
        "MLflowClient": "weir.tracking.client",
        "WeirException": "weir.exceptions",
        "MlflowException": "weir.exceptions",
        "autolog": "weir.plugins.autolog",
        "register_model": "weir.registry.fluent",
        "search_registered_models": "weir.registry.fluent",
        "search_model_versions": "weir.registry.fluent",
        "load_table": "weir.tracking.fluent",
    }
)

_SUBMODULES = {
    "entities",
    "exceptions",
    "tracking",
    "store",
    "models",
    "pyfunc",
    "types",
    "projects",
    "registry",
    "server",
    "plugins",
    "client",
    "artifacts",
    "cli",
    "testing",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY_ATTRIBUTES.get(name)
    if module_name is not None:
        value = getattr(importlib.import_module(module_name), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        module = importlib.import_module(f"weir.{name}")
        globals()[name] = module
        return module
    if not name.startswith("_"):
        # weir.sklearn, weir.xgboost...: resolved by the plugin host to an installed plugin.
        from weir.plugins.manager import resolve_plugin_module

        module = resolve_plugin_module(name)
        if module is not None:
            globals()[name] = module
            return module
    raise AttributeError(f"module 'weir' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY_ATTRIBUTES) | _SUBMODULES)


__all__ = ["__version__", *_LAZY_ATTRIBUTES]

# `import weir.sklearn` / `from weir.sklearn import autolog`: an import finder that loads plugins only
# when a weir.<name> that is not part of weir is imported.
from weir.plugins._finder import install as _install_plugin_finder  # noqa: E402

_install_plugin_finder()
