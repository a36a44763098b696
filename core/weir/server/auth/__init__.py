"""Optional access control for ``weir server --auth``: users, bearer tokens, per-resource permissions.

- ``weir.server.auth.store.AuthStore``: users (scrypt-hashed passwords), tokens (hashed) and
  READ/EDIT/MANAGE grants per experiment and per registered model, in the backend store's DB;
- ``weir.server.auth.middleware.AuthMiddleware``: the ASGI middleware enforcing them;
- ``weir auth ...`` (``weir.cli.auth``): the command line to create admins, users, grants, tokens.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    # the middleware is imported only when a server runs with --auth (the CLI needs just the store)
    if name == "AuthMiddleware":
        from weir.server.auth.middleware import AuthMiddleware

        return AuthMiddleware
    raise AttributeError(name)
