import sys

import pytest
from weir.tracking import context

SHA1 = "1" * 40
SHA2 = "2" * 40
SHA3 = "3" * 40


def _repo(tmp_path):
    git = tmp_path / "repo" / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    return git


def test_commit_from_a_loose_branch_ref(tmp_path):
    git = _repo(tmp_path)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "refs" / "heads" / "main").write_text(SHA1 + "\n")
    (tmp_path / "repo" / "pkg").mkdir()
    assert context.git_commit(str(tmp_path / "repo" / "pkg")) == SHA1


def test_commit_from_packed_refs(tmp_path):
    git = _repo(tmp_path)
    (git / "HEAD").write_text("ref: refs/heads/feature/x\n")
    (git / "packed-refs").write_text(
        f"# pack-refs with: peeled fully-peeled sorted\n{SHA2} refs/heads/feature/x\n^{SHA3}\n{SHA3} refs/tags/v1\n"
    )
    assert context.git_commit(str(tmp_path / "repo")) == SHA2


def test_commit_from_a_detached_head(tmp_path):
    git = _repo(tmp_path)
    (git / "HEAD").write_text(SHA3 + "\n")
    assert context.git_commit(str(tmp_path / "repo")) == SHA3


def test_commit_in_a_worktree_follows_gitdir_and_commondir(tmp_path):
    git = _repo(tmp_path)
    (git / "packed-refs").write_text(f"{SHA1} refs/heads/wt\n")
    worktree_git = git / "worktrees" / "wt"
    worktree_git.mkdir(parents=True)
    (worktree_git / "HEAD").write_text("ref: refs/heads/wt\n")
    (worktree_git / "commondir").write_text("../..\n")
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / ".git").write_text(f"gitdir: {worktree_git}\n")
    assert context.git_commit(str(checkout)) == SHA1


def test_no_repository_means_no_commit(tmp_path):
    assert context.git_commit(str(tmp_path)) is None


def test_unresolvable_ref_gives_none(tmp_path):
    git = _repo(tmp_path)
    (git / "HEAD").write_text("ref: refs/heads/missing\n")
    assert context.git_commit(str(tmp_path / "repo")) is None


def test_default_tags_name_user_source_and_commit(tmp_path, monkeypatch):
    git = _repo(tmp_path)
    (git / "HEAD").write_text(SHA1 + "\n")
    script = tmp_path / "repo" / "train.py"
    script.write_text("")
    monkeypatch.setattr(sys, "argv", [str(script)])
    tags = context.default_run_context_tags()
    assert tags["mlflow.source.name"] == str(script)
    assert tags["mlflow.source.type"] == "LOCAL"
    assert tags["mlflow.source.git.commit"] == SHA1
    assert tags["mlflow.user"]


def test_source_type_can_be_overridden_by_env(monkeypatch):
    monkeypatch.setenv("MLFLOW_SOURCE_TYPE", "PROJECT")
    assert context.default_run_context_tags()["mlflow.source.type"] == "PROJECT"


class _NotebookPlugin:
    from weir.plugins.hookspecs import hookimpl

    @hookimpl
    def run_context_tags(self):
        return {"mlflow.source.type": "NOTEBOOK", "team": "plugin"}


@pytest.fixture
def plugin():
    from weir.plugins.manager import get_plugin_manager

    pm = get_plugin_manager()
    instance = _NotebookPlugin()
    pm.register(instance, name="test-notebook-plugin")
    yield instance
    pm.unregister(instance)


def test_plugins_override_defaults_and_user_tags_win(plugin):
    tags = context.resolve_run_context_tags({"team": "user"})
    assert tags["mlflow.source.type"] == "NOTEBOOK"
    assert tags["team"] == "user"
    assert "mlflow.user" in tags


def test_plugin_tags_land_on_new_runs(plugin, store):
    with store.start_run() as run:
        pass
    tags = store.get_run(run.info.run_id).data.tags
    assert tags["team"] == "plugin"
    assert tags["mlflow.source.type"] == "NOTEBOOK"


class _BrokenPlugin:
    from weir.plugins.hookspecs import hookimpl

    @hookimpl
    def run_context_tags(self):
        raise RuntimeError("boom")


def test_a_broken_plugin_does_not_stop_a_run(store):
    from weir.plugins.manager import get_plugin_manager

    pm = get_plugin_manager()
    broken = _BrokenPlugin()
    pm.register(broken, name="test-broken")
    try:
        with pytest.warns(UserWarning, match="boom"), store.start_run() as run:
            pass
    finally:
        pm.unregister(broken)
    assert "mlflow.user" in store.get_run(run.info.run_id).data.tags
