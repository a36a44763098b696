"""The S3 artifact repository against a real S3 server (SeaweedFS, started by scripts/services.sh)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from weir.exceptions import InvalidParameterValue, ResourceDoesNotExist, WeirException
from weir.store.artifacts.s3 import S3ArtifactRepository, parse_s3_uri, s3_client


def _folder(path) -> str:
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def _tree(root) -> dict[str, bytes]:
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            files[os.path.relpath(path, root).replace(os.sep, "/")] = Path(path).read_bytes()
    return files


@pytest.fixture
def source(tmp_path):
    folder = tmp_path / "source"
    (folder / "model" / "data").mkdir(parents=True)
    (folder / "model" / "MLmodel").write_text("flavors: {}\n")
    (folder / "model" / "data" / "weights.bin").write_bytes(bytes(range(256)) * 40)
    (folder / "notes.txt").write_text("hello")
    return folder


@pytest.fixture
def repo(s3_bucket):
    return S3ArtifactRepository(f"s3://{s3_bucket}/experiments/1/run-a/artifacts")


# --- URIs (no server needed) --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("s3://bucket", ("bucket", "")),
        ("s3://bucket/", ("bucket", "")),
        ("s3://bucket/a/b/", ("bucket", "a/b")),
        ("s3://bucket//a//b", ("bucket", "a/b")),
    ],
)
def test_s3_uris_name_a_bucket_and_a_prefix(uri, expected):
    assert parse_s3_uri(uri) == expected


@pytest.mark.parametrize("uri", ["s3://", "s3:///prefix", "http://bucket/x", "s3://b/x?versionId=1"])
def test_malformed_s3_uris_are_refused(uri):
    with pytest.raises(InvalidParameterValue, match="S3 URI"):
        parse_s3_uri(uri)


def test_the_builtin_hook_serves_s3_uris():
    from weir.store.factory import get_artifact_repository

    repo = get_artifact_repository("s3://some-bucket/path/to/artifacts")
    assert isinstance(repo, S3ArtifactRepository)
    assert (repo.bucket, repo.prefix) == ("some-bucket", "path/to/artifacts")


# --- round trips ----------------------------------------------------------------------------------
def test_files_and_folders_round_trip(repo, source, tmp_path):
    repo.log_artifacts(str(source / "model"), "model")
    repo.log_artifact(str(source / "notes.txt"))
    repo.log_artifact(str(source / "notes.txt"), "docs/extra")

    whole = repo.download_artifacts("", _folder(tmp_path / "all"))
    assert _tree(whole) == {
        "model/MLmodel": b"flavors: {}\n",
        "model/data/weights.bin": bytes(range(256)) * 40,
        "notes.txt": b"hello",
        "docs/extra/notes.txt": b"hello",
    }
    one = repo.download_artifacts("model/MLmodel", _folder(tmp_path / "one"))
    assert one == str(tmp_path / "one" / "model" / "MLmodel")
    assert Path(one).read_text() == "flavors: {}\n"
    folder = repo.download_artifacts("model/data")
    assert sorted(os.listdir(folder)) == ["weights.bin"]


def test_uploads_carry_a_content_type(repo, source, s3_bucket):
    repo.log_artifact(str(source / "notes.txt"))
    head = s3_client().head_object(Bucket=s3_bucket, Key=f"{repo.prefix}/notes.txt")
    assert head["ContentType"] == "text/plain"


def test_a_large_file_is_uploaded_in_parts_with_a_progress_bar(repo, tmp_path, s3_bucket, monkeypatch, capfd):
    monkeypatch.setenv("WEIR_PROGRESS", "1")
    big = tmp_path / "big.bin"
    payload = os.urandom(12 * 1024 * 1024 + 123)  # two 8 MiB parts
    big.write_bytes(payload)

    repo.log_artifact(str(big), "weights")

    etag = s3_client().head_object(Bucket=s3_bucket, Key=f"{repo.prefix}/weights/big.bin")["ETag"]
    assert etag.strip('"').endswith("-2")  # a multipart upload's ETag counts its parts
    assert "Uploading big.bin" in capfd.readouterr().err
    local = repo.download_artifacts("weights/big.bin", _folder(tmp_path / "back"))
    assert hashlib.sha256(Path(local).read_bytes()).digest() == hashlib.sha256(payload).digest()


def test_small_files_are_uploaded_in_one_request_without_a_bar(repo, source, s3_bucket, monkeypatch, capfd):
    monkeypatch.setenv("WEIR_PROGRESS", "1")
    repo.log_artifact(str(source / "notes.txt"))
    etag = s3_client().head_object(Bucket=s3_bucket, Key=f"{repo.prefix}/notes.txt")["ETag"]
    assert "-" not in etag
    assert "Uploading" not in capfd.readouterr().err


def test_part_size_below_the_s3_minimum_is_refused(repo, source, monkeypatch):
    monkeypatch.setenv("WEIR_S3_MULTIPART_CHUNKSIZE", "1024")
    with pytest.raises(InvalidParameterValue, match="at least 5 MiB"):
        repo.log_artifact(str(source / "notes.txt"))


# --- listing ----------------------------------------------------------------------------------------
def test_listing_shows_one_level_with_sizes(repo, source):
    repo.log_artifacts(str(source))
    assert [(f.path, f.is_dir, f.file_size) for f in repo.list_artifacts()] == [
        ("model", True, None),
        ("notes.txt", False, 5),
    ]
    assert [(f.path, f.is_dir, f.file_size) for f in repo.list_artifacts("model")] == [
        ("model/MLmodel", False, 12),
        ("model/data", True, None),
    ]
    assert [f.path for f in repo.list_artifacts("model/data/")] == ["model/data/weights.bin"]


def test_listing_a_file_or_a_missing_folder_is_empty(repo, source):
    repo.log_artifacts(str(source))
    assert repo.list_artifacts("notes.txt") == []
    assert repo.list_artifacts("nothing/here") == []


def test_listing_and_deleting_page_through_many_objects(repo, tmp_path, monkeypatch):
    from weir.store.artifacts import s3

    monkeypatch.setattr(s3, "_LIST_PAGE_SIZE", 2)  # five objects then take three list requests
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(5):
        (folder / f"f{i}").write_text(str(i))
    repo.log_artifacts(str(folder), "many")
    assert [f.path for f in repo.list_artifacts("many")] == [f"many/f{i}" for i in range(5)]
    assert len(_tree(repo.download_artifacts("many"))) == 5
    repo.delete_artifacts("many")
    assert repo.list_artifacts() == []


def test_repositories_with_a_common_prefix_do_not_see_each_other(s3_bucket, source):
    first = S3ArtifactRepository(f"s3://{s3_bucket}/runs/1")
    second = S3ArtifactRepository(f"s3://{s3_bucket}/runs/10")
    first.log_artifact(str(source / "notes.txt"))
    assert second.list_artifacts() == []
    assert [f.path for f in S3ArtifactRepository(f"s3://{s3_bucket}/runs").list_artifacts()] == ["1"]


# --- deleting ---------------------------------------------------------------------------------------
def test_deleting_a_folder_removes_everything_below_it_only(repo, source):
    repo.log_artifacts(str(source))
    repo.delete_artifacts("model")
    assert [f.path for f in repo.list_artifacts()] == ["notes.txt"]
    repo.delete_artifacts("notes.txt")
    assert repo.list_artifacts() == []


def test_deleting_the_root_empties_the_repository(repo, source):
    repo.log_artifacts(str(source))
    repo.delete_artifacts()
    assert repo.list_artifacts() == []


# --- errors -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["../escape", "a/../../escape", "/etc/passwd", "%2e%2e/escape", "a\\b"])
def test_paths_that_escape_the_root_are_refused_before_anything_happens(repo, source, s3_bucket, bad):
    with pytest.raises(InvalidParameterValue, match="Invalid artifact path"):
        repo.log_artifact(str(source / "notes.txt"), bad)
    with pytest.raises(InvalidParameterValue, match="Invalid artifact path"):
        repo.log_artifacts(str(source), bad)
    for call in (repo.list_artifacts, repo.download_artifacts, repo.delete_artifacts):
        with pytest.raises(InvalidParameterValue, match="Invalid artifact path"):
            call(bad)
    assert s3_client().list_objects_v2(Bucket=s3_bucket).get("KeyCount", 0) == 0


class _ListingOnlyClient:
    """Lists the objects it is given and records downloads (a server that stores any key)."""

    def __init__(self, keys):
        self.keys, self.downloaded = keys, []

    def get_paginator(self, operation):
        assert operation == "list_objects_v2"
        return self

    def paginate(self, Bucket, Prefix, Delimiter=None, PaginationConfig=None):
        return [{"Contents": [{"Key": k, "Size": 1} for k in self.keys if k.startswith(Prefix)]}]

    def download_file(self, bucket, key, filename):
        self.downloaded.append(filename)


def test_an_object_whose_key_climbs_out_is_not_downloaded_outside_the_destination(tmp_path):
    # real S3 stores keys like "a/../../x" verbatim; SeaweedFS refuses them, hence the stub
    client = _ListingOnlyClient(["root/ok.txt", "root/a/../../../outside.txt"])
    repo = S3ArtifactRepository("s3://bucket/root", client=client)
    with pytest.raises(InvalidParameterValue, match="Invalid artifact path"):
        repo.download_artifacts("", _folder(tmp_path / "dst"))
    assert all(path.startswith(str(tmp_path / "dst")) for path in client.downloaded)


def test_downloading_a_missing_artifact_names_it(repo):
    with pytest.raises(ResourceDoesNotExist, match="'missing.txt' does not exist"):
        repo.download_artifacts("missing.txt")


def test_wrong_credentials_are_reported_as_permission_denied(repo, source, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    with pytest.raises(WeirException, match="S3 refused to upload s3://.*notes.txt.*credentials") as caught:
        repo.log_artifact(str(source / "notes.txt"))
    assert caught.value.error_code == "PERMISSION_DENIED"
    with pytest.raises(WeirException, match="S3 refused to list") as caught:
        repo.list_artifacts()
    assert caught.value.error_code == "PERMISSION_DENIED"


def test_a_missing_bucket_is_named(s3_endpoint, source):
    repo = S3ArtifactRepository("s3://weir-no-such-bucket-here/x")
    with pytest.raises(ResourceDoesNotExist, match="bucket 'weir-no-such-bucket-here' does not exist"):
        repo.list_artifacts()


def test_mlflow_endpoint_variable_is_honoured(s3_bucket, source, monkeypatch):
    endpoint = os.environ["WEIR_S3_ENDPOINT_URL"]
    monkeypatch.delenv("WEIR_S3_ENDPOINT_URL")
    monkeypatch.setenv("MLFLOW_S3_ENDPOINT_URL", endpoint)
    repo = S3ArtifactRepository(f"s3://{s3_bucket}/via-mlflow-name")
    repo.log_artifact(str(source / "notes.txt"))
    assert [f.path for f in repo.list_artifacts()] == ["notes.txt"]
