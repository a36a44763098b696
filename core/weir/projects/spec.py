"""The MLproject file: loading, validating, resolving parameters and building the entry point's command.

A project folder may hold an ``MLproject`` file (YAML, name matched case-insensitively)::

    name: tutorial
    python_env: python_env.yaml          # or conda_env: conda.yaml, or docker_env: {image: ...}
    entry_points:
      main:
        parameters:
          alpha: {type: float, default: 0.5}
          data: path                     # short form: the type only, so the parameter is required
        command: "python train.py --alpha {alpha} --data {data}"

Without one (or for an entry point it does not declare), a ``.py`` or ``.sh`` file of the project
is an entry point by convention and every parameter becomes a ``--name value`` argument.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from weir.projects.errors import ExecutionException

MLPROJECT_FILE_NAME = "mlproject"
DEFAULT_PYTHON_ENV_FILE = "python_env.yaml"
DEFAULT_CONDA_ENV_FILES = ("conda.yaml", "conda.yml")
PARAMETER_TYPES = ("string", "float", "int", "path", "uri")
CONVENTIONAL_SUFFIXES = (".py", ".sh")

# ``{{``/``}}`` are literal braces (as with str.format); ``${VAR}`` is left to the shell.
_PLACEHOLDER = re.compile(r"\{\{|\}\}|(?<!\$)\{([A-Za-z_][A-Za-z0-9_.\-]*)\}")


@dataclass(frozen=True)
class Parameter:
    """One declared parameter. ``default is None`` means the parameter is required."""

    name: str
    type: str = "string"
    default: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class ResolvedParameters:
    """Parameter values for one run: what the command receives and what is logged as params.

    They differ only for ``path`` parameters: the command gets an absolute local path, the run
    records the value the user gave.
    """

    for_command: dict[str, str]
    for_logging: dict[str, str]


@dataclass(frozen=True)
class EntryPoint:
    """A named command of a project. ``conventional`` entry points are files run by their suffix."""

    name: str
    command: str
    parameters: dict[str, Parameter] = field(default_factory=dict)
    conventional: bool = False

    def resolve_parameters(
        self,
        user_parameters: Mapping[str, Any] | None,
        *,
        project_dir: str | os.PathLike,
        cwd: str | os.PathLike | None = None,
        downloader: Callable[[str, str], str] | None = None,
    ) -> ResolvedParameters:
        """Check ``user_parameters`` against the declaration and apply defaults.

        Raises ``ExecutionException`` naming the offending parameter for an unknown name, a
        missing required value or a value that does not parse as its type. Relative user ``path``
        values resolve against ``cwd`` (the caller's directory), relative defaults against the
        project directory. ``downloader(uri, name)`` fetches a remote ``path`` value to a local file.
        """
        given = {str(key): _as_text(value) for key, value in (user_parameters or {}).items()}
        if self.conventional:
            return ResolvedParameters(dict(given), dict(given))
        unknown = sorted(set(given) - set(self.parameters))
        if unknown:
            declared = ", ".join(sorted(self.parameters)) or "none"
            raise ExecutionException(
                f"Unknown parameter{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} for entry "
                f"point {self.name!r} (declared parameters: {declared})"
            )
        missing = [name for name, param in self.parameters.items() if param.required and name not in given]
        if missing:
            raise ExecutionException(
                f"No value given for missing parameter{'s' if len(missing) > 1 else ''} "
                f"{', '.join(map(repr, missing))} of entry point {self.name!r}"
            )
        cwd = Path(cwd or os.getcwd())
        for_command: dict[str, str] = {}
        for_logging: dict[str, str] = {}
        for name, param in self.parameters.items():
            from_user = name in given
            value = given[name] if from_user else param.default
            base_dir = cwd if from_user else Path(project_dir)
            for_command[name] = _check_value(param, value, base_dir, downloader)
            for_logging[name] = value
        return ResolvedParameters(for_command, for_logging)

    def build_command(self, parameters: Mapping[str, str]) -> str:
        """The shell command with every ``{name}`` replaced by its shell-quoted value.

        For a conventional entry point, the parameters are appended as ``--name value``.
        """
        if self.conventional:
            extra = " ".join(
                f"--{shlex.quote(key)} {shlex.quote(value)}" for key, value in parameters.items()
            )
            return f"{self.command} {extra}".rstrip()

        def substitute(match: re.Match) -> str:
            token = match.group(0)
            if token in ("{{", "}}"):
                return token[0]
            return shlex.quote(parameters[match.group(1)])

        return _PLACEHOLDER.sub(substitute, self.command)


@dataclass(frozen=True)
class DockerEnv:
    image: str
    volumes: tuple[str, ...] = ()
    # (NAME, value) pairs; value None means "copy NAME from weir's own environment"
    environment: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class Project:
    """A loaded project. ``env_type`` is ``"python"``, ``"conda"``, ``"docker"`` or None."""

    directory: Path
    name: str | None = None
    entry_points: dict[str, EntryPoint] = field(default_factory=dict)
    env_type: str | None = None
    env_file: Path | None = None
    docker_env: DockerEnv | None = None
    mlproject_file: Path | None = None

    def get_entry_point(self, name: str) -> EntryPoint:
        """The declared entry point ``name``, else a ``.py``/``.sh`` file of the project by that name."""
        if name in self.entry_points:
            return self.entry_points[name]
        candidate = self.directory / name
        if (
            name.endswith(CONVENTIONAL_SUFFIXES)
            and _inside(candidate, self.directory)
            and candidate.is_file()
        ):
            runner = "python" if name.endswith(".py") else "bash"
            return EntryPoint(name=name, command=f"{runner} {shlex.quote(name)}", conventional=True)
        declared = ", ".join(sorted(self.entry_points)) or "none"
        where = f" in {self.mlproject_file}" if self.mlproject_file else f" in {self.directory}"
        raise ExecutionException(
            f"Unknown entry point {name!r}{where} (declared entry points: {declared}); an entry point "
            "may also be the name of a .py or .sh file of the project"
        )


def find_mlproject_file(directory: str | os.PathLike) -> Path | None:
    directory = Path(directory)
    for child in directory.iterdir():
        if child.name.lower() == MLPROJECT_FILE_NAME and child.is_file():
            return child
    return None


def load_project(directory: str | os.PathLike) -> Project:
    """Load the project in ``directory``; errors name the MLproject file and the faulty entry."""
    directory = Path(directory).resolve()
    if not directory.is_dir():
        raise ExecutionException(f"Project directory {directory} does not exist or is not a directory")
    mlproject = find_mlproject_file(directory)
    if mlproject is None:
        env_type, env_file = _default_env(directory)
        return Project(directory=directory, env_type=env_type, env_file=env_file)

    import yaml

    try:
        content = yaml.safe_load(mlproject.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ExecutionException(f"Malformed MLproject file {mlproject}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ExecutionException(f"Malformed MLproject file {mlproject}: not UTF-8 text ({exc})") from exc
    if content is None:
        content = {}
    if not isinstance(content, dict):
        raise ExecutionException(f"Malformed MLproject file {mlproject}: the top level must be a mapping")

    def fail(message: str) -> ExecutionException:
        return ExecutionException(f"Invalid MLproject file {mlproject}: {message}")

    name = content.get("name")
    if name is not None and not isinstance(name, (str, int, float)):
        raise fail("'name' must be a string")

    env_keys = [key for key in ("docker_env", "python_env", "conda_env") if content.get(key) is not None]
    if len(env_keys) > 1:
        raise fail(
            f"only one of docker_env, python_env and conda_env may be given, found {', '.join(env_keys)}"
        )
    docker_env = None
    env_type: str | None
    env_file: Path | None = None
    if env_keys == ["docker_env"]:
        env_type, docker_env = "docker", _parse_docker_env(content["docker_env"], fail)
    elif env_keys:
        key = env_keys[0]
        value = content[key]
        if not isinstance(value, str) or not value:
            raise fail(f"'{key}' must be the path of an environment file")
        env_file = (directory / value).resolve()
        if not env_file.is_file():
            raise fail(f"the {key} file {value!r} does not exist ({env_file})")
        env_type = "python" if key == "python_env" else "conda"
    else:
        env_type, env_file = _default_env(directory)

    raw_entry_points = content.get("entry_points") or {}
    if not isinstance(raw_entry_points, dict):
        raise fail("'entry_points' must be a mapping of entry point names to {parameters, command}")
    entry_points = {
        str(ep_name): _parse_entry_point(str(ep_name), ep_spec, fail)
        for ep_name, ep_spec in raw_entry_points.items()
    }
    return Project(
        directory=directory,
        name=None if name is None else str(name),
        entry_points=entry_points,
        env_type=env_type,
        env_file=env_file,
        docker_env=docker_env,
        mlproject_file=mlproject,
    )


def _parse_entry_point(name: str, spec: Any, fail: Callable[[str], ExecutionException]) -> EntryPoint:
    if isinstance(spec, str):  # "main: python train.py" is accepted as a command without parameters
        spec = {"command": spec}
    if not isinstance(spec, dict):
        raise fail(f"entry point {name!r} must be a mapping with 'command' and optional 'parameters'")
    command = spec.get("command")
    if not isinstance(command, str) or not command.strip():
        raise fail(f"entry point {name!r} has no 'command'")
    raw_params = spec.get("parameters") or {}
    if not isinstance(raw_params, dict):
        raise fail(f"'parameters' of entry point {name!r} must be a mapping")
    parameters = {
        str(key): _parse_parameter(name, str(key), value, fail) for key, value in raw_params.items()
    }
    for match in _PLACEHOLDER.finditer(command):
        placeholder = match.group(1)
        if placeholder is not None and placeholder not in parameters:
            raise fail(
                f"the command of entry point {name!r} uses {{{placeholder}}}, which is not one of its parameters "
                "(write {{ and }} for literal braces)"
            )
    return EntryPoint(name=name, command=command, parameters=parameters)


def _parse_parameter(
    entry_point: str, name: str, spec: Any, fail: Callable[[str], ExecutionException]
) -> Parameter:
    default = None
    if spec is None:
        type_ = "string"
    elif isinstance(spec, str):
        type_ = spec
    elif isinstance(spec, dict):
        unknown = set(spec) - {"type", "default"}
        if unknown:
            raise fail(
                f"parameter {name!r} of entry point {entry_point!r} has unknown keys {sorted(unknown)}"
            )
        type_ = spec.get("type") or "string"
        if spec.get("default") is not None:
            default = _as_text(spec["default"])
    else:
        raise fail(
            f"parameter {name!r} of entry point {entry_point!r} must be a type name or {{type, default}}"
        )
    if type_ not in PARAMETER_TYPES:
        raise fail(
            f"parameter {name!r} of entry point {entry_point!r} has unknown type {type_!r} "
            f"(expected one of {', '.join(PARAMETER_TYPES)})"
        )
    return Parameter(name=name, type=type_, default=default)


def _parse_docker_env(spec: Any, fail: Callable[[str], ExecutionException]) -> DockerEnv:
    if not isinstance(spec, dict) or not isinstance(spec.get("image"), str) or not spec["image"]:
        raise fail("docker_env must be a mapping with an 'image'")
    volumes = spec.get("volumes") or []
    if not isinstance(volumes, list) or not all(isinstance(v, str) for v in volumes):
        raise fail("docker_env.volumes must be a list of 'host:container' strings")
    environment: list[tuple[str, str | None]] = []
    for item in spec.get("environment") or []:
        if isinstance(item, str):
            environment.append((item, None))
        elif isinstance(item, list) and len(item) == 2 and isinstance(item[0], str):
            environment.append((item[0], _as_text(item[1])))
        else:
            raise fail(f"docker_env.environment entries must be NAME or [NAME, value], got {item!r}")
    return DockerEnv(image=spec["image"], volumes=tuple(volumes), environment=tuple(environment))


def _default_env(directory: Path) -> tuple[str | None, Path | None]:
    if (directory / DEFAULT_PYTHON_ENV_FILE).is_file():
        return "python", directory / DEFAULT_PYTHON_ENV_FILE
    for file_name in DEFAULT_CONDA_ENV_FILES:
        if (directory / file_name).is_file():
            return "conda", directory / file_name
    return None, None


def _check_value(
    param: Parameter, value: str, base_dir: Path, downloader: Callable[[str, str], str] | None
) -> str:
    kind = param.type
    if kind == "float":
        try:
            float(value)
        except ValueError:
            raise ExecutionException(f"Parameter {param.name!r} must be a float, got {value!r}") from None
    elif kind == "int":
        try:
            int(value)
        except ValueError:
            raise ExecutionException(f"Parameter {param.name!r} must be an int, got {value!r}") from None
    elif kind == "uri":
        if not _has_scheme(value):
            raise ExecutionException(f"Parameter {param.name!r} must be a URI (scheme://...), got {value!r}")
    elif kind == "path":
        return _resolve_path(param.name, value, base_dir, downloader)
    return value


def _resolve_path(name: str, value: str, base_dir: Path, downloader: Callable[[str, str], str] | None) -> str:
    if _has_scheme(value):
        parsed = urlparse(value)
        if parsed.scheme != "file":
            if downloader is None:
                raise ExecutionException(f"Parameter {name!r}: cannot download {value!r} here")
            return downloader(value, name)
        from urllib.request import url2pathname

        value = url2pathname(parsed.path)
    path = (base_dir / os.path.expanduser(value)).resolve()
    if not path.exists():
        raise ExecutionException(f"Parameter {name!r} (path): no such file or directory {value!r} ({path})")
    return str(path)


def _has_scheme(value: str) -> bool:
    scheme = urlparse(value).scheme
    return len(scheme) > 1  # "C:" is a drive letter, not a scheme


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.resolve().relative_to(directory.resolve())
    except ValueError:
        return False
    return True


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)
