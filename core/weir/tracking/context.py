"""System tags for new runs: who, what source, which git commit.

``default_run_context_tags()`` is weir's own answer to the ``run_context_tags`` hook;
``resolve_run_context_tags(user_tags)`` merges every plugin's answer and lets the user's tags win.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

MLFLOW_USER = "mlflow.user"
MLFLOW_SOURCE_NAME = "mlflow.source.name"
MLFLOW_SOURCE_TYPE = "mlflow.source.type"
MLFLOW_GIT_COMMIT = "mlflow.source.git.commit"
MLFLOW_RUN_NAME = "mlflow.runName"
MLFLOW_PARENT_RUN_ID = "mlflow.parentRunId"
MLFLOW_RUN_NOTE = "mlflow.note.content"
MLFLOW_LOGGED_ARTIFACTS = "mlflow.loggedArtifacts"
MLFLOW_LOGGED_IMAGES = "mlflow.loggedImages"

SOURCE_TYPE_ENV_VARS = ("WEIR_SOURCE_TYPE", "MLFLOW_SOURCE_TYPE")


@lru_cache(maxsize=1)
def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers) and no USER variable
        return "unknown"


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()  # type: ignore[attr-defined]
    except Exception:
        return False
    return ip is not None and "IPKernelApp" in getattr(ip, "config", {})


def source_name_and_type() -> tuple[str, str]:
    """The main script (absolute) or notebook, and ``LOCAL`` / ``NOTEBOOK`` / an env override."""
    source_type = next((os.environ[v] for v in SOURCE_TYPE_ENV_VARS if os.environ.get(v)), None)
    if _in_notebook():
        name = os.environ.get("JPY_SESSION_NAME") or os.environ.get("VSCODE_NOTEBOOK_PATH") or "<notebook>"
        return name, source_type or "NOTEBOOK"
    main = sys.argv[0] if sys.argv and sys.argv[0] else "<console>"
    if main not in ("-c", "-m", "<console>") and os.path.exists(main):
        main = os.path.abspath(main)
    return main, source_type or "LOCAL"


# --- git, read from the .git files directly (no subprocess) --------------------------------------


def find_git_dir(start: str) -> str | None:
    """The git directory of the repository containing ``start`` (follows ``gitdir:`` files)."""
    directory = os.path.abspath(start)
    if not os.path.isdir(directory):
        directory = os.path.dirname(directory)
    while True:
        candidate = os.path.join(directory, ".git")
        if os.path.isdir(candidate):
            return candidate
        if os.path.isfile(candidate):
            try:
                with open(candidate, encoding="utf-8") as handle:
                    content = handle.read().strip()
            except OSError:
                return None
            if content.startswith("gitdir:"):
                target = content[len("gitdir:") :].strip()
                return os.path.normpath(os.path.join(directory, target))
            return None
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _read_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return None


def _common_dir(git_dir: str) -> str:
    """Worktrees keep refs in the main repository's git dir, named by the ``commondir`` file."""
    common = _read_text(os.path.join(git_dir, "commondir"))
    if common:
        return os.path.normpath(os.path.join(git_dir, common))
    return git_dir


def _is_sha(value: str) -> bool:
    return len(value) in (40, 64) and all(c in "0123456789abcdef" for c in value.lower())


def _resolve_ref(git_dir: str, ref: str, depth: int = 0) -> str | None:
    if depth > 5:
        return None
    common = _common_dir(git_dir)
    for base in (git_dir, common) if common != git_dir else (git_dir,):
        value = _read_text(os.path.join(base, *ref.split("/")))
        if value:
            if value.startswith("ref:"):
                return _resolve_ref(git_dir, value[4:].strip(), depth + 1)
            return value if _is_sha(value) else None
    packed = _read_text(os.path.join(common, "packed-refs"))
    if packed:
        for line in packed.splitlines():
            if not line or line[0] in "#^":
                continue
            sha, _, name = line.partition(" ")
            if name.strip() == ref and _is_sha(sha):
                return sha
    return None


def git_commit(path: str) -> str | None:
    """The commit checked out in the repository containing ``path``, or None."""
    git_dir = find_git_dir(path)
    if git_dir is None:
        return None
    head = _read_text(os.path.join(git_dir, "HEAD"))
    if not head:
        return None
    if head.startswith("ref:"):
        return _resolve_ref(git_dir, head[4:].strip())
    return head if _is_sha(head) else None


def default_run_context_tags() -> dict[str, str]:
    """weir's system tags for a new run: user, source name and type, git commit when in a repo.

    Computed once per (script, working directory, source env vars) and process: new runs are
    created in tight loops, and reading the user and the git HEAD each time was most of the cost
    of ``start_run``.
    """
    key = (
        sys.argv[0] if sys.argv else "",
        os.getcwd(),
        *(os.environ.get(name, "") for name in _SOURCE_ENV_VARS),
        _in_notebook(),
    )
    cached = _default_tags_cache.get(key)
    if cached is None:
        source, source_type = source_name_and_type()
        cached = {MLFLOW_USER: current_user(), MLFLOW_SOURCE_NAME: source, MLFLOW_SOURCE_TYPE: source_type}
        commit = git_commit(source if os.path.exists(source) else os.getcwd())
        if commit:
            cached[MLFLOW_GIT_COMMIT] = commit
        _default_tags_cache[key] = cached
    return dict(cached)


_SOURCE_ENV_VARS = (*SOURCE_TYPE_ENV_VARS, "JPY_SESSION_NAME", "VSCODE_NOTEBOOK_PATH")
_default_tags_cache: dict[tuple, dict[str, str]] = {}


def resolve_run_context_tags(user_tags: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Every plugin's ``run_context_tags`` merged (plugins over weir's defaults), then the user's tags.

    Each plugin is called on its own (``call_each``): one that raises is skipped with a warning
    and the others' tags are kept.
    """
    from weir.plugins.manager import call_each

    merged: dict[str, str] = {}
    # built-ins answer first, so later plugins override weir's defaults
    for _plugin, answer in call_each("run_context_tags"):
        if answer:
            merged.update({str(k): str(v) for k, v in answer.items()})
    if user_tags:
        merged.update({str(k): str(v) for k, v in user_tags.items()})
    return merged
