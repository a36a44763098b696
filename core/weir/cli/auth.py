"""``weir auth``: users, tokens and permissions for ``weir server --auth``.

There is no default admin: create the first one with ``weir auth create-admin``. Passwords are
read from a hidden prompt (asked twice) or, with ``--password-stdin``, from the first line of stdin.
"""

from __future__ import annotations

import sys

import click

DEFAULT_BACKEND_STORE = "./weirruns"

_backend_option = click.option(
    "--backend-store-uri",
    default=DEFAULT_BACKEND_STORE,
    show_default=True,
    envvar="WEIR_BACKEND_STORE_URI",
    help="The server's backend store (folder path or sqlite:///path.db); users live in its database.",
)
_username_option = click.option("--username", required=True, help="The user's name.")
_stdin_option = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of stdin instead of a prompt.",
)


def _store(uri: str):
    from weir.server.auth.store import AuthStore

    return AuthStore(uri)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise click.ClickException("No password on stdin.")
        return password
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group()
def auth() -> None:
    """Manage users, tokens and permissions of a server started with ``weir server --auth``."""


@auth.command("create-admin")
@_backend_option
@_username_option
@_stdin_option
def create_admin(backend_store_uri: str, username: str, password_stdin: bool) -> None:
    """Create an administrator (may do everything, including managing users)."""
    user = _store(backend_store_uri).create_user(username, _password(password_stdin), is_admin=True)
    click.echo(f"Created administrator {user.username!r}.")


@auth.command("create-user")
@_backend_option
@_username_option
@_stdin_option
@click.option("--admin", is_flag=True, help="Make the user an administrator.")
def create_user(backend_store_uri: str, username: str, password_stdin: bool, admin: bool) -> None:
    """Create a user with a password."""
    user = _store(backend_store_uri).create_user(username, _password(password_stdin), is_admin=admin)
    click.echo(f"Created {'administrator' if user.is_admin else 'user'} {user.username!r}.")


@auth.command("set-password")
@_backend_option
@_username_option
@_stdin_option
def set_password(backend_store_uri: str, username: str, password_stdin: bool) -> None:
    """Change a user's password."""
    _store(backend_store_uri).update_password(username, _password(password_stdin))
    click.echo(f"Password of {username!r} changed.")


@auth.command("delete-user")
@_backend_option
@_username_option
def delete_user(backend_store_uri: str, username: str) -> None:
    """Delete a user with their tokens and permissions."""
    _store(backend_store_uri).delete_user(username)
    click.echo(f"Deleted user {username!r}.")


@auth.command("list-users")
@_backend_option
def list_users(backend_store_uri: str) -> None:
    """List users (administrators are marked)."""
    for user in _store(backend_store_uri).list_users():
        click.echo(f"{user.username}{' (admin)' if user.is_admin else ''}")


def _target(experiment_id: str | None, registered_model: str | None) -> None:
    if (experiment_id is None) == (registered_model is None):
        raise click.UsageError("Give exactly one of --experiment-id or --registered-model.")


@auth.command("grant")
@_backend_option
@_username_option
@click.option("--experiment-id", help="The experiment the permission is on.")
@click.option("--registered-model", help="The registered model the permission is on.")
@click.option(
    "--permission",
    required=True,
    type=click.Choice(["READ", "EDIT", "MANAGE", "NO_PERMISSIONS"], case_sensitive=False),
    help="READ: view; EDIT: log and update; MANAGE: also delete and change permissions.",
)
def grant(
    backend_store_uri: str,
    username: str,
    experiment_id: str | None,
    registered_model: str | None,
    permission: str,
) -> None:
    """Give a user a permission on one experiment or registered model (replacing any earlier one)."""
    _target(experiment_id, registered_model)
    store = _store(backend_store_uri)
    if experiment_id is not None:
        store.set_experiment_permission(experiment_id, username, permission)
        click.echo(f"{username!r} has {permission.upper()} on experiment {experiment_id}.")
    else:
        store.set_registered_model_permission(registered_model, username, permission)
        click.echo(f"{username!r} has {permission.upper()} on registered model {registered_model!r}.")


@auth.command("revoke")
@_backend_option
@_username_option
@click.option("--experiment-id", help="The experiment.")
@click.option("--registered-model", help="The registered model.")
def revoke(
    backend_store_uri: str, username: str, experiment_id: str | None, registered_model: str | None
) -> None:
    """Remove a user's explicit permission (the server's default permission applies again)."""
    _target(experiment_id, registered_model)
    store = _store(backend_store_uri)
    if experiment_id is not None:
        store.delete_experiment_permission(experiment_id, username)
    else:
        store.delete_registered_model_permission(registered_model, username)
    click.echo("Permission removed.")


@auth.command("create-token")
@_backend_option
@_username_option
@click.option("--name", help="A label for the token.")
@click.option(
    "--expires-in-days", type=click.FloatRange(min=0, min_open=True), help="Expiry (default: never)."
)
def create_token(
    backend_store_uri: str, username: str, name: str | None, expires_in_days: float | None
) -> None:
    """Create a bearer token for a user and print it (only its hash is stored: keep it now)."""
    token = _store(backend_store_uri).create_token(username, name=name, expires_in_days=expires_in_days)
    click.echo(token)


@auth.command("revoke-tokens")
@_backend_option
@_username_option
def revoke_tokens(backend_store_uri: str, username: str) -> None:
    """Invalidate every bearer token of a user."""
    count = _store(backend_store_uri).revoke_tokens(username)
    click.echo(f"Revoked {count} token(s) of {username!r}.")
