import pathlib

import pytest
from weir.entities import FileInfo
from weir.exceptions import WeirException
from weir.store.artifacts.local import LocalArtifactRepository, is_local_uri, local_path_from_uri


@pytest.mark.parametrize(
    "uri", ["file:///tmp/x", "file:/tmp/x", "/tmp/x", "relative/dir", "file://localhost/tmp"]
)
def test_local_uris(uri):
    assert is_local_uri(uri)


@pytest.mark.parametrize(
    "uri", ["s3://bucket/x", "http://host/x", "mlflow-artifacts:/0", "file://otherhost/x", ""]
)
def test_non_local_uris(uri):
    assert not is_local_uri(uri)


def test_local_path_from_uri_decodes_percent_escapes(tmp_path):
    folder = tmp_path / "with space"
    assert local_path_from_uri(folder.as_uri()) == str(folder)


@pytest.fixture
def repo(tmp_path):
    return LocalArtifactRepository((tmp_path / "root").as_uri())


@pytest.fixture
def files(tmp_path):
    source = tmp_path / "src"
    (source / "sub").mkdir(parents=True)
    (source / "a.txt").write_text("aaa")
    (source / "sub" / "b.txt").write_text("bb")
    return source


def test_log_artifact_copies_a_file_under_artifact_path(repo, files, tmp_path):
    repo.log_artifact(str(files / "a.txt"))
    repo.log_artifact(str(files / "a.txt"), "data/subfolder")
    assert (tmp_path / "root" / "a.txt").read_text() == "aaa"
    assert (tmp_path / "root" / "data" / "subfolder" / "a.txt").read_text() == "aaa"


def test_log_artifact_of_a_missing_file_is_an_error(repo, tmp_path):
    with pytest.raises(WeirException, match="missing.txt"):
        repo.log_artifact(str(tmp_path / "missing.txt"))


def test_log_artifacts_copies_a_tree_and_lists_one_level(repo, files):
    repo.log_artifacts(str(files), "tree")
    assert repo.list_artifacts() == [FileInfo("tree", True, None)]
    assert repo.list_artifacts("tree") == [FileInfo("tree/a.txt", False, 3), FileInfo("tree/sub", True, None)]
    assert repo.list_artifacts("tree/sub") == [FileInfo("tree/sub/b.txt", False, 2)]
    assert repo.list_artifacts("tree/a.txt") == []
    assert repo.list_artifacts("nothing") == []


def test_download_file_and_directory(repo, files, tmp_path):
    repo.log_artifacts(str(files))
    dst = tmp_path / "dst"
    dst.mkdir()
    local = repo.download_artifacts("sub/b.txt", str(dst))
    assert pathlib.Path(local).read_text() == "bb"
    folder = repo.download_artifacts("sub")
    assert pathlib.Path(f"{folder}/b.txt").read_text() == "bb"
    with pytest.raises(WeirException) as info:
        repo.download_artifacts("nope.txt", str(dst))
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_delete_artifacts(repo, files):
    repo.log_artifacts(str(files))
    repo.delete_artifacts("sub")
    assert [f.path for f in repo.list_artifacts()] == ["a.txt"]
    repo.delete_artifacts("a.txt")
    assert repo.list_artifacts() == []


def test_builtin_plugin_serves_local_uris(tmp_path):
    from weir.store.factory import get_artifact_repository

    repo = get_artifact_repository((tmp_path / "r").as_uri())
    assert isinstance(repo, LocalArtifactRepository)
