"""``weir.register_model`` and the fluent registry searches (MLflow's ``mlflow.register_model``...).

>>> mv = weir.register_model(f"runs:/{run_id}/model", "churn")
>>> mv.version, mv.source, mv.run_id
('1', 'file:///.../artifacts/0/<run_id>/artifacts/model', '<run_id>')
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from weir.entities import ModelVersion, RegisteredModel
from weir.exceptions import WeirException
from weir.registry.client import DEFAULT_AWAIT_MAX_SLEEP_SECONDS, check_name

_PAGE = 1000


def register_model(
    model_uri: str,
    name: str,
    await_registration_for: int = DEFAULT_AWAIT_MAX_SLEEP_SECONDS,
    *,
    tags: Mapping[str, Any] | None = None,
) -> ModelVersion:
    """Register the model at ``model_uri`` as the next version of ``name`` (created if missing).

    For ``runs:/<run_id>/<path>`` the version stores the run's concrete artifact location of
    ``path`` as its source, plus the run id and a link to the run. An unknown run, or a path
    without an ``MLmodel`` file, raises naming it; nothing is registered then.
    """
    from weir.registry.sources import registration_source
    from weir.tracking.client import WeirClient

    check_name(name)
    client = WeirClient()
    source = registration_source(client, model_uri)
    try:
        client.create_registered_model(name)
        print(f"Successfully registered model {name!r}.", file=sys.stderr)
    except WeirException as exc:
        if exc.error_code != "RESOURCE_ALREADY_EXISTS":
            raise
        print(
            f"Registered model {name!r} already exists. Creating a new version of this model...",
            file=sys.stderr,
        )
    version = client.create_model_version(
        name,
        source.source,
        run_id=source.run_id,
        tags=tags,
        run_link=source.run_link,
        await_creation_for=await_registration_for,
    )
    print(f"Created version {version.version!r} of model {version.name!r}.", file=sys.stderr)
    return version


def _collect(search: Any, max_results: int | None, filter_string: str | None, order_by: Any) -> list:
    if max_results is not None and (
        isinstance(max_results, bool) or not isinstance(max_results, int) or max_results < 1
    ):
        raise WeirException.invalid_parameter_value(
            f"Invalid max_results {max_results!r}: expected a positive integer or None (everything)."
        )
    results: list = []
    token = None
    while max_results is None or len(results) < max_results:
        page_size = _PAGE if max_results is None else min(_PAGE, max_results - len(results))
        page = search(filter_string=filter_string, max_results=page_size, order_by=order_by, page_token=token)
        results.extend(page)
        token = page.token
        if not token:
            break
    return results


def search_registered_models(
    max_results: int | None = None,
    filter_string: str | None = None,
    order_by: Sequence[str] | None = None,
) -> list[RegisteredModel]:
    """Every registered model matching ``filter_string`` (up to ``max_results``), across pages."""
    from weir.tracking.client import WeirClient

    return _collect(WeirClient().search_registered_models, max_results, filter_string, order_by)


def search_model_versions(
    max_results: int | None = None,
    filter_string: str | None = None,
    order_by: Sequence[str] | None = None,
) -> list[ModelVersion]:
    """Every model version matching ``filter_string`` (up to ``max_results``), across pages."""
    from weir.tracking.client import WeirClient

    return _collect(WeirClient().search_model_versions, max_results, filter_string, order_by)
