"""ASGI middleware enforcing weir's access control in front of the tracking server.

- No credentials: 401 with ``WWW-Authenticate: Basic`` (MLflow's error JSON, UNAUTHENTICATED).
- ``Authorization: Basic`` (username/password) or ``Authorization: Bearer <token>``.
- Each API request is mapped to the experiment / registered model it targets (runs -> their
  experiment, proxied artifacts -> the experiment id at the head of the path, logged models ->
  their experiment) and needs READ, EDIT or MANAGE on it (``weir.server.auth.rules``). Admins may
  do everything; a user without a grant has ``default_permission`` (READ unless configured with
  ``WEIR_AUTH_DEFAULT_PERMISSION``). Creators get MANAGE on the experiments and models they create.
- Search results (experiments, registered models, model versions) are filtered to readable ones.
- ``/health`` and ``/version`` stay open. Unknown API endpoints are for admins only.
- Permission management over REST (MLflow's auth paths): ``mlflow/experiments/permissions/*``,
  ``mlflow/registered-models/permissions/*`` (MANAGE on the target) and ``mlflow/users/*``.

The authenticated user's name is put in ``scope["state"]["weir_user"]`` for the app.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qs

from weir.exceptions import WeirException
from weir.server.auth import permissions as perms
from weir.server.auth import rules
from weir.server.auth.admin_api import AdminApi
from weir.server.auth.store import AuthStore, User

_API_PREFIXES = ("/api/2.0/", "/ajax-api/2.0/", "/api/3.0/", "/ajax-api/3.0/")
_OPEN_PATHS = frozenset({"/health", "/version"})
_CREDENTIAL_TTL = 60.0  # seconds a verified password is remembered (scrypt is deliberately slow)
_MAX_BODY = 16 * 1024 * 1024


class _Denied(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _error(status: int, code: str, message: str) -> _Denied:
    return _Denied(status, code, message)


class _Cache:
    """A small thread-safe LRU with expiry."""

    def __init__(self, size: int, ttl: float | None) -> None:
        self._data: OrderedDict[Any, tuple[float, Any]] = OrderedDict()
        self._size = size
        self._ttl = ttl
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            if self._ttl is not None and item[0] < time.monotonic():
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return item[1]

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            expires = time.monotonic() + self._ttl if self._ttl is not None else 0.0
            self._data[key] = (expires, value)
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)


class AuthMiddleware:
    """``AuthMiddleware(app, store_uri)``: wrap the tracking server's ASGI app."""

    def __init__(self, app: Any, store_uri: str, *, default_permission: str | None = None) -> None:
        self.app = app
        self.store_uri = store_uri
        self.auth = AuthStore(store_uri)
        self.default_permission = perms.validate(
            default_permission or os.environ.get("WEIR_AUTH_DEFAULT_PERMISSION") or perms.READ
        )
        self._credentials = _Cache(1024, _CREDENTIAL_TTL)
        self._run_experiments = _Cache(100_000, None)  # a run never changes experiment
        self._tracking_store: Any = None
        self.admin_api = AdminApi(self)

    # --- the tracking store (runs -> experiments, names -> ids) ---------------------------------
    @property
    def tracking_store(self) -> Any:
        if self._tracking_store is None:
            store = getattr(self.app, "store", None)
            if store is None:
                from weir.store.factory import get_tracking_store

                store = get_tracking_store(self.store_uri)
            self._tracking_store = store
        return self._tracking_store

    # --- ASGI ------------------------------------------------------------------------------------
    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] in _OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        try:
            user = await self._authenticate(scope)
        except _Denied as denied:
            await _send_error(send, denied)
            return
        scope.setdefault("state", {})["weir_user"] = user.username
        path: str = scope["path"]
        endpoint = _endpoint(path)
        if endpoint is None:  # the web UI's static files: any signed-in user
            await self.app(scope, receive, send)
            return
        try:
            await self._api(scope, receive, send, user, endpoint)
        except _Denied as denied:
            await _send_error(send, denied)

    async def _api(self, scope: dict, receive: Any, send: Any, user: User, endpoint: str) -> None:
        method: str = scope["method"]
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        admin_handler = self.admin_api.handler(method, endpoint)
        if admin_handler is not None:
            body = await _read_json(receive)
            status, payload = await _in_thread(admin_handler, user, _fields(query, body))
            await _send_json(send, status, payload)
            return
        rule = rules.rule_for(method, endpoint)
        if user.is_admin:
            await self.app(scope, receive, send)
            return
        if rule is None:
            raise _error(403, "PERMISSION_DENIED", f"Only administrators may call {endpoint}.")
        needs_body = method not in ("GET", "HEAD") and rule.kind not in (
            rules.ARTIFACT_PATH,
            rules.LOGGED_MODEL,
        )
        body_bytes = await _read_body(receive) if needs_body else None
        fields = _fields(query, _parse(body_bytes))
        if needs_body:
            receive = _replay(body_bytes or b"")
        if rule.kind == rules.FILTER:
            await self._filtered(scope, receive, send, user, endpoint)
            return
        if rule.kind == rules.CREATE:
            await self._create(scope, receive, send, user, endpoint, fields)
            return
        if rule.kind != rules.AUTHENTICATED:
            await _in_thread(self._check, user, rule, endpoint, fields)
        if endpoint == "mlflow/registered-models/rename":
            await self._rename_model(scope, receive, send, fields)
            return
        await self.app(scope, receive, send)

    # --- authentication --------------------------------------------------------------------------
    async def _authenticate(self, scope: dict) -> User:
        header = _header(scope, b"authorization")
        if not header:
            raise _error(
                401,
                "UNAUTHENTICATED",
                "Authentication required: send HTTP basic credentials or a bearer token.",
            )
        scheme, _, value = header.partition(" ")
        scheme = scheme.lower()
        if scheme == "bearer" and value.strip():
            user = await _in_thread(self.auth.authenticate_token, value.strip())
            if user is None:
                raise _error(401, "UNAUTHENTICATED", "Invalid or expired bearer token.")
            return user
        if scheme == "basic":
            try:
                username, sep, password = (
                    base64.b64decode(value.strip(), validate=True).decode().partition(":")
                )
            except (ValueError, UnicodeDecodeError):
                sep = ""
            if not sep:
                raise _error(401, "UNAUTHENTICATED", "Malformed HTTP basic credentials.")
            return await self._basic(username, password)
        raise _error(
            401, "UNAUTHENTICATED", f"Unsupported authorization scheme {scheme!r}; use Basic or Bearer."
        )

    async def _basic(self, username: str, password: str) -> User:
        key = hashlib.sha256(f"{username}\0{password}".encode()).digest()
        cached_hash = self._credentials.get(key)
        if cached_hash is not None:
            user = await _in_thread(self.auth.find_user, username)
            if user is not None and user.password_hash == cached_hash:  # still the same password
                return user
        user = await _in_thread(self.auth.authenticate_password, username, password)
        if user is None:
            raise _error(401, "UNAUTHENTICATED", "Invalid username or password.")
        self._credentials.put(key, user.password_hash)
        return user

    # --- authorization ---------------------------------------------------------------------------
    def permission_on_experiment(self, user: User, experiment_id: str) -> str:
        if user.is_admin:
            return perms.MANAGE
        return self.auth.experiment_permission(str(experiment_id), user.id) or self.default_permission

    def permission_on_model(self, user: User, name: str) -> str:
        if user.is_admin:
            return perms.MANAGE
        return self.auth.registered_model_permission(name, user.id) or self.default_permission

    def _require(self, granted: str, required: str, what: str, user: User) -> None:
        if not perms.allows(granted, required):
            raise _error(
                403,
                "PERMISSION_DENIED",
                f"Permission denied: user {user.username!r} needs {required} on {what}.",
            )

    def _check(self, user: User, rule: rules.Rule, endpoint: str, fields: dict[str, list[str]]) -> None:
        kind, required = rule.kind, rule.permission
        if kind == rules.EXPERIMENT:
            experiment_id = _first(fields, "experiment_id") or "0"
            self._require(
                self.permission_on_experiment(user, experiment_id),
                required,
                f"experiment {experiment_id}",
                user,
            )
        elif kind == rules.EXPERIMENT_NAME:
            name = _first(fields, "experiment_name")
            experiment = self.tracking_store.get_experiment_by_name(name) if name else None
            if experiment is not None:
                self._require(
                    self.permission_on_experiment(user, experiment.experiment_id),
                    required,
                    f"experiment {name!r}",
                    user,
                )
        elif kind == rules.EXPERIMENTS:
            for experiment_id in fields.get("experiment_ids", []):
                self._require(
                    self.permission_on_experiment(user, experiment_id),
                    required,
                    f"experiment {experiment_id}",
                    user,
                )
        elif kind in (rules.RUN, rules.RUNS):
            if kind == rules.RUN:
                single = _first(fields, "run_id") or _first(fields, "run_uuid")
                run_ids = [single] if single else []
            else:
                run_ids = fields.get("run_ids", []) + fields.get("run_id", [])
            for run_id in run_ids:
                experiment_id = self._experiment_of_run(run_id)
                if experiment_id is not None:
                    self._require(
                        self.permission_on_experiment(user, experiment_id), required, f"run {run_id}", user
                    )
        elif kind == rules.MODEL:
            name = _first(fields, "name")
            if name:
                self._require(
                    self.permission_on_model(user, name), required, f"registered model {name!r}", user
                )
        elif kind == rules.LOGGED_MODEL:
            model_id = rules.logged_model_id(endpoint)
            experiment_id = self._experiment_of_logged_model(model_id)
            if experiment_id is not None:
                self._require(
                    self.permission_on_experiment(user, experiment_id), required, f"model {model_id}", user
                )
        elif kind == rules.ARTIFACT_PATH:
            path = rules.artifact_path(endpoint, _first(fields, "path"))
            head = path.strip("/").split("/", 1)[0]
            if not head.isdigit():
                raise _error(
                    403, "PERMISSION_DENIED", f"Only administrators may access artifacts at {path!r}."
                )
            self._require(self.permission_on_experiment(user, head), required, f"experiment {head}", user)

    def _experiment_of_run(self, run_id: str) -> str | None:
        experiment_id = self._run_experiments.get(run_id)
        if experiment_id is None:
            try:
                experiment_id = self.tracking_store.get_run(run_id).info.experiment_id
            except WeirException:
                return None  # unknown run: the server answers 404 itself
            self._run_experiments.put(run_id, experiment_id)
        return experiment_id

    def _experiment_of_logged_model(self, model_id: str) -> str | None:
        getter = getattr(self.tracking_store, "get_logged_model", None)
        if getter is None:
            return None
        try:
            model = getter(model_id)
        except WeirException:
            return None
        info = getattr(model, "info", model)
        return str(getattr(info, "experiment_id", "")) or None

    # --- responses that need the app's answer ----------------------------------------------------
    async def _create(
        self, scope: dict, receive: Any, send: Any, user: User, endpoint: str, fields: dict
    ) -> None:
        status, headers, body = await _capture(self.app, scope, receive)
        if status == 200:
            try:
                if endpoint.startswith("mlflow/experiments/"):
                    experiment_id = json.loads(body).get("experiment_id")
                    if experiment_id is not None:
                        await _in_thread(
                            self.auth.set_experiment_permission,
                            str(experiment_id),
                            user.username,
                            perms.MANAGE,
                        )
                else:
                    name = _first(fields, "name")
                    if name:
                        await _in_thread(
                            self.auth.set_registered_model_permission, name, user.username, perms.MANAGE
                        )
            except (ValueError, AttributeError):
                pass
        await _send_raw(send, status, headers, body)

    async def _rename_model(self, scope: dict, receive: Any, send: Any, fields: dict) -> None:
        status, headers, body = await _capture(self.app, scope, receive)
        name, new_name = _first(fields, "name"), _first(fields, "new_name")
        if status == 200 and name and new_name:
            await _in_thread(self.auth.rename_registered_model, name, new_name)
        await _send_raw(send, status, headers, body)

    async def _filtered(self, scope: dict, receive: Any, send: Any, user: User, endpoint: str) -> None:
        status, headers, body = await _capture(self.app, scope, receive)
        if status == 200:
            body = await _in_thread(self._filter_body, user, endpoint, body)
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
        await _send_raw(send, status, headers, body)

    def _filter_body(self, user: User, endpoint: str, body: bytes) -> bytes:
        try:
            payload = json.loads(body)
        except ValueError:
            return body
        if endpoint.endswith("experiments/search"):
            key, field, check = "experiments", "experiment_id", self.permission_on_experiment
        else:
            key = "registered_models" if endpoint.endswith("registered-models/search") else "model_versions"
            field, check = "name", self.permission_on_model

        def keep(item: dict) -> bool:
            return perms.allows(check(user, str(item.get(field, ""))), perms.READ)

        items = payload.get(key)
        if isinstance(items, list):
            kept = [item for item in items if keep(item)]
            if kept:
                payload[key] = kept
            else:
                payload.pop(key)
        return json.dumps(payload, separators=(",", ":")).encode()


# --- helpers ---------------------------------------------------------------------------------------
def _endpoint(path: str) -> str | None:
    for prefix in _API_PREFIXES:
        if path.startswith(prefix):
            return path[len(prefix) :]
    return None


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _first(fields: dict[str, list[str]], name: str) -> str | None:
    values = fields.get(name)
    return values[0] if values else None


def _fields(query: dict[str, list[str]], body: Any) -> dict[str, list[str]]:
    """Query parameters and top-level JSON fields, as lists of strings."""
    fields = {key: list(values) for key, values in query.items()}
    if isinstance(body, dict):
        for key, value in body.items():
            values = value if isinstance(value, list) else [value]
            fields.setdefault(key, []).extend(str(v) for v in values if isinstance(v, (str, int, float)))
    return fields


def _parse(body: bytes | None) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


async def _read_body(receive: Any) -> bytes:
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _error(400, "BAD_REQUEST", "The client disconnected.")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > _MAX_BODY:
            raise _error(400, "INVALID_PARAMETER_VALUE", "The request body is too large.")
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def _read_json(receive: Any) -> Any:
    return _parse(await _read_body(receive))


def _replay(body: bytes) -> Any:
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _capture(app: Any, scope: dict, receive: Any) -> tuple[int, list, bytes]:
    status = 500
    headers: list = []
    chunks: list[bytes] = []

    async def send(message: dict) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status = message["status"]
            headers = list(message.get("headers") or [])
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, headers, b"".join(chunks)


async def _send_raw(send: Any, status: int, headers: list, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _send_json(send: Any, status: int, payload: dict) -> None:
    body = json.dumps(payload, separators=(",", ":")).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await _send_raw(send, status, headers, body)


async def _send_error(send: Any, denied: _Denied) -> None:
    body = json.dumps({"error_code": denied.code, "message": denied.message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if denied.status == 401:
        headers.append((b"www-authenticate", b'Basic realm="weir"'))
    await _send_raw(send, denied.status, headers, body)


async def _in_thread(fn: Any, *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)
