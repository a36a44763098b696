"""Permission levels: READ < EDIT < MANAGE (MLflow's names), plus NO_PERMISSIONS."""

from __future__ import annotations

from weir.exceptions import InvalidParameterValue

NO_PERMISSIONS = "NO_PERMISSIONS"
READ = "READ"
EDIT = "EDIT"
MANAGE = "MANAGE"
LEVELS = {NO_PERMISSIONS: 0, READ: 1, EDIT: 2, MANAGE: 3}


def validate(permission: str) -> str:
    if isinstance(permission, str) and permission.strip().upper() in LEVELS:
        return permission.strip().upper()
    raise InvalidParameterValue(f"Invalid permission {permission!r}; expected one of {', '.join(LEVELS)}")


def allows(granted: str | None, required: str) -> bool:
    return LEVELS.get(granted or NO_PERMISSIONS, 0) >= LEVELS[required]
