"""Model-registry entities, with MLflow's fields. Versions are strings here (``"1"``), ints in storage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from weir.entities._base import Entity, entity


class ModelVersionStages:
    """The (deprecated in MLflow, still supported) stages, canonical spelling."""

    NONE = "None"
    STAGING = "Staging"
    PRODUCTION = "Production"
    ARCHIVED = "Archived"
    ALL = (NONE, STAGING, PRODUCTION, ARCHIVED)

    @classmethod
    def canonical(cls, stage: str) -> str:
        """The canonical name for ``stage`` (case-insensitive); unknown stages raise INVALID_PARAMETER_VALUE."""
        if isinstance(stage, str):
            for name in cls.ALL:
                if name.lower() == stage.strip().lower():
                    return name
        from weir.exceptions import InvalidParameterValue

        raise InvalidParameterValue(
            f"Invalid model version stage {stage!r}; expected one of {', '.join(cls.ALL)}"
        )


@entity
class ModelVersion(Entity):
    _fields = (
        "name",
        "version",
        "creation_timestamp",
        "last_updated_timestamp",
        "description",
        "user_id",
        "current_stage",
        "source",
        "run_id",
        "run_link",
        "status",
        "status_message",
        "tags",
        "aliases",
    )

    def __init__(
        self,
        name: str,
        version: str | int,
        creation_timestamp: int,
        last_updated_timestamp: int | None = None,
        description: str | None = None,
        user_id: str | None = None,
        current_stage: str = ModelVersionStages.NONE,
        source: str | None = None,
        run_id: str | None = None,
        run_link: str | None = None,
        status: str = "READY",
        status_message: str | None = None,
        tags: Mapping[str, str] | None = None,
        aliases: Sequence[str] | None = None,
    ) -> None:
        self._init(
            name=name,
            version=str(version),
            creation_timestamp=creation_timestamp,
            last_updated_timestamp=last_updated_timestamp,
            description=description,
            user_id=user_id,
            current_stage=current_stage,
            source=source,
            run_id=run_id,
            run_link=run_link,
            status=status,
            status_message=status_message,
            tags=dict(tags or {}),
            aliases=list(aliases or []),
        )


@entity
class RegisteredModelAlias(Entity):
    _fields = ("alias", "version")

    def __init__(self, alias: str, version: str | int) -> None:
        self._init(alias=alias, version=str(version))


@entity
class RegisteredModel(Entity):
    """``latest_versions``: the newest version in each stage; ``aliases``: alias -> version."""

    _fields = (
        "name",
        "creation_timestamp",
        "last_updated_timestamp",
        "description",
        "latest_versions",
        "tags",
        "aliases",
        "user_id",
    )

    def __init__(
        self,
        name: str,
        creation_timestamp: int | None = None,
        last_updated_timestamp: int | None = None,
        description: str | None = None,
        latest_versions: Sequence[ModelVersion] | None = None,
        tags: Mapping[str, str] | None = None,
        aliases: Mapping[str, str] | None = None,
        user_id: str | None = None,
    ) -> None:
        self._init(
            name=name,
            creation_timestamp=creation_timestamp,
            last_updated_timestamp=last_updated_timestamp,
            description=description,
            latest_versions=list(latest_versions or []),
            tags=dict(tags or {}),
            aliases={alias: str(version) for alias, version in (aliases or {}).items()},
            user_id=user_id,
        )


@entity
class ModelVersionStageTransition(Entity):
    """One stage change of a model version, as recorded in the stage history."""

    _fields = ("name", "version", "from_stage", "to_stage", "user_id", "timestamp")

    def __init__(
        self,
        name: str,
        version: str | int,
        from_stage: str,
        to_stage: str,
        user_id: str | None,
        timestamp: int,
    ) -> None:
        self._init(
            name=name,
            version=str(version),
            from_stage=from_stage,
            to_stage=to_stage,
            user_id=user_id,
            timestamp=timestamp,
        )
