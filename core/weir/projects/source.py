"""Turning a project URI into a local folder: a local directory, or a git repository cloned with the git CLI.

URI forms: ``path/to/project``, ``/abs/path``, ``file:///path/to/repo``, ``https://host/repo.git``,
``git@host:org/repo.git``, each optionally followed by ``#sub/dir`` to select a subdirectory.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from weir.projects.errors import ExecutionException

_GIT_SCHEMES = ("http", "https", "ssh", "git", "git+ssh", "git+https", "git+http", "git+file", "file")
_SCP_LIKE = re.compile(r"^[\w.\-]+@[\w.\-]+:")


@dataclass(frozen=True)
class FetchedProject:
    """A project on local disk, and where it came from (for the run's source tags)."""

    directory: Path
    source_name: str
    git_commit: str | None = None
    git_repo_url: str | None = None
    git_branch: str | None = None
    # a temporary clone to delete once the run is over
    cleanup_dir: Path | None = None

    def cleanup(self) -> None:
        if self.cleanup_dir is not None:
            shutil.rmtree(self.cleanup_dir, ignore_errors=True)


def split_uri(uri: str) -> tuple[str, str | None]:
    """``"repo#sub/dir"`` -> ``("repo", "sub/dir")``."""
    base, sep, subdir = uri.partition("#")
    subdir = subdir.strip("/") if sep else None
    return base, subdir or None


def is_git_url(uri: str) -> bool:
    base, _ = split_uri(uri)
    return urlparse(base).scheme in _GIT_SCHEMES or bool(_SCP_LIKE.match(base))


def fetch_project(
    uri: str, version: str | None = None, cwd: str | os.PathLike | None = None
) -> FetchedProject:
    """Make the project named by ``uri`` available locally; ``version`` is a git ref to check out."""
    if not uri:
        raise ExecutionException("No project URI given")
    base, subdir = split_uri(str(uri))
    cwd = Path(cwd or os.getcwd())
    if is_git_url(base):
        local = _local_path_of_file_url(base)
        if local is not None and version is None and not _git_toplevel(local):
            # a file: URL of a plain folder is just that folder
            return _local_project(local, subdir, str(uri))
        return _clone(_git_url(base), version, subdir, str(uri))
    path = (cwd / os.path.expanduser(base)).resolve()
    if not path.exists():
        raise ExecutionException(f"Project {uri!r} not found: no such directory {path}")
    if not path.is_dir():
        raise ExecutionException(f"Project {uri!r} is not a directory ({path})")
    if version is None:
        return _local_project(path, subdir, str(uri))
    toplevel = _git_toplevel(path)
    if toplevel is None:
        raise ExecutionException(
            f"--version {version!r} needs a git repository, but {path} is not inside one"
        )
    inner = path.relative_to(toplevel).as_posix()
    inner = "" if inner == "." else inner
    combined = "/".join(part for part in (inner, subdir) if part) or None
    return _clone(str(toplevel), version, combined, str(uri))


def _local_project(path: Path, subdir: str | None, uri: str) -> FetchedProject:
    path = path.resolve()
    directory = _subdirectory(path, subdir, uri)
    toplevel = _git_toplevel(directory)
    if toplevel is None:
        return FetchedProject(directory=directory, source_name=_source_name(path, subdir))
    return FetchedProject(
        directory=directory,
        source_name=_source_name(path, subdir),
        git_commit=_git(["rev-parse", "HEAD"], toplevel, check=False),
        git_repo_url=_git(["config", "--get", "remote.origin.url"], toplevel, check=False) or str(toplevel),
    )


def _clone(url: str, version: str | None, subdir: str | None, uri: str) -> FetchedProject:
    _require_git()
    target = Path(tempfile.mkdtemp(prefix="weir-project-"))
    try:
        clone_args = ["clone", "--quiet"]
        if version is None:
            clone_args += ["--depth", "1"]
        _git([*clone_args, url, str(target)], None, what=f"clone the git repository {url}")
        branch = None
        if version is not None:
            _git(["checkout", "--quiet", version], target, what=f"check out version {version!r} of {url}")
            if (
                _git(["show-ref", "--verify", "--quiet", f"refs/heads/{version}"], target, check=False)
                is not None
            ):
                branch = version
        directory = _subdirectory(target, subdir, uri)
        return FetchedProject(
            directory=directory,
            source_name=uri,
            git_commit=_git(["rev-parse", "HEAD"], target),
            git_repo_url=url,
            git_branch=branch,
            cleanup_dir=target,
        )
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise


def _subdirectory(root: Path, subdir: str | None, uri: str) -> Path:
    if not subdir:
        return root
    directory = (root / subdir).resolve()
    try:
        directory.relative_to(root.resolve())
    except ValueError:
        raise ExecutionException(
            f"Subdirectory {subdir!r} of project {uri!r} lies outside the project"
        ) from None
    if not directory.is_dir():
        raise ExecutionException(f"Project {uri!r} has no subdirectory {subdir!r}")
    return directory


def _source_name(path: Path, subdir: str | None) -> str:
    return f"{path}#{subdir}" if subdir else str(path)


def _git_url(base: str) -> str:
    return base[len("git+") :] if base.startswith("git+") else base


def _local_path_of_file_url(base: str) -> Path | None:
    parsed = urlparse(_git_url(base))
    if parsed.scheme != "file":
        return None
    return Path(url2pathname(parsed.path))


def _git_toplevel(path: Path) -> Path | None:
    if shutil.which("git") is None or not path.is_dir():
        return None
    top = _git(["rev-parse", "--show-toplevel"], path, check=False)
    return Path(top).resolve() if top else None


def _require_git() -> None:
    if shutil.which("git") is None:
        raise ExecutionException(
            "Running a project from a git repository needs the git command, which is not on PATH"
        )


def _git(args: list[str], cwd: Path | None, *, check: bool = True, what: str = "") -> str | None:
    """Run git; return its stripped stdout, or None on failure when ``check`` is False."""
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_ASKPASS="true")
    command = ["git", *args] if cwd is None else ["git", "-C", str(cwd), *args]
    result = subprocess.run(command, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        if not check:
            return None
        detail = result.stderr.strip().splitlines()
        raise ExecutionException(
            f"Unable to {what or 'run git ' + ' '.join(args)}: {detail[-1] if detail else ''}"
        )
    return result.stdout.strip()
