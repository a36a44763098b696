"""The virtualenv env manager: a venv built from python_env.yaml with weir in it, cached by content."""

from __future__ import annotations

import shutil
import sys

import pytest
import weir.projects

from .conftest import write_project

pytestmark = pytest.mark.skipif(shutil.which("uv") is None, reason="needs uv")

PROBE = """
import sys
import weir

with weir.start_run():
    weir.set_tag("interpreter", sys.executable)
"""


@pytest.mark.slow
def test_a_virtualenv_is_built_once_from_python_env_yaml_and_reused(weir_client, tmp_path, monkeypatch):
    cache = tmp_path / "envs"
    monkeypatch.setenv("WEIR_ENV_CACHE", str(cache))
    version = ".".join(map(str, sys.version_info[:2]))
    directory = write_project(
        tmp_path / "venv-project",
        {
            "MLproject": "python_env: python_env.yaml\nentry_points: {main: {command: 'python probe.py'}}",
            "python_env.yaml": f'python: "{version}"\nbuild_dependencies: []\ndependencies: []\n',
            "probe.py": PROBE,
        },
    )
    lines: list[str] = []
    first = weir.projects.run(str(directory), echo=lines.append)  # virtualenv is the default here
    [env_dir] = [p for p in cache.iterdir() if p.is_dir()]
    run = weir_client.get_run(first.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.tags["mlflow.project.env"] == "virtualenv"
    assert run.data.tags["interpreter"].startswith(str(env_dir))
    assert any("building the virtualenv" in line for line in lines)

    lines.clear()
    second = weir.projects.run(str(directory), echo=lines.append)
    assert [p for p in cache.iterdir() if p.is_dir()] == [env_dir]
    assert any("reusing the cached virtualenv" in line for line in lines)
    assert weir_client.get_run(second.run_id).data.tags["interpreter"].startswith(str(env_dir))


def test_local_overrides_the_projects_python_env(weir_client, tmp_path, monkeypatch):
    monkeypatch.setenv("WEIR_ENV_CACHE", str(tmp_path / "envs"))
    directory = write_project(
        tmp_path / "p",
        {
            "MLproject": "python_env: python_env.yaml\nentry_points: {main: {command: 'python probe.py'}}",
            "python_env.yaml": "python: '3.11'\ndependencies: [definitely-not-installed-pkg]\n",
            "probe.py": PROBE,
        },
    )
    submitted = weir.projects.run(str(directory), env_manager="local")
    run = weir_client.get_run(submitted.run_id)
    assert run.data.tags["mlflow.project.env"] == "local"
    assert not (tmp_path / "envs").exists()


def test_a_malformed_python_env_file_is_named_before_any_run(weir_client, tmp_path):
    from weir.projects import ExecutionException

    from .conftest import all_runs

    directory = write_project(
        tmp_path / "p",
        {
            "MLproject": "python_env: python_env.yaml\nentry_points: {main: {command: 'true'}}",
            "python_env.yaml": "dependencies: {not: a list}\n",
        },
    )
    with pytest.raises(ExecutionException, match="python_env.yaml: 'dependencies' must be a list"):
        weir.projects.run(str(directory))
    assert all_runs(weir_client) == []
