"""REST endpoints for users and permissions, at MLflow's auth paths (under /api/2.0/mlflow/).

- ``users/create`` (POST, admin) ``{username, password}``; ``users/get`` (GET, admin or self);
  ``users/update-password`` (PATCH, admin or self); ``users/update-admin`` (PATCH, admin);
  ``users/delete`` (DELETE, admin).
- ``experiments/permissions/{create,get,update,delete}`` ``{experiment_id, username, permission}``
  and ``registered-models/permissions/...`` ``{name, username, permission}``: MANAGE on the target
  (``get`` needs READ, or asking about oneself).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from weir.exceptions import InvalidParameterValue, WeirException
from weir.server.auth import permissions as perms

if TYPE_CHECKING:
    from weir.server.auth.middleware import AuthMiddleware
    from weir.server.auth.store import User

Handler = Callable[["User", dict[str, list[str]]], tuple[int, dict[str, Any]]]


def _field(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name)
    if not values or values[0] == "":
        raise InvalidParameterValue(f"Missing value for required parameter '{name}'.")
    return values[0]


class _Forbidden(WeirException):
    def __init__(self, message: str) -> None:
        super().__init__(message, "PERMISSION_DENIED")


def _user_json(user: User) -> dict[str, Any]:
    return {"user": {"id": user.id, "username": user.username, "is_admin": user.is_admin}}


class AdminApi:
    def __init__(self, middleware: AuthMiddleware) -> None:
        self.mw = middleware
        self.auth = middleware.auth
        m = "mlflow/"
        self.routes: dict[tuple[str, str], Callable[..., dict[str, Any]]] = {
            ("POST", m + "users/create"): self.create_user,
            ("GET", m + "users/get"): self.get_user,
            ("PATCH", m + "users/update-password"): self.update_password,
            ("PATCH", m + "users/update-admin"): self.update_admin,
            ("DELETE", m + "users/delete"): self.delete_user,
        }
        for kind in ("experiments", "registered-models"):
            base = f"{m}{kind}/permissions/"
            self.routes[("POST", base + "create")] = self._permission_call(kind, "set")
            self.routes[("PATCH", base + "update")] = self._permission_call(kind, "set")
            self.routes[("GET", base + "get")] = self._permission_call(kind, "get")
            self.routes[("DELETE", base + "delete")] = self._permission_call(kind, "delete")

    def handler(self, method: str, endpoint: str) -> Handler | None:
        fn = self.routes.get((method, endpoint))
        if fn is None:
            return None

        def run(user: User, fields: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
            try:
                return 200, fn(user, fields)
            except WeirException as exc:
                return exc.http_status, exc.to_dict()

        return run

    @staticmethod
    def _admin(user: User) -> None:
        if not user.is_admin:
            raise _Forbidden(f"Permission denied: only administrators may do this (user {user.username!r}).")

    def create_user(self, user: User, fields: dict[str, list[str]]) -> dict[str, Any]:
        self._admin(user)
        created = self.auth.create_user(_field(fields, "username"), _field(fields, "password"))
        return _user_json(created)

    def get_user(self, user: User, fields: dict[str, list[str]]) -> dict[str, Any]:
        username = _field(fields, "username")
        if username != user.username:
            self._admin(user)
        return _user_json(self.auth.get_user(username))

    def update_password(self, user: User, fields: dict[str, list[str]]) -> dict[str, Any]:
        username = _field(fields, "username")
        if username != user.username:
            self._admin(user)
        self.auth.update_password(username, _field(fields, "password"))
        return {}

    def update_admin(self, user: User, fields: dict[str, list[str]]) -> dict[str, Any]:
        self._admin(user)
        value = _field(fields, "is_admin").strip().lower()
        self.auth.set_admin(_field(fields, "username"), value in ("true", "1"))
        return {}

    def delete_user(self, user: User, fields: dict[str, list[str]]) -> dict[str, Any]:
        self._admin(user)
        self.auth.delete_user(_field(fields, "username"))
        return {}

    def _permission_call(self, kind: str, action: str) -> Callable[..., dict[str, Any]]:
        experiment = kind == "experiments"
        id_field = "experiment_id" if experiment else "name"

        def call(user: User, fields: dict[str, list[str]]) -> dict[str, Any]:
            target = _field(fields, id_field)
            username = _field(fields, "username")
            granted = (
                self.mw.permission_on_experiment(user, target)
                if experiment
                else self.mw.permission_on_model(user, target)
            )
            needed = perms.READ if action == "get" and username == user.username else perms.MANAGE
            if not perms.allows(granted, needed):
                what = f"experiment {target}" if experiment else f"registered model {target!r}"
                raise _Forbidden(f"Permission denied: user {user.username!r} needs {needed} on {what}.")
            if action == "set":
                permission = perms.validate(_field(fields, "permission"))
                if experiment:
                    self.auth.set_experiment_permission(target, username, permission)
                else:
                    self.auth.set_registered_model_permission(target, username, permission)
                return {}
            if action == "delete":
                if experiment:
                    self.auth.delete_experiment_permission(target, username)
                else:
                    self.auth.delete_registered_model_permission(target, username)
                return {}
            other = self.auth.get_user(username)
            if experiment:
                permission = self.auth.experiment_permission(target, other.id)
                key = "experiment_permission"
            else:
                permission = self.auth.registered_model_permission(target, other.id)
                key = "registered_model_permission"
            if other.is_admin:
                permission = perms.MANAGE
            return {
                key: {
                    id_field: target,
                    "username": username,
                    "permission": permission or self.mw.default_permission,
                }
            }

        return call
