"""Docker images for a model: a Dockerfile plus build context that serves it with ``weir models serve``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from weir.exceptions import InvalidParameterValue, WeirException
from weir.version import __version__

MODEL_DIR_NAME = "model_dir"
CONTAINER_MODEL_PATH = "/opt/ml/model"
CONTAINER_PORT = 8080
# The model's own pins for these are dropped: weir serves the model in their place.
_REPLACED_REQUIREMENTS = re.compile(r"^\s*(mlflow|mlflow-skinny|weir)\s*([<>=!~;\[].*)?$", re.IGNORECASE)


def local_model_path(model_uri: str) -> Path:
    """A local directory holding the model: the path itself, or a download of a remote URI."""
    from weir.models.uri import download_model

    local = Path(download_model(model_uri))
    model_dir = local.parent if local.is_file() else local
    if not (model_dir / "MLmodel").is_file():
        raise InvalidParameterValue(f"No model at {model_uri!r}: {model_dir / 'MLmodel'} does not exist.")
    return model_dir


def _python_version(model_dir: Path) -> str:
    """major.minor of the Python the model was saved with (MLmodel python_function.python_version)."""
    import yaml

    try:
        mlmodel = yaml.safe_load((model_dir / "MLmodel").read_text()) or {}
    except (OSError, yaml.YAMLError):
        mlmodel = {}
    version = str((mlmodel.get("flavors") or {}).get("python_function", {}).get("python_version") or "")
    match = re.match(r"(\d+)\.(\d+)", version)
    return f"{match.group(1)}.{match.group(2)}" if match else "3.11"


def _flavor_plugins(model_dir: Path) -> list[str]:
    """weir plugin distributions for the model's framework flavors (``weir-sklearn`` for sklearn...)."""
    import yaml

    try:
        flavors = (yaml.safe_load((model_dir / "MLmodel").read_text()) or {}).get("flavors") or {}
    except (OSError, yaml.YAMLError):
        return []
    return [f"weir-{name}" for name in sorted(flavors) if name != "python_function"]


def _model_requirements(model_dir: Path) -> list[str]:
    path = model_dir / "requirements.txt"
    if not path.is_file():
        return []
    lines = [line.strip() for line in path.read_text().splitlines()]
    return [
        line for line in lines if line and not line.startswith("#") and not _REPLACED_REQUIREMENTS.match(line)
    ]


def dockerfile_text(python_version: str, weir_requirement: str, has_requirements: bool) -> str:
    lines = [
        f"FROM python:{python_version}-slim",
        "",
        "ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1",
        "WORKDIR /opt/ml",
        "",
    ]
    if has_requirements:
        lines += [
            "# The model's own dependencies (pinned when it was saved)",
            "COPY requirements.txt /opt/ml/requirements.txt",
            "RUN pip install -r /opt/ml/requirements.txt",
            "",
        ]
    lines += [
        "# weir and its scoring server",
        f"RUN pip install {weir_requirement}",
        "",
        f"COPY {MODEL_DIR_NAME}/ {CONTAINER_MODEL_PATH}/",
        f"EXPOSE {CONTAINER_PORT}",
        f'CMD ["weir", "models", "serve", "-m", "{CONTAINER_MODEL_PATH}", "-h", "0.0.0.0", "-p", "{CONTAINER_PORT}"]',
        "",
    ]
    return "\n".join(lines)


def generate_dockerfile(
    model_uri: str,
    output_dir: str | os.PathLike,
    weir_requirement: str | None = None,
    extra_requirements: list[str] | None = None,
) -> Path:
    """Write ``Dockerfile``, ``requirements.txt`` and ``model_dir/`` (a copy of the model) into output_dir.

    The requirements are the model's requirements.txt without its mlflow/weir pins, the weir plugins
    for its flavors and ``extra_requirements``; weir itself is installed from ``weir_requirement``
    (default ``"weir[serve]==<this version>"``). Returns the Dockerfile path.
    """
    model_dir = local_model_path(model_uri)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / MODEL_DIR_NAME
    if target.exists():
        raise InvalidParameterValue(f"{target} already exists; choose an empty output directory.")
    shutil.copytree(model_dir, target)
    requirements = (
        _model_requirements(model_dir) + _flavor_plugins(model_dir) + list(extra_requirements or [])
    )
    if requirements:
        (out / "requirements.txt").write_text("\n".join(requirements) + "\n")
    requirement = weir_requirement or f"weir[serve]=={__version__}"
    dockerfile = out / "Dockerfile"
    dockerfile.write_text(
        dockerfile_text(_python_version(model_dir), _quote(requirement), bool(requirements))
    )
    return dockerfile


def _quote(requirement: str) -> str:
    return requirement if re.fullmatch(r"[\w.\-/:=<>~!]+", requirement) else f"'{requirement}'"


def docker_engine_error() -> str | None:
    """None when ``docker info`` succeeds, else why no Docker engine is usable."""
    if shutil.which("docker") is None:
        return "No Docker engine is available: the `docker` command is not installed."
    try:
        result = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"No Docker engine is available: `docker info` failed ({exc})."
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        return "No Docker engine is available: `docker info` failed" + (
            f" ({detail[-1]})." if detail else "."
        )
    return None


def build_docker(model_uri: str, image_name: str, weir_requirement: str | None = None) -> None:
    """Generate the build context in a temporary directory and run ``docker build -t image_name``."""
    problem = docker_engine_error()
    if problem:
        raise WeirException(problem, "INVALID_STATE")
    with tempfile.TemporaryDirectory(prefix="weir-docker-") as context:
        generate_dockerfile(model_uri, context, weir_requirement=weir_requirement)
        result = subprocess.run(["docker", "build", "-t", image_name, context])
    if result.returncode != 0:
        raise WeirException(f"docker build failed with exit code {result.returncode}.", "INTERNAL_ERROR")
