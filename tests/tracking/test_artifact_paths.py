import os

import pytest
from weir.exceptions import WeirException
from weir.store.artifacts.local import LocalArtifactRepository
from weir.store.artifacts.paths import resolve_local_path, validate_artifact_path


@pytest.mark.parametrize(
    "path, expected",
    [
        (None, ""),
        ("", ""),
        (".", ""),
        ("a/b", "a/b"),
        ("a/./b/", "a/b"),
        ("a/../b", "b"),
        ("50%.txt", "50%.txt"),
    ],
)
def test_safe_paths_are_normalized(path, expected):
    assert validate_artifact_path(path) == expected


@pytest.mark.parametrize(
    "path",
    [
        "/etc/passwd",
        "../x",
        "a/../../x",
        "..",
        "a\\..\\..\\x",
        "\\server\\share",
        "C:/Windows",
        "a\x00b",
        "%2e%2e/x",
        "%2E%2E%2Fx",
        "a/%2e%2e/%2e%2e/x",
        "%252e%252e/x",
        "%2fetc/passwd",
        "a%00b",
        "a%5c..%5c..%5cx",
    ],
)
def test_unsafe_paths_are_refused_naming_the_path(path):
    with pytest.raises(WeirException) as info:
        validate_artifact_path(path)
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"
    assert repr(path) in info.value.message


def test_symlink_leaving_the_root_is_refused(tmp_path):
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    os.symlink(outside, root / "link")
    with pytest.raises(WeirException, match="outside the artifact root"):
        resolve_local_path(str(root), "link/file.txt")


def test_refused_upload_writes_nothing(tmp_path):
    source = tmp_path / "f.txt"
    source.write_text("x")
    root = tmp_path / "artifacts"
    repo = LocalArtifactRepository(root.as_uri())
    for bad in ("../escape", "/abs", "%2e%2e"):
        with pytest.raises(WeirException):
            repo.log_artifact(str(source), bad)
        with pytest.raises(WeirException):
            repo.log_artifacts(str(tmp_path), bad)
    assert not root.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt"]
