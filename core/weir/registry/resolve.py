"""``models:/`` URIs -> the registered version behind them, and its files' location.

``weir.models.uri`` parses the URI and calls :func:`model_version_source`; the location returned
(often a run's artifact URI) is then downloaded by that resolver.

- ``models:/<name>/<version>``: that version;
- ``models:/<name>/<stage>``: the newest version currently in that stage;
- ``models:/<name>@<alias>``: the version the alias points to;
- ``models:/<name>/latest``: the highest version, whatever its stage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from weir.entities import ModelVersion, ModelVersionStages
from weir.exceptions import InvalidParameterValue, ResourceDoesNotExist

if TYPE_CHECKING:
    from weir.registry.client import RegistryClientMixin


def find_model_version(
    name: str,
    version: str | int | None = None,
    stage: str | None = None,
    alias: str | None = None,
    client: RegistryClientMixin | Any = None,
) -> ModelVersion:
    """The version picked by at most one of ``version``/``stage``/``alias`` (none: the latest)."""
    if client is None:
        from weir.tracking.client import WeirClient

        client = WeirClient()
    given = [
        label
        for label, value in (("version", version), ("stage", stage), ("alias", alias))
        if value is not None
    ]
    if len(given) > 1:
        raise InvalidParameterValue(
            f"A model URI for {name!r} picks a version by one of version, stage or alias, not {' and '.join(given)}"
        )
    if version is not None:
        return client.get_model_version(name, version)
    if alias is not None:
        return client.get_model_version_by_alias(name, alias)
    if stage is not None:
        canonical = ModelVersionStages.canonical(stage)
        in_stage = client.get_latest_versions(name, [canonical])
        if not in_stage:
            raise ResourceDoesNotExist(f"Registered model {name!r} has no version in stage {canonical!r}")
        return max(in_stage, key=lambda mv: int(mv.version))
    newest = client.get_latest_versions(name)
    if not newest:
        raise ResourceDoesNotExist(f"Registered model {name!r} has no versions")
    return max(newest, key=lambda mv: int(mv.version))


def model_version_source(
    name: str,
    version: str | int | None = None,
    stage: str | None = None,
    alias: str | None = None,
) -> str:
    """The ``source`` (files location) of the version a ``models:/`` URI names, from the current registry."""
    return find_model_version(name, version=version, stage=stage, alias=alias).source


def get_logged_model(model_id: str, client: Any = None) -> Any:
    """The MLflow 3 logged model ``models:/<model_id>`` names, from the current tracking store."""
    from weir.exceptions import WeirException

    if client is None:
        from weir.tracking.client import WeirClient

        client = WeirClient()
    getter = getattr(client.store, "get_logged_model", None)
    if getter is None:
        raise WeirException(
            f"Cannot resolve models:/{model_id}: the tracking store {type(client.store).__name__} "
            "keeps no logged models",
            "NOT_IMPLEMENTED",
        )
    return getter(model_id)


def logged_model_artifact_uri(model_id: str, client: Any = None) -> str:
    """Where the files of an MLflow 3 logged model (``models:/m-<id>``) are."""
    return get_logged_model(model_id, client).artifact_location
