"""``WeirClient``'s model-registry methods (MLflow's names and signatures), as a mixin.

Every method goes to the registry store behind ``self.registry_uri`` (``weir.set_registry_uri``,
else ``WEIR_REGISTRY_URI``/``MLFLOW_REGISTRY_URI``, else the tracking URI). Versions are accepted
as ``int`` or ``str`` and returned as ``str``; stage names are case-insensitive in and canonical
(``"Production"``) out. Besides MLflow's API, weir keeps each version's stage history:
``get_model_version_stage_history`` and ``get_model_version_in_stage_at`` ("which version was in
Production on 2024-03-01?").
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from weir.entities import (
    ModelVersion,
    ModelVersionStages,
    ModelVersionStageTransition,
    PagedList,
    RegisteredModel,
    RunTag,
)
from weir.exceptions import InvalidParameterValue, ResourceDoesNotExist, WeirException

if TYPE_CHECKING:
    from weir.store.registry.base import AbstractRegistryStore

DEFAULT_AWAIT_MAX_SLEEP_SECONDS = 300
SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT = 100
SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT = 10_000

PENDING_REGISTRATION = "PENDING_REGISTRATION"
FAILED_REGISTRATION = "FAILED_REGISTRATION"
READY = "READY"

_POLL_SECONDS = 0.2


def check_name(name: Any, what: str = "registered model name") -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidParameterValue(f"Invalid {what} {name!r}: it must be a non-empty string.")
    return name


def check_version(version: Any) -> str:
    """``1``, ``"1"`` -> ``"1"``; anything else raises naming the bad value."""
    if isinstance(version, int) and not isinstance(version, bool) and version > 0:
        return str(version)
    if isinstance(version, str) and version.strip().isdigit() and int(version) > 0:
        return str(int(version))
    raise InvalidParameterValue(f"Invalid model version {version!r}: expected a positive integer.")


def _tag_list(tags: Mapping[str, Any] | None) -> list[RunTag]:
    if tags is None:
        return []
    if not isinstance(tags, Mapping):
        raise InvalidParameterValue(f"Invalid tags {tags!r}: expected a dict of key -> value.")
    return [RunTag(str(key), str(value)) for key, value in tags.items()]


def _check_await(seconds: Any, what: str) -> float:
    if seconds is None:
        return 0.0
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise InvalidParameterValue(f"Invalid {what} {seconds!r}: expected a number of seconds >= 0.")
    return float(seconds)


def timestamp_ms(when: int | float | datetime.datetime | datetime.date) -> int:
    """Milliseconds since the epoch for an int/float (already ms), a datetime or a date.

    A naive datetime is local time. A date means the end of that day (local time), so "which
    version was in Production on 2024-03-01" answers with the one in place when the day closed.
    """
    if isinstance(when, bool):
        raise InvalidParameterValue(
            f"Invalid timestamp {when!r}: expected ms since the epoch, a datetime or a date."
        )
    if isinstance(when, (int, float)):
        return int(when)
    if isinstance(when, datetime.datetime):
        return int(when.timestamp() * 1000)
    if isinstance(when, datetime.date):
        end_of_day = datetime.datetime.combine(when, datetime.time.max)
        return int(end_of_day.timestamp() * 1000)
    raise InvalidParameterValue(
        f"Invalid timestamp {when!r}: expected ms since the epoch, a datetime or a date."
    )


def _accepts(method: Any, parameter: str) -> bool:
    """Whether a store method takes ``parameter`` (``user_id`` is optional for plugin stores)."""
    import inspect

    try:
        return parameter in inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False


class RegistryClientMixin:
    """Registry half of ``WeirClient``; needs ``registry_uri`` and ``tracking_uri`` from its host class."""

    registry_uri: str
    tracking_uri: str

    @property
    def _registry_store(self) -> AbstractRegistryStore:
        from weir.tracking.uri import get_store

        store = get_store(self.registry_uri)
        if not callable(getattr(store, "create_model_version", None)):
            raise WeirException(
                f"The registry URI {self.registry_uri!r} is served by {type(store).__name__}, which has no "
                "model registry. Point weir.set_registry_uri() at a folder, a file: or a sqlite: URI.",
                "INVALID_PARAMETER_VALUE",
            )
        return store

    # --- registered models -------------------------------------------------------------------
    def create_registered_model(
        self, name: str, tags: Mapping[str, Any] | None = None, description: str | None = None
    ) -> RegisteredModel:
        """Create an empty registered model; a taken name raises RESOURCE_ALREADY_EXISTS."""
        from weir.tracking.context import current_user

        check_name(name)
        store = self._registry_store
        extra = {"user_id": current_user()} if _accepts(store.create_registered_model, "user_id") else {}
        return store.create_registered_model(name, _tag_list(tags), description, **extra)

    def get_registered_model(self, name: str) -> RegisteredModel:
        return self._registry_store.get_registered_model(check_name(name))

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        """Rename a model; its versions, tags, aliases and stage history follow."""
        check_name(new_name, "new registered model name")
        return self._registry_store.rename_registered_model(check_name(name), new_name)

    def update_registered_model(self, name: str, description: str | None = None) -> RegisteredModel:
        return self._registry_store.update_registered_model(check_name(name), description)

    def delete_registered_model(self, name: str) -> None:
        """Delete a model with all its versions, tags, aliases and stage history."""
        self._registry_store.delete_registered_model(check_name(name))

    def set_registered_model_tag(self, name: str, key: str, value: Any) -> None:
        self._registry_store.set_registered_model_tag(check_name(name), RunTag(key, str(value)))

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        self._registry_store.delete_registered_model_tag(check_name(name), key)

    def search_registered_models(
        self,
        filter_string: str | None = None,
        max_results: int = SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[RegisteredModel]:
        """One page of models (by name unless ``order_by``); ``.token`` fetches the next page.

        Filters: ``name = 'x'``, ``name LIKE 'churn%'``, ``tags.team = 'ml'``...
        """
        return self._registry_store.search_registered_models(
            filter_string=filter_string,
            max_results=max_results,
            order_by=list(order_by) if order_by else None,
            page_token=page_token,
        )

    # --- model versions ----------------------------------------------------------------------
    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        tags: Mapping[str, Any] | None = None,
        run_link: str | None = None,
        description: str | None = None,
        await_creation_for: int = DEFAULT_AWAIT_MAX_SLEEP_SECONDS,
    ) -> ModelVersion:
        """Add the next version (1, 2, 3... per model) with ``source`` stored as given.

        Waits up to ``await_creation_for`` seconds for a store that registers asynchronously to
        report the version READY (weir's own stores are READY at once).
        """
        from weir.tracking.context import current_user

        check_name(name)
        if not isinstance(source, str) or not source:
            raise InvalidParameterValue(f"Invalid model version source {source!r}: expected a non-empty URI.")
        wait = _check_await(await_creation_for, "await_creation_for")
        store = self._registry_store
        version = store.create_model_version(
            name,
            source,
            run_id=run_id,
            tags=_tag_list(tags),
            run_link=run_link,
            description=description,
            user_id=current_user(),
        )
        return self._await_ready(version, wait)

    def _await_ready(self, version: ModelVersion, wait: float) -> ModelVersion:
        deadline = time.monotonic() + wait
        while version.status == PENDING_REGISTRATION and time.monotonic() < deadline:
            time.sleep(min(_POLL_SECONDS, max(0.0, deadline - time.monotonic())))
            version = self._registry_store.get_model_version(version.name, version.version)
        if version.status == FAILED_REGISTRATION:
            raise WeirException(
                f"Registration of model {version.name!r} version {version.version} failed: "
                f"{version.status_message or 'no reason given'}",
                "INTERNAL_ERROR",
            )
        if version.status == PENDING_REGISTRATION and wait > 0:
            raise WeirException(
                f"Model {version.name!r} version {version.version} was not READY after {wait:g} seconds "
                f"(status {version.status})",
                "INTERNAL_ERROR",
            )
        return version

    def get_model_version(self, name: str, version: str | int) -> ModelVersion:
        return self._registry_store.get_model_version(check_name(name), check_version(version))

    def update_model_version(
        self, name: str, version: str | int, description: str | None = None
    ) -> ModelVersion:
        return self._registry_store.update_model_version(
            check_name(name), check_version(version), description
        )

    def delete_model_version(self, name: str, version: str | int) -> None:
        """Delete one version (its number is never reused); its aliases go, its stage history stays."""
        self._registry_store.delete_model_version(check_name(name), check_version(version))

    def _version_or_stage(self, name: str, version: Any, stage: str | None) -> str:
        if (version is None) == (stage is None):
            raise InvalidParameterValue(
                f"Give exactly one of version or stage for model {name!r} (got version={version!r}, "
                f"stage={stage!r})."
            )
        if version is not None:
            return check_version(version)
        canonical = ModelVersionStages.canonical(stage)
        latest = self._registry_store.get_latest_versions(name, [canonical])
        if not latest:
            raise ResourceDoesNotExist(f"Registered model {name!r} has no version in stage {canonical!r}.")
        return latest[0].version

    def set_model_version_tag(
        self,
        name: str,
        version: str | int | None = None,
        key: str | None = None,
        value: Any = None,
        stage: str | None = None,
    ) -> None:
        """Tag a version, chosen by number or (MLflow's older form) as the newest one in ``stage``."""
        check_name(name)
        if key is None:
            raise InvalidParameterValue(f"set_model_version_tag on model {name!r} needs a key.")
        number = self._version_or_stage(name, version, stage)
        self._registry_store.set_model_version_tag(name, number, RunTag(key, str(value)))

    def delete_model_version_tag(
        self,
        name: str,
        version: str | int | None = None,
        key: str | None = None,
        stage: str | None = None,
    ) -> None:
        check_name(name)
        if key is None:
            raise InvalidParameterValue(f"delete_model_version_tag on model {name!r} needs a key.")
        number = self._version_or_stage(name, version, stage)
        self._registry_store.delete_model_version_tag(name, number, key)

    def search_model_versions(
        self,
        filter_string: str | None = None,
        max_results: int = SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[ModelVersion]:
        """One page of versions; filters like ``name = 'x'``, ``run_id = '...'``, ``tags.k = 'v'``."""
        return self._registry_store.search_model_versions(
            filter_string=filter_string,
            max_results=max_results,
            order_by=list(order_by) if order_by else None,
            page_token=page_token,
        )

    def get_model_version_download_uri(self, name: str, version: str | int) -> str:
        """Where the version's files are: its ``source``."""
        return self._registry_store.get_model_version_download_uri(check_name(name), check_version(version))

    def copy_model_version(self, src_model_uri: str, dst_name: str) -> ModelVersion:
        """Register the version behind ``models:/...`` as a new version of ``dst_name`` (created if missing).

        The copy keeps the source's files location, run id, run link, description and tags.
        """
        from weir.models.uri import parse_model_uri
        from weir.registry.resolve import find_model_version

        check_name(dst_name)
        parsed = parse_model_uri(src_model_uri)
        if parsed.scheme != "models" or parsed.name is None:
            raise InvalidParameterValue(
                f"copy_model_version needs a models:/<name>/<version|stage|latest> or models:/<name>@<alias> "
                f"URI, got {src_model_uri!r}"
            )
        src = find_model_version(
            parsed.name, version=parsed.version, stage=parsed.stage, alias=parsed.alias, client=self
        )
        source = src.source if not parsed.subpath else f"{src.source.rstrip('/')}/{parsed.subpath}"
        try:
            self.create_registered_model(dst_name)
        except WeirException as exc:
            if exc.error_code != "RESOURCE_ALREADY_EXISTS":
                raise
        return self.create_model_version(
            dst_name,
            source,
            run_id=src.run_id,
            tags=src.tags,
            run_link=src.run_link,
            description=src.description,
        )

    # --- stages ------------------------------------------------------------------------------
    def get_latest_versions(self, name: str, stages: Sequence[str] | str | None = None) -> list[ModelVersion]:
        """The newest version in each of ``stages`` (every stage when None or empty)."""
        if isinstance(stages, str):
            stages = [stages]
        canonical = [ModelVersionStages.canonical(stage) for stage in stages or ()]
        return self._registry_store.get_latest_versions(check_name(name), canonical or None)

    def transition_model_version_stage(
        self,
        name: str,
        version: str | int,
        stage: str,
        archive_existing_versions: bool = False,
    ) -> ModelVersion:
        """Move a version to ``stage`` (None/Staging/Production/Archived, any case), recording it in the
        stage history. ``archive_existing_versions`` moves the versions already in that stage
        (Staging or Production only) to Archived."""
        from weir.tracking.context import current_user

        check_name(name)
        number = check_version(version)
        canonical = ModelVersionStages.canonical(stage)
        return self._registry_store.transition_model_version_stage(
            name,
            number,
            canonical,
            archive_existing_versions=bool(archive_existing_versions),
            user_id=current_user(),
        )

    def get_model_version_stages(self, name: str, version: str | int) -> list[str]:
        """The stages a version can move to (MLflow's call; the same four for every version)."""
        self.get_model_version(name, version)
        return list(ModelVersionStages.ALL)

    def get_model_version_stage_history(
        self, name: str, version: str | int | None = None
    ) -> list[ModelVersionStageTransition]:
        """Stage transitions of one version, or of every version of the model, oldest first."""
        number = None if version is None else check_version(version)
        return self._registry_store.get_model_version_stage_history(check_name(name), number)

    def get_model_version_in_stage_at(
        self, name: str, stage: str, timestamp: int | datetime.datetime | datetime.date
    ) -> str | None:
        """The version (the newest, if several) that was in ``stage`` at ``timestamp``, or None.

        ``timestamp`` is ms since the epoch, a datetime (naive = local time), or a date (meaning the
        end of that day).
        """
        canonical = ModelVersionStages.canonical(stage)
        return self._registry_store.get_model_version_in_stage_at(
            check_name(name), canonical, timestamp_ms(timestamp)
        )

    # --- aliases -----------------------------------------------------------------------------
    def set_registered_model_alias(self, name: str, alias: str, version: str | int) -> None:
        """Point ``alias`` (e.g. ``champion``) at a version, moving it if it pointed elsewhere."""
        self._registry_store.set_registered_model_alias(check_name(name), alias, check_version(version))

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        self._registry_store.delete_registered_model_alias(check_name(name), alias)

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        return self._registry_store.get_model_version_by_alias(check_name(name), alias)
