"""HTTP for talking to a tracking server: keep-alive connections per thread, auth, retries.

Only the standard library (``http.client``), so weir's core keeps its minimal dependencies.

Retries: connection errors, timeouts and the statuses in ``RETRY_STATUSES`` are retried with
exponential backoff and jitter, bounded by a number of retries and a total time. Settings come
from the environment (weir's names first, then MLflow's):

- ``WEIR_HTTP_REQUEST_MAX_RETRIES`` / ``MLFLOW_HTTP_REQUEST_MAX_RETRIES`` (default 7)
- ``WEIR_HTTP_REQUEST_BACKOFF_FACTOR`` / ``MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR`` (seconds, default 0.5):
  the n-th retry waits ``factor * 2**(n-1)`` capped by ``WEIR_HTTP_REQUEST_BACKOFF_MAX`` (default 30)
- ``WEIR_HTTP_REQUEST_BACKOFF_JITTER`` / ``MLFLOW_HTTP_REQUEST_BACKOFF_JITTER`` (fraction, default 0.5)
- ``WEIR_HTTP_REQUEST_RETRY_TIMEOUT`` (seconds, default 300): no retry starts after that
- ``WEIR_HTTP_REQUEST_TIMEOUT`` / ``MLFLOW_HTTP_REQUEST_TIMEOUT`` (socket timeout, default 120)

Auth: ``WEIR_TRACKING_TOKEN`` / ``MLFLOW_TRACKING_TOKEN`` (bearer) or ``WEIR_TRACKING_USERNAME`` +
``WEIR_TRACKING_PASSWORD`` (and the MLFLOW_ names; HTTP basic), or ``user:password@`` in the URI.
TLS: ``MLFLOW_TRACKING_INSECURE_TLS=true`` skips verification; ``MLFLOW_TRACKING_SERVER_CERT_PATH``
names a CA bundle.
"""

from __future__ import annotations

import base64
import dataclasses
import http.client
import json
import os
import random
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from weir.exceptions import WeirException

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_USER_AGENT = "weir-rest-client"
_BLOCK = 1 << 20  # bytes per write when streaming a file body


def _env(*names: str) -> str | None:
    for name in names:
        value = os.environ.get(name)
        if value not in (None, ""):
            return value
    return None


def _env_number(kind: type, default: Any, *names: str) -> Any:
    raw = _env(*names)
    if raw is None:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise WeirException.invalid_parameter_value(
            f"Invalid value {raw!r} for {names[0]}: expected a {kind.__name__}"
        ) from None
    if value < 0:
        raise WeirException.invalid_parameter_value(f"Invalid value {raw!r} for {names[0]}: must be >= 0")
    return value


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 7
    backoff_factor: float = 0.5
    backoff_max: float = 30.0
    jitter: float = 0.5
    total_timeout: float = 300.0
    request_timeout: float = 120.0

    @classmethod
    def from_env(cls) -> RetryPolicy:
        return cls(
            max_retries=_env_number(
                int, 7, "WEIR_HTTP_REQUEST_MAX_RETRIES", "MLFLOW_HTTP_REQUEST_MAX_RETRIES"
            ),
            backoff_factor=_env_number(
                float, 0.5, "WEIR_HTTP_REQUEST_BACKOFF_FACTOR", "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR"
            ),
            backoff_max=_env_number(float, 30.0, "WEIR_HTTP_REQUEST_BACKOFF_MAX"),
            jitter=_env_number(
                float, 0.5, "WEIR_HTTP_REQUEST_BACKOFF_JITTER", "MLFLOW_HTTP_REQUEST_BACKOFF_JITTER"
            ),
            total_timeout=_env_number(float, 300.0, "WEIR_HTTP_REQUEST_RETRY_TIMEOUT"),
            request_timeout=_env_number(
                float, 120.0, "WEIR_HTTP_REQUEST_TIMEOUT", "MLFLOW_HTTP_REQUEST_TIMEOUT"
            ),
        )

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        base = min(self.backoff_max, self.backoff_factor * (2 ** (retry - 1)))
        return base * (1 + self.jitter * random.random())


def auth_header(uri_username: str | None = None, uri_password: str | None = None) -> str | None:
    """The Authorization header value from the environment (or credentials in the URI)."""
    token = _env("WEIR_TRACKING_TOKEN", "MLFLOW_TRACKING_TOKEN")
    if token:
        return f"Bearer {token}"
    username = _env("WEIR_TRACKING_USERNAME", "MLFLOW_TRACKING_USERNAME") or uri_username
    password = _env("WEIR_TRACKING_PASSWORD", "MLFLOW_TRACKING_PASSWORD") or uri_password
    if username and password is not None:
        raw = f"{username}:{password}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")
    return None


@dataclasses.dataclass
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        if not self.body:
            return {}
        return json.loads(self.body)


class RetryableError(Exception):
    """A response worth retrying (5xx/429); carries it so the last one can be reported."""

    def __init__(self, response: Response) -> None:
        super().__init__(f"HTTP {response.status}")
        self.response = response


# error_code -> exception subclass, so ``except ResourceDoesNotExist`` works on REST errors too
def _exception_for(message: str, error_code: str) -> WeirException:
    from weir import exceptions

    by_code = {
        "RESOURCE_DOES_NOT_EXIST": exceptions.ResourceDoesNotExist,
        "RESOURCE_ALREADY_EXISTS": exceptions.ResourceAlreadyExists,
        "INVALID_PARAMETER_VALUE": exceptions.InvalidParameterValue,
    }
    cls = by_code.get(error_code)
    return cls(message) if cls is not None else WeirException(message, error_code)


_CODE_BY_STATUS = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "ENDPOINT_NOT_FOUND",
    409: "RESOURCE_CONFLICT",
    429: "REQUEST_LIMIT_EXCEEDED",
    501: "NOT_IMPLEMENTED",
    503: "TEMPORARILY_UNAVAILABLE",
}


def error_from_response(response: Response, what: str) -> WeirException:
    """A WeirException carrying the server's error_code and message (MLflow's error JSON)."""
    try:
        payload = json.loads(response.body)
    except (ValueError, UnicodeDecodeError):
        payload = None
    if isinstance(payload, dict) and isinstance(payload.get("error_code"), str):
        message = str(payload.get("message") or payload["error_code"])
        return _exception_for(message, payload["error_code"])
    text = response.body[:500].decode("utf-8", "replace").strip()
    code = _CODE_BY_STATUS.get(response.status, "INTERNAL_ERROR" if response.status >= 500 else "BAD_REQUEST")
    return WeirException(f"{what} failed with HTTP {response.status}: {text or '(empty body)'}", code)


Body = bytes | Callable[[], IO[bytes]] | None


class HttpClient:
    """Requests to one server (``http(s)://host[:port][/prefix]``), safe to share between threads.

    Each thread keeps its own keep-alive connection; ``close()`` closes them all.
    """

    def __init__(self, base_uri: str, policy: RetryPolicy | None = None, *, send_auth: bool = True) -> None:
        parts = urlsplit(base_uri)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise WeirException.invalid_parameter_value(
                f"Invalid tracking server URI {base_uri!r}: expected http(s)://host[:port][/path]"
            )
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.prefix = parts.path.rstrip("/")
        self._uri_username = unquote(parts.username) if parts.username else None
        self._uri_password = unquote(parts.password) if parts.password is not None else None
        netloc = self.host if ":" not in self.host else f"[{self.host}]"
        if parts.port:
            netloc += f":{parts.port}"
        self.base_uri = f"{self.scheme}://{netloc}{self.prefix}"
        self.policy = policy or RetryPolicy.from_env()
        self.send_auth = send_auth
        self._local = threading.local()
        self._connections: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self._ssl_context: ssl.SSLContext | None = None

    def __repr__(self) -> str:
        return f"HttpClient({self.base_uri!r})"

    # --- connections -------------------------------------------------------------------------
    def _context(self) -> ssl.SSLContext:
        if self._ssl_context is None:
            cert = _env("WEIR_TRACKING_SERVER_CERT_PATH", "MLFLOW_TRACKING_SERVER_CERT_PATH")
            context = ssl.create_default_context(cafile=cert)
            insecure = _env("WEIR_TRACKING_INSECURE_TLS", "MLFLOW_TRACKING_INSECURE_TLS")
            if insecure and insecure.lower() in ("1", "true", "yes"):
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            self._ssl_context = context
        return self._ssl_context

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's connection and whether it was used before (may have gone stale)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return conn, True
        timeout = self.policy.request_timeout or None
        if self.scheme == "https":
            conn = http.client.HTTPSConnection(
                self.host, self.port, timeout=timeout, context=self._context(), blocksize=_BLOCK
            )
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout, blocksize=_BLOCK)
        self._local.conn = conn
        with self._lock:
            self._connections.append(conn)
        return conn, False

    def _drop_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            conn.close()
            with self._lock:
                if conn in self._connections:
                    self._connections.remove(conn)

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            try:
                conn.close()
            except Exception:  # noqa: S110 - closing is best effort
                pass

    # --- requests ----------------------------------------------------------------------------
    def url_path(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        """``/prefix/path?query``; ``path`` is already percent-encoded where needed."""
        target = self.prefix + path
        if params:
            query = urlencode(list(_query_items(params)), doseq=False)
            if query:
                target += "?" + query
        return target

    def _headers(self, extra: Mapping[str, str] | None) -> dict[str, str]:
        headers = {"User-Agent": _USER_AGENT}
        auth = auth_header(self._uri_username, self._uri_password) if self.send_auth else None
        if auth:
            headers["Authorization"] = auth
        if extra:
            headers.update(extra)
        return headers

    def _send_once(
        self,
        method: str,
        target: str,
        body: Body,
        headers: dict[str, str],
        stream_to: IO[bytes] | None,
    ) -> Response:
        conn, reused = self._connection()
        try:
            payload = body() if callable(body) else body
            try:
                conn.request(method, target, body=payload, headers=headers)
            finally:
                if payload is not None and not isinstance(payload, (bytes, bytearray)):
                    payload.close()
            raw = conn.getresponse()
            status = raw.status
            if stream_to is not None and status == 200:
                while True:
                    chunk = raw.read(1 << 20)
                    if not chunk:
                        break
                    stream_to.write(chunk)
                data = b""
            else:
                data = raw.read()
            response = Response(status, {k.lower(): v for k, v in raw.getheaders()}, data)
            if raw.will_close:
                self._drop_connection()
            return response
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
            self._drop_connection()
            if reused:  # a kept-alive connection the server had closed: one fresh try, no backoff
                raise _StaleConnection() from exc
            raise
        except BaseException:
            self._drop_connection()
            raise

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        body: Body = None,
        headers: Mapping[str, str] | None = None,
        stream_to: Callable[[], IO[bytes]] | None = None,
        what: str | None = None,
    ) -> Response:
        """Send a request, retrying transient failures; raise WeirException on errors.

        ``body`` is bytes or a callable returning a fresh readable file (called again for each
        attempt, so uploads restart cleanly). ``stream_to`` returns a fresh writable file for a
        successful response body (downloads restart cleanly too).
        """
        target = self.url_path(path, params)
        all_headers = self._headers(headers)
        if json_body is not None:
            body = json.dumps(json_body, allow_nan=False, separators=(",", ":")).encode()
            all_headers["Content-Type"] = "application/json"
        what = what or f"{method} {self.base_uri}{path}"
        policy = self.policy
        deadline = time.monotonic() + policy.total_timeout
        attempt = 0
        while True:
            sink = stream_to() if stream_to is not None else None
            try:
                try:
                    response = self._send_once(method, target, body, all_headers, sink)
                except _StaleConnection:
                    if sink is not None:
                        sink.close()
                        sink = stream_to()
                    response = self._send_once(method, target, body, all_headers, sink)
                if response.status in RETRY_STATUSES:
                    raise RetryableError(response)
                if response.status >= 400:
                    raise error_from_response(response, what)
                return response
            except ssl.SSLCertVerificationError as exc:
                raise WeirException(
                    f"{what} failed: the TLS certificate of {self.base_uri} could not be verified ({exc})",
                    "INVALID_STATE",
                ) from exc
            except (RetryableError, OSError, http.client.HTTPException) as exc:
                attempt += 1
                delay = policy.delay(attempt)
                retry_after = _retry_after(exc)
                if retry_after is not None:
                    delay = max(delay, min(retry_after, policy.backoff_max))
                if attempt > policy.max_retries or time.monotonic() + delay > deadline:
                    raise self._give_up(exc, what, attempt) from exc
                time.sleep(delay)
            finally:
                if sink is not None:
                    sink.close()

    def _give_up(self, exc: BaseException, what: str, attempts: int) -> WeirException:
        if isinstance(exc, RetryableError):
            error = error_from_response(exc.response, what)
            error.message = f"{error.message} (after {attempts} attempt(s))"
            error.args = (error.message,)
            return error
        return WeirException(
            f"{what} failed: cannot reach the tracking server at {self.base_uri} after {attempts} "
            f"attempt(s) ({type(exc).__name__}: {exc})",
            "TEMPORARILY_UNAVAILABLE",
        )

    def call(
        self, method: str, endpoint: str, payload: Mapping[str, Any] | None = None, *, api: str = "2.0"
    ) -> dict[str, Any]:
        """One MLflow REST call (``endpoint`` like ``mlflow/runs/get``): GET sends query params."""
        path = f"/api/{api}/{endpoint}"
        what = f"{method} {endpoint}"
        if method == "GET":
            response = self.request("GET", path, params=payload or {}, what=what)
        else:
            response = self.request(method, path, json_body=dict(payload or {}), what=what)
        try:
            result = response.json()
        except ValueError as exc:
            raise WeirException(
                f"{what}: the server at {self.base_uri} sent a non-JSON response; is it an MLflow-compatible "
                "tracking server?",
                "INTERNAL_ERROR",
            ) from exc
        return result if isinstance(result, dict) else {}


class _StaleConnection(Exception):
    pass


def _retry_after(exc: BaseException) -> float | None:
    if isinstance(exc, RetryableError):
        raw = exc.response.headers.get("retry-after")
        if raw:
            try:
                return max(0.0, float(raw))
            except ValueError:
                return None
    return None


def _query_items(params: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """Repeated fields repeat the key; bools are ``true``/``false``; None is left out."""
    for key, value in params.items():
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            if isinstance(item, bool):
                item = "true" if item else "false"
            yield key, str(item)


def quote_path(path: str) -> str:
    """Percent-encode an artifact path for a URL, keeping ``/``."""
    return quote(path, safe="/")


__all__ = [
    "HttpClient",
    "Response",
    "RetryPolicy",
    "auth_header",
    "error_from_response",
    "quote_path",
]
