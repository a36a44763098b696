"""Where a project's command runs: the current interpreter, a cached virtualenv, a conda env, or Docker.

Every environment is checked (``check_available``) before weir creates a run, and built
(``prepare``) before the command starts, so a missing tool or a failed build leaves no run behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weir.projects.errors import ExecutionException
from weir.projects.spec import Project

ENV_MANAGERS = ("local", "virtualenv", "uv", "conda")
_READY_MARKER = ".weir-env-ready"


@dataclass
class Environment:
    """A prepared environment: how to launch a shell command in it."""

    manager: str  # the value of the mlflow.project.env tag
    path_prepend: list[str] = field(default_factory=list)
    extra_env: dict[str, str] = field(default_factory=dict)
    wrapper: list[str] = field(default_factory=list)  # e.g. ["conda", "run", "-n", name]
    docker_image: str | None = None
    docker_args: list[str] = field(default_factory=list)
    temp_dirs: list[Path] = field(default_factory=list)

    def launch(self, command: str, run_env: dict[str, str], cwd: Path) -> tuple[list[str], dict[str, str]]:
        """The argv and process environment that run ``command`` with ``run_env`` set inside."""
        shell = shutil.which("bash") or "/bin/sh"
        env = dict(os.environ)
        env.update(self.extra_env)
        if self.path_prepend:
            env["PATH"] = os.pathsep.join([*self.path_prepend, env.get("PATH", os.defpath)])
        if self.docker_image is None:
            env.update(run_env)
            return [*self.wrapper, shell, "-c", command], env
        return _docker_argv(self, command, run_env, cwd), env

    def tags(self) -> dict[str, str]:
        tags = {"mlflow.project.env": self.manager}
        if self.docker_image:
            tags["mlflow.docker.image.uri"] = self.docker_image
        return tags

    def cleanup(self) -> None:
        for directory in self.temp_dirs:
            shutil.rmtree(directory, ignore_errors=True)


def choose_env_manager(project: Project, env_manager: str | None) -> str:
    """The environment to use: the one asked for, else the one the project declares (``local`` if none)."""
    if env_manager is not None:
        if env_manager not in ENV_MANAGERS:
            raise ExecutionException(
                f"Unknown env manager {env_manager!r}; expected one of {', '.join(ENV_MANAGERS)}"
            )
        if project.env_type == "docker" and env_manager != "local":
            raise ExecutionException(
                f"The project declares docker_env, so it runs in Docker; --env-manager {env_manager} does not apply "
                "(use --env-manager local to run it with the current interpreter instead)"
            )
        return env_manager
    return {"python": "virtualenv", "conda": "conda", "docker": "docker"}.get(project.env_type or "", "local")


def check_available(manager: str, project: Project) -> None:
    """Fail with a clear message when the tool an environment needs is missing."""
    if manager == "conda":
        _conda_executable()
        if project.env_type != "conda":
            raise ExecutionException("--env-manager conda needs a conda_env file (conda.yaml) in the project")
    elif manager == "docker":
        _check_docker()
    elif manager in ("virtualenv", "uv"):
        if manager == "uv" and shutil.which("uv") is None:
            raise ExecutionException("--env-manager uv needs the uv command, which is not on PATH")
        if project.env_type in ("python", "conda"):
            read_python_env(project.env_file)  # validates the file before anything runs


def prepare(manager: str, project: Project, *, echo=None) -> Environment:
    """Build (or reuse from the cache) the environment ``manager`` for ``project``."""
    if manager == "local":
        return _local_environment()
    if manager in ("virtualenv", "uv"):
        return _virtualenv_environment(project, force_uv=manager == "uv", echo=echo)
    if manager == "conda":
        return _conda_environment(project, echo=echo)
    if manager == "docker":
        env = Environment(manager="docker", docker_image=project.docker_env.image)
        add_docker_settings(env, project)
        return env
    raise ExecutionException(f"Unknown env manager {manager!r}")


# --- local -------------------------------------------------------------------------------------------


def _local_environment() -> Environment:
    """The current interpreter, first on PATH so that ``python`` in a command means it."""
    bin_dir = Path(sys.executable).parent
    env = Environment(manager="local", path_prepend=[str(bin_dir)])
    if sys.prefix != sys.base_prefix:
        env.extra_env["VIRTUAL_ENV"] = sys.prefix
    found = shutil.which("python", path=str(bin_dir))
    if found is None or not _same_file(found, sys.executable):
        shim = Path(tempfile.mkdtemp(prefix="weir-python-"))
        for name in ("python", "python3"):
            script = shim / name
            script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
            script.chmod(0o755)
        env.path_prepend.insert(0, str(shim))
        env.temp_dirs.append(shim)
    return env


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# --- virtualenv --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PythonEnv:
    """The content of python_env.yaml (or the pip part of a conda.yaml)."""

    python: str | None
    build_dependencies: tuple[str, ...]
    dependencies: tuple[str, ...]
    base_dir: Path  # relative requirement files resolve against it


def read_python_env(path: Path | None) -> PythonEnv:
    """Parse python_env.yaml; a conda.yaml contributes its python version and pip dependencies."""
    if path is None:
        return PythonEnv(None, (), (), Path.cwd())
    import yaml

    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        raise ExecutionException(f"Malformed environment file {path}: {exc}") from exc
    if not isinstance(content, dict):
        raise ExecutionException(f"Malformed environment file {path}: the top level must be a mapping")
    if path.name.startswith("conda."):
        return _python_env_from_conda(content, path)

    def string_list(key: str) -> tuple[str, ...]:
        value = content.get(key) or []
        if not isinstance(value, list) or not all(isinstance(item, (str, int, float)) for item in value):
            raise ExecutionException(
                f"Malformed environment file {path}: '{key}' must be a list of requirements"
            )
        return tuple(str(item) for item in value)

    python = content.get("python")
    if python is not None and not isinstance(python, (str, int, float)):
        raise ExecutionException(
            f"Malformed environment file {path}: 'python' must be a version like \"3.11\""
        )
    return PythonEnv(
        python=None if python is None else str(python),
        build_dependencies=string_list("build_dependencies"),
        dependencies=string_list("dependencies"),
        base_dir=path.parent,
    )


def _python_env_from_conda(content: dict[str, Any], path: Path) -> PythonEnv:
    python = None
    pip_deps: list[str] = []
    for item in content.get("dependencies") or []:
        if isinstance(item, str) and item.split("=")[0].strip() == "python" and "=" in item:
            python = item.split("=", 1)[1].lstrip("=").strip()
        elif isinstance(item, dict) and isinstance(item.get("pip"), list):
            pip_deps.extend(str(dep) for dep in item["pip"])
    return PythonEnv(python=python, build_dependencies=(), dependencies=tuple(pip_deps), base_dir=path.parent)


def env_cache_dir() -> Path:
    configured = os.environ.get("WEIR_ENV_CACHE")
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(xdg) / "weir" / "envs"


def _virtualenv_environment(project: Project, *, force_uv: bool, echo) -> Environment:
    spec = read_python_env(project.env_file)
    requirements = _requirements(spec)
    use_uv = shutil.which("uv") is not None
    python = _python_for(spec.python, use_uv)
    key = hashlib.sha256(
        json.dumps(
            {
                "env_file": project.env_file.read_text(encoding="utf-8") if project.env_file else "",
                "requirement_files": _requirement_file_contents(requirements, spec.base_dir),
                "requirements": requirements,
                "python": python,
                "tool": "uv" if use_uv else "venv",
            },
            sort_keys=True,
        ).encode()
    ).hexdigest()[:20]
    cache = env_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / f"weir-env-{key}"
    with _file_lock(cache / f"weir-env-{key}.lock"):
        if not (target / _READY_MARKER).is_file():
            if target.exists():
                shutil.rmtree(target)  # a build that did not finish
            if echo:
                echo(f"weir: building the virtualenv {target} (cached for later runs)")
            try:
                _build_virtualenv(target, python, requirements, spec.base_dir, use_uv)
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
            (target / _READY_MARKER).write_text(json.dumps({"python": python, "requirements": requirements}))
        elif echo:
            echo(f"weir: reusing the cached virtualenv {target}")
    return Environment(
        manager="virtualenv",
        path_prepend=[str(target / "bin")],
        extra_env={"VIRTUAL_ENV": str(target)},
    )


def _python_for(version: str | None, use_uv: bool) -> str:
    """The interpreter to build with: the current one when it satisfies ``version``."""
    current = ".".join(map(str, sys.version_info[:3]))
    if version is None or current == version or current.startswith(version + "."):
        return sys.executable
    if use_uv:
        return version
    found = shutil.which(f"python{version}") or shutil.which(f"python{'.'.join(version.split('.')[:2])}")
    if found is None:
        raise ExecutionException(
            f"The project asks for Python {version}, which is not installed here (current: {current}); "
            "install it, install uv (which can fetch it), or use --env-manager local"
        )
    return found


def _requirements(spec: PythonEnv) -> list[str]:
    """Build dependencies, dependencies and weir itself, as installer arguments."""
    args: list[str] = []
    for requirement in (*spec.build_dependencies, *spec.dependencies):
        args.extend(_localize(requirement))
    if not any(_requirement_name(req) == "weir" for req in spec.dependencies):
        args.extend(_localize("weir"))
    return args


def _localize(requirement: str) -> list[str]:
    """weir and weir-* plugins installed from a local folder are installed from that same folder."""
    requirement = requirement.strip()
    if requirement.startswith(("-r ", "--requirement ", "-c ", "--constraint ")):
        flag, _, rest = requirement.partition(" ")
        return [flag, rest.strip()]
    name = _requirement_name(requirement)
    if name == "weir" or name.startswith("weir-"):
        local = _local_install_of(name)
        if local is not None:
            return local
        if name == "weir" and requirement == "weir":
            from weir.version import __version__

            return [f"weir=={__version__}"]
    return [requirement]


def _requirement_name(requirement: str) -> str:
    import re

    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else ""


def _local_install_of(name: str) -> list[str] | None:
    from importlib import metadata
    from urllib.parse import urlparse
    from urllib.request import url2pathname

    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None
    try:
        direct = json.loads(dist.read_text("direct_url.json") or "null")
    except ValueError:
        return None
    if not direct or not str(direct.get("url", "")).startswith("file:"):
        return None
    path = url2pathname(urlparse(direct["url"]).path)
    if (direct.get("dir_info") or {}).get("editable"):
        return ["-e", path]
    return [path]


def _requirement_file_contents(requirements: list[str], base_dir: Path) -> dict[str, str]:
    contents = {}
    for flag, value in zip(requirements, requirements[1:], strict=False):
        if flag in ("-r", "--requirement", "-c", "--constraint"):
            file = base_dir / value
            contents[value] = file.read_text(encoding="utf-8") if file.is_file() else ""
    return contents


def _build_virtualenv(
    target: Path, python: str, requirements: list[str], base_dir: Path, use_uv: bool
) -> None:
    if use_uv:
        _checked(
            ["uv", "venv", "--quiet", "--python", python, str(target)], base_dir, "create the virtualenv"
        )
        install = ["uv", "pip", "install", "--quiet", "--python", str(target / "bin" / "python")]
        _checked(
            [*install, *_uv_source_args(), *requirements], base_dir, "install the project's dependencies"
        )
        return
    _checked([python, "-m", "venv", str(target)], base_dir, "create the virtualenv (python -m venv)")
    pip = [str(target / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _checked([*pip, *requirements], base_dir, "install the project's dependencies")


def _uv_source_args() -> list[str]:
    """The package sources pip is configured with (pip.conf files and PIP_* variables), for uv."""
    import configparser

    config = configparser.ConfigParser()
    files = [
        "/etc/pip.conf",
        *(
            os.path.join(d, "pip", "pip.conf")
            for d in os.environ.get("XDG_CONFIG_DIRS", "/etc/xdg").split(":")
        ),
        os.path.expanduser("~/.pip/pip.conf"),
        os.path.join(os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config"), "pip", "pip.conf"),
        os.path.join(sys.prefix, "pip.conf"),
        os.environ.get("PIP_CONFIG_FILE", ""),
    ]
    try:
        config.read([f for f in files if f and os.path.isfile(f)])
    except configparser.Error:
        return []

    def setting(key: str) -> list[str]:
        value = os.environ.get(f"PIP_{key.upper().replace('-', '_')}")
        if value is None:
            for section in ("install", "global"):
                if config.has_option(section, key):
                    value = config.get(section, key)
                    break
        return value.split() if value else []

    args: list[str] = []
    for url in setting("index-url")[:1]:
        args += ["--index-url", url]
    for url in setting("extra-index-url"):
        args += ["--extra-index-url", url]
    for location in setting("find-links"):
        args += ["--find-links", location]
    if args:
        args.insert(0, "--index-strategy=unsafe-best-match")
    return args


def _checked(argv: list[str], cwd: Path, what: str) -> None:
    try:
        result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    except FileNotFoundError as exc:
        raise ExecutionException(f"Unable to {what}: {exc}") from exc
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise ExecutionException(
            f"Unable to {what} ({' '.join(argv[:3])} ... exited {result.returncode}):\n{tail}"
        )


class _file_lock:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        import fcntl

        self.handle = open(self.path, "a+")
        fcntl.flock(self.handle, fcntl.LOCK_EX)

    def __exit__(self, *exc_info) -> None:
        self.handle.close()  # releases the lock


# --- conda -------------------------------------------------------------------------------------------


def _conda_executable() -> str:
    home = os.environ.get("WEIR_CONDA_HOME") or os.environ.get("MLFLOW_CONDA_HOME")
    candidates = [os.path.join(home, "bin", "conda")] if home else []
    candidates += [os.environ.get("CONDA_EXE", ""), shutil.which("conda") or ""]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise ExecutionException(
        "The conda env manager needs conda, which was not found (looked at WEIR_CONDA_HOME, CONDA_EXE and PATH); "
        "install conda or use --env-manager virtualenv or --env-manager local"
    )


def _conda_environment(project: Project, *, echo) -> Environment:
    conda = _conda_executable()
    env_file = project.env_file
    content = env_file.read_bytes()
    weir_spec = _localize("weir")
    name = "weir-" + hashlib.sha256(content + json.dumps(weir_spec).encode()).hexdigest()[:20]
    listing = subprocess.run([conda, "env", "list", "--json"], capture_output=True, text=True)
    try:
        existing = {Path(p).name for p in json.loads(listing.stdout or "{}").get("envs", [])}
    except ValueError:
        existing = set()
    if name not in existing:
        if echo:
            echo(f"weir: creating the conda environment {name} from {env_file}")
        _checked(
            [conda, "env", "create", "--quiet", "-n", name, "-f", str(env_file)], env_file.parent, "create it"
        )
        try:
            _checked(
                [conda, "run", "-n", name, "python", "-m", "pip", "install", "--quiet", *weir_spec],
                env_file.parent,
                "install weir into the conda environment",
            )
        except ExecutionException:
            subprocess.run([conda, "env", "remove", "--quiet", "-y", "-n", name], capture_output=True)
            raise
    return Environment(manager="conda", wrapper=[conda, "run", "--no-capture-output", "-n", name])


# --- docker ------------------------------------------------------------------------------------------


def _check_docker() -> None:
    if shutil.which("docker") is None:
        raise ExecutionException(
            "The project declares docker_env, but the docker command is not on PATH; install Docker or "
            "use --env-manager local"
        )
    try:
        result = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        raise ExecutionException("The Docker engine did not answer `docker info` within 30 s") from None
    if result.returncode != 0:
        lines = [line for line in (result.stderr or result.stdout).strip().splitlines() if line.strip()]
        raise ExecutionException(
            "The project declares docker_env, but the Docker engine is not available (`docker info` failed: "
            f"{lines[-1].strip() if lines else 'no output'}); start Docker or use --env-manager local"
        )


_CONTAINER_PROJECT_DIR = "/weir/projects/code"


def _docker_argv(env: Environment, command: str, run_env: dict[str, str], cwd: Path) -> list[str]:
    from urllib.parse import urlparse

    argv = ["docker", "run", "--rm", "-v", f"{cwd}:{_CONTAINER_PROJECT_DIR}", "-w", _CONTAINER_PROJECT_DIR]
    tracking_uri = run_env.get("WEIR_TRACKING_URI", "")
    parsed = urlparse(tracking_uri)
    if parsed.scheme in ("file", "sqlite"):
        # local stores are mounted at the same absolute path inside the container
        local = parsed.path if parsed.scheme == "file" else parsed.path[1:]
        folder = local if parsed.scheme == "file" else os.path.dirname(local)
        if folder:
            argv += ["-v", f"{folder}:{folder}"]
    elif parsed.hostname in ("127.0.0.1", "localhost"):
        argv += ["--network", "host"]
    for key, value in run_env.items():
        argv += ["-e", f"{key}={value}"]
    argv += env.docker_args
    argv += [env.docker_image, "bash", "-c", command]
    return argv


def add_docker_settings(env: Environment, project: Project) -> None:
    """Volumes and variables declared in the project's docker_env."""
    docker = project.docker_env
    if docker is None:
        return
    for volume in docker.volumes:
        env.docker_args += ["-v", volume]
    for name, value in docker.environment:
        if value is None:
            if name not in os.environ:
                raise ExecutionException(
                    f"docker_env.environment copies {name}, which is not set in this environment"
                )
            value = os.environ[name]
        env.docker_args += ["-e", f"{name}={value}"]
