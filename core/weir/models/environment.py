"""The environment files saved with every model: requirements.txt, python_env.yaml, conda.yaml.

    >>> env = write_environment_files(path, default_requirements(["scikit-learn", "cloudpickle"]))
    >>> model.add_flavor("python_function", ..., env=env)

Requirements come from what the flavor declares, pinned to the installed versions through
``importlib.metadata``: no subprocess, no pip, no model loading, so this takes a few ms. Users can
replace them (``pip_requirements``), add to them (``extra_pip_requirements``) or give a whole
``conda_env``, with MLflow's rule that at most one of the three is given.
"""

from __future__ import annotations

import functools
import os
import platform
from collections.abc import Iterable
from importlib import metadata
from typing import Any

import yaml

from weir.exceptions import WeirException
from weir.version import __version__ as weir_version

__all__ = [
    "CONDA_ENV_FILE",
    "CONSTRAINTS_FILE",
    "PYTHON_ENV_FILE",
    "REQUIREMENTS_FILE",
    "default_requirements",
    "pinned",
    "write_environment_files",
]

CONDA_ENV_FILE = "conda.yaml"
PYTHON_ENV_FILE = "python_env.yaml"
REQUIREMENTS_FILE = "requirements.txt"
CONSTRAINTS_FILE = "constraints.txt"
_ENV_NAME = "mlflow-env"


@functools.lru_cache(maxsize=256)
def _installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def pinned(distribution: str) -> str:
    """``name==<installed version>``, or just ``name`` when it is not installed."""
    version = _installed_version(distribution)
    return f"{distribution}=={version}" if version else distribution


def default_requirements(packages: Iterable[str] = (), include_weir: bool = True) -> list[str]:
    """weir plus ``packages`` (distribution names), each pinned to the installed version."""
    reqs = [f"weir=={weir_version}"] if include_weir else []
    for package in packages:
        req = pinned(package)
        if req not in reqs:
            reqs.append(req)
    return reqs


def _read_requirements(value: str | os.PathLike | Iterable[str], label: str) -> list[str]:
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        if not os.path.isfile(path):
            raise WeirException.invalid_parameter_value(f"{label} file {path!r} does not exist")
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        base = os.path.dirname(path)
        out: list[str] = []
        for line in lines:
            line = line.split(" #", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith(("-r ", "--requirement ")):
                out.extend(_read_requirements(os.path.join(base, line.split(None, 1)[1]), label))
            else:
                out.append(line)
        return out
    try:
        items = [str(item).strip() for item in value]
    except TypeError:
        raise WeirException.invalid_parameter_value(
            f"{label} must be a list of requirement strings or a path to a requirements file"
        ) from None
    return [item for item in items if item]


def _pip_from_conda(conda_env: dict[str, Any]) -> list[str]:
    reqs: list[str] = []
    for dep in conda_env.get("dependencies") or []:
        if isinstance(dep, dict) and isinstance(dep.get("pip"), list):
            reqs.extend(str(r) for r in dep["pip"])
    # Some callers put the pip list at the top level; honour it too.
    if isinstance(conda_env.get("pip"), list):
        reqs.extend(str(r) for r in conda_env["pip"] if str(r) not in reqs)
    return reqs


def _load_conda_env(conda_env: dict[str, Any] | str | os.PathLike) -> dict[str, Any]:
    if isinstance(conda_env, dict):
        return conda_env
    path = os.fspath(conda_env)
    if not os.path.isfile(path):
        raise WeirException.invalid_parameter_value(f"conda_env file {path!r} does not exist")
    with open(path, encoding="utf-8") as f:
        try:
            loaded = yaml.safe_load(f)
        except yaml.YAMLError as exc:
            raise WeirException.invalid_parameter_value(
                f"conda_env file {path!r} is not valid YAML: {exc}"
            ) from None
    if not isinstance(loaded, dict):
        raise WeirException.invalid_parameter_value(f"conda_env file {path!r} must hold a YAML mapping")
    return loaded


def _conda_env(pip_reqs: list[str]) -> dict[str, Any]:
    pip_version = _installed_version("pip")
    return {
        "channels": ["conda-forge"],
        "dependencies": [
            f"python={platform.python_version()}",
            f"pip<={pip_version}" if pip_version else "pip",
            {"pip": list(pip_reqs)},
        ],
        "name": _ENV_NAME,
    }


def _python_env() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "build_dependencies": [pinned("pip"), pinned("setuptools"), pinned("wheel")],
        "dependencies": [f"-r {REQUIREMENTS_FILE}"],
    }


def _split_constraints(reqs: list[str]) -> tuple[list[str], list[str]]:
    plain, constraints = [], []
    for req in reqs:
        if req.startswith("-c "):
            constraints.append(req[3:].strip())
        else:
            plain.append(req)
    return plain, constraints


def _dedupe(reqs: list[str]) -> list[str]:
    seen: set[str] = set()
    return [r for r in reqs if not (r in seen or seen.add(r))]


def resolve_requirements(
    default_pip_requirements: Iterable[str],
    pip_requirements: str | os.PathLike | Iterable[str] | None = None,
    extra_pip_requirements: str | os.PathLike | Iterable[str] | None = None,
    conda_env: dict[str, Any] | str | os.PathLike | None = None,
) -> tuple[dict[str, Any], list[str], list[str]]:
    """``(conda env dict, pip requirements, pip constraints)`` from the user's choices."""
    given = [
        name
        for name, value in (
            ("conda_env", conda_env),
            ("pip_requirements", pip_requirements),
            ("extra_pip_requirements", extra_pip_requirements),
        )
        if value is not None
    ]
    if len(given) > 1:
        raise WeirException.invalid_parameter_value(
            "Only one of `conda_env`, `pip_requirements`, and `extra_pip_requirements` can be specified, "
            f"got {', '.join(given)}"
        )
    if conda_env is not None:
        env = _load_conda_env(conda_env)
        reqs, constraints = _split_constraints(_pip_from_conda(env))
        return env, _dedupe(reqs), constraints
    if pip_requirements is not None:
        reqs = _read_requirements(pip_requirements, "pip_requirements")
    else:
        reqs = list(default_pip_requirements)
        if extra_pip_requirements is not None:
            reqs += _read_requirements(extra_pip_requirements, "extra_pip_requirements")
    reqs, constraints = _split_constraints(_dedupe(reqs))
    pip_lines = reqs + ([f"-c {CONSTRAINTS_FILE}"] if constraints else [])
    return _conda_env(pip_lines), reqs, constraints


def write_environment_files(
    path: str | os.PathLike,
    default_pip_requirements: Iterable[str],
    pip_requirements: str | os.PathLike | Iterable[str] | None = None,
    extra_pip_requirements: str | os.PathLike | Iterable[str] | None = None,
    conda_env: dict[str, Any] | str | os.PathLike | None = None,
) -> dict[str, str]:
    """Write conda.yaml, python_env.yaml, requirements.txt (+ constraints.txt) into model dir ``path``.

    Returns the ``env`` mapping for the ``python_function`` flavor.
    """
    path = os.fspath(path)
    env, reqs, constraints = resolve_requirements(
        default_pip_requirements, pip_requirements, extra_pip_requirements, conda_env
    )
    with open(os.path.join(path, CONDA_ENV_FILE), "w", encoding="utf-8") as f:
        yaml.safe_dump(env, f, default_flow_style=False)
    with open(os.path.join(path, PYTHON_ENV_FILE), "w", encoding="utf-8") as f:
        yaml.safe_dump(_python_env(), f, default_flow_style=False, sort_keys=False)
    lines = reqs + ([f"-c {CONSTRAINTS_FILE}"] if constraints else [])
    with open(os.path.join(path, REQUIREMENTS_FILE), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    if constraints:
        with open(os.path.join(path, CONSTRAINTS_FILE), "w", encoding="utf-8") as f:
            f.write("\n".join(constraints))
    return {"conda": CONDA_ENV_FILE, "virtualenv": PYTHON_ENV_FILE}
