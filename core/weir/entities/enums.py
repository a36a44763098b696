"""Run status, lifecycle stage and view type, with MLflow's names and numbers."""

from __future__ import annotations


class RunStatus:
    RUNNING = "RUNNING"
    SCHEDULED = "SCHEDULED"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    KILLED = "KILLED"

    _ALL = (RUNNING, SCHEDULED, FINISHED, FAILED, KILLED)
    _NUMBERS = {RUNNING: 1, SCHEDULED: 2, FINISHED: 3, FAILED: 4, KILLED: 5}

    @classmethod
    def all_status(cls) -> tuple[str, ...]:
        return cls._ALL

    @classmethod
    def is_terminated(cls, status: str) -> bool:
        return status in (cls.FINISHED, cls.FAILED, cls.KILLED)

    @classmethod
    def validate(cls, status: str | int) -> str:
        if isinstance(status, int):
            for name, number in cls._NUMBERS.items():
                if number == status:
                    return name
        if isinstance(status, str) and status.upper() in cls._ALL:
            return status.upper()
        from weir.exceptions import InvalidParameterValue

        raise InvalidParameterValue(f"Invalid run status {status!r}; expected one of {', '.join(cls._ALL)}")

    @classmethod
    def to_string(cls, status: str | int) -> str:
        return cls.validate(status)

    @classmethod
    def from_string(cls, status: str) -> str:
        return cls.validate(status)


class LifecycleStage:
    ACTIVE = "active"
    DELETED = "deleted"

    @classmethod
    def view_type_to_stages(cls, view_type: int) -> tuple[str, ...]:
        if view_type == ViewType.ACTIVE_ONLY:
            return (cls.ACTIVE,)
        if view_type == ViewType.DELETED_ONLY:
            return (cls.DELETED,)
        return (cls.ACTIVE, cls.DELETED)


class ViewType:
    ACTIVE_ONLY = 1
    DELETED_ONLY = 2
    ALL = 3

    _BY_NAME = {"ACTIVE_ONLY": 1, "DELETED_ONLY": 2, "ALL": 3}

    @classmethod
    def from_string(cls, name: str) -> int:
        try:
            return cls._BY_NAME[name.upper()]
        except KeyError:
            from weir.exceptions import InvalidParameterValue

            raise InvalidParameterValue(
                f"Invalid view type {name!r}; expected ACTIVE_ONLY, DELETED_ONLY or ALL"
            ) from None

    @classmethod
    def to_string(cls, view_type: int) -> str:
        return {v: k for k, v in cls._BY_NAME.items()}[view_type]
