"""Artifacts through the server's proxy: mlflow-artifacts:/ URIs, uploads (single and multipart), listing,
downloads and deletes."""

from __future__ import annotations

import os
import pathlib

import pytest
import weir
from weir.exceptions import ResourceDoesNotExist
from weir.store.artifacts.http import HttpArtifactRepository, split_artifact_uri
from weir.store.factory import get_artifact_repository


@pytest.fixture
def tracking(server_url, monkeypatch):
    monkeypatch.setenv("WEIR_HTTP_REQUEST_MAX_RETRIES", "2")
    weir.set_tracking_uri(server_url)
    yield server_url
    weir.set_tracking_uri(None)


def test_mlflow_artifacts_uris_resolve_against_the_tracking_server(tracking):
    assert split_artifact_uri("mlflow-artifacts:/1/abc/artifacts") == (tracking, "1/abc/artifacts")
    assert split_artifact_uri("mlflow-artifacts://h:9/1/x") == ("http://h:9", "1/x")
    assert split_artifact_uri("http://h:5000/pre/api/2.0/mlflow-artifacts/artifacts/3/r") == (
        "http://h:5000/pre",
        "3/r",
    )
    assert split_artifact_uri("http://h:5000/files/x") is None
    assert isinstance(get_artifact_repository("mlflow-artifacts:/1/abc/artifacts"), HttpArtifactRepository)


def test_run_artifacts_round_trip(tracking, tmp_path):
    source = tmp_path / "src"
    (source / "sub").mkdir(parents=True)
    (source / "a.txt").write_text("alpha")
    (source / "sub" / "b.bin").write_bytes(os.urandom(3000))
    with weir.start_run() as run:
        weir.log_artifacts(str(source), "data")
        weir.log_text("hello", "notes/hello.txt")
    client = weir.WeirClient()
    assert run.info.artifact_uri.startswith("mlflow-artifacts:/")
    assert [(f.path, f.is_dir) for f in client.list_artifacts(run.info.run_id)] == [
        ("data", True),
        ("notes", True),
    ]
    listing = client.list_artifacts(run.info.run_id, "data")
    assert [(f.path, f.is_dir, f.file_size) for f in listing] == [
        ("data/a.txt", False, 5),
        ("data/sub", True, None),
    ]
    local = client.download_artifacts(run.info.run_id, "data", str(tmp_path))
    assert pathlib.Path(local, "a.txt").read_text() == "alpha"
    assert pathlib.Path(local, "sub", "b.bin").read_bytes() == (source / "sub" / "b.bin").read_bytes()
    single = client.download_artifacts(run.info.run_id, "notes/hello.txt", str(tmp_path))
    assert pathlib.Path(single).read_text() == "hello"


def test_missing_artifact_download_is_resource_does_not_exist(tracking, tmp_path):
    with weir.start_run() as run:
        pass
    repo = get_artifact_repository(run.info.artifact_uri)
    destination = tmp_path / "downloads"
    destination.mkdir()
    with pytest.raises(ResourceDoesNotExist):
        repo.download_artifacts("nope.txt", str(destination))
    assert not list(destination.iterdir())  # no partial file left behind


def test_delete_artifacts(tracking, tmp_path):
    (tmp_path / "f.txt").write_text("x")
    with weir.start_run() as run:
        weir.log_artifact(str(tmp_path / "f.txt"), "d")
    repo = get_artifact_repository(run.info.artifact_uri)
    repo.delete_artifacts("d/f.txt")
    assert repo.list_artifacts("d") == []


def test_large_files_go_in_parts_with_a_progress_bar(tracking, tmp_path, monkeypatch, capfd):
    monkeypatch.setenv("WEIR_MULTIPART_UPLOAD_THRESHOLD", "100000")
    monkeypatch.setenv("WEIR_MULTIPART_UPLOAD_CHUNK_SIZE", "65536")
    monkeypatch.setenv("WEIR_PROGRESS", "1")
    payload = os.urandom(300_000)
    (tmp_path / "big.bin").write_bytes(payload)
    calls = []
    original = HttpArtifactRepository._upload_part

    def spy(self, *args, **kwargs):
        calls.append(args[1]["part_number"])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(HttpArtifactRepository, "_upload_part", spy)
    with weir.start_run() as run:
        weir.log_artifact(str(tmp_path / "big.bin"))
    assert sorted(calls) == [1, 2, 3, 4, 5]
    err = capfd.readouterr().err
    assert "\rUploading big.bin [" in err and "100.0%" in err
    local = get_artifact_repository(run.info.artifact_uri).download_artifacts("big.bin", str(tmp_path))
    assert pathlib.Path(local).read_bytes() == payload
