"""Projects from git repositories: by path, by file:// URL, with --version and #subdir."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import weir.projects
from weir.projects import ExecutionException

from .conftest import all_runs, write_project

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")

SCRIPT = "import weir\nwith weir.start_run():\n    weir.log_param('code_version', '{version}')\n"


def git(repo, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@x",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@x",
    }
    import os

    result = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env={**os.environ, **env}
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def repo(tmp_path):
    """A repository whose project lives in sub/; v1 (tag) logs version 1, the branch head logs version 2."""
    root = tmp_path / "repo"
    write_project(
        root,
        {
            "sub/MLproject": "entry_points: {main: {command: 'python train.py'}}",
            "sub/train.py": SCRIPT.format(version=1),
        },
    )
    git(root, "init", "--quiet", "-b", "trunk")
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "v1")
    git(root, "tag", "v1")
    (root / "sub" / "train.py").write_text(SCRIPT.format(version=2))
    git(root, "commit", "--quiet", "-am", "v2")
    return root


def test_a_local_repository_runs_in_place_and_records_its_commit(weir_client, repo):
    submitted = weir.projects.run(str(repo / "sub"), env_manager="local")
    run = weir_client.get_run(submitted.run_id)
    assert run.data.params["code_version"] == "2"
    assert run.data.tags["mlflow.source.git.commit"] == git(repo, "rev-parse", "HEAD")
    assert run.data.tags["mlflow.source.git.repoURL"] == str(repo)


def test_a_file_url_with_version_and_subdirectory_checks_out_that_version(weir_client, repo):
    uri = f"{repo.as_uri()}#sub"
    submitted = weir.projects.run(uri, version="v1", env_manager="local")
    run = weir_client.get_run(submitted.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.params["code_version"] == "1"
    assert run.data.tags["mlflow.source.git.commit"] == git(repo, "rev-list", "-n", "1", "v1")
    assert run.data.tags["mlflow.source.git.repoURL"] == repo.as_uri()
    assert run.data.tags["mlflow.source.name"] == uri


def test_a_branch_version_is_recorded_as_the_branch(weir_client, repo):
    submitted = weir.projects.run(f"{repo.as_uri()}#sub", version="trunk", env_manager="local")
    tags = weir_client.get_run(submitted.run_id).data.tags
    assert tags["mlflow.source.git.branch"] == "trunk"
    assert tags["mlflow.source.git.commit"] == git(repo, "rev-parse", "HEAD")


def test_a_local_path_with_version_is_cloned_at_that_version(weir_client, repo):
    submitted = weir.projects.run(str(repo / "sub"), version="v1", env_manager="local")
    assert weir_client.get_run(submitted.run_id).data.params["code_version"] == "1"


def test_an_unknown_version_is_an_error_before_any_run(weir_client, repo):
    with pytest.raises(ExecutionException, match="check out version 'v9'"):
        weir.projects.run(f"{repo.as_uri()}#sub", version="v9", env_manager="local")
    assert all_runs(weir_client) == []


def test_weir_run_cli_accepts_version_and_subdirectory(weir_store, weir_client, repo):
    from .conftest import cli_env, weir_cli

    result = subprocess.run(
        [*weir_cli(), "run", f"{repo.as_uri()}#sub", "--version", "v1", "--env-manager", "local"],
        env=cli_env(weir_store),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    [run] = all_runs(weir_client)
    assert run.data.params["code_version"] == "1" and run.info.status == "FINISHED"
