"""``weir artifacts``: list and download."""

from __future__ import annotations

import json
import os

import pytest


@pytest.fixture
def run_id(client, tmp_path) -> str:
    experiment_id = client.create_experiment("alpha")
    run_id = client.create_run(experiment_id).info.run_id
    source = tmp_path / "source"
    source.mkdir()
    (source / "notes.txt").write_text("hello world!")
    (source / "test.txt").write_text("nested")
    client.log_artifact(run_id, str(source / "notes.txt"))
    client.log_artifact(run_id, str(source / "test.txt"), artifact_path="data/subfolder")
    return run_id


def _rows(output: str) -> list[list[str]]:
    return [line.split() for line in output.strip().splitlines()[2:]]


def test_list_shows_the_root_with_types_and_sizes(weir, run_id):
    result = weir("artifacts", "list", "--run-id", run_id)

    assert result.output.splitlines()[0].split() == ["Path", "Type", "Size"]
    assert _rows(result.output) == [["data", "dir"], ["notes.txt", "file", "12"]]


def test_list_of_a_sub_path(weir, run_id):
    result = weir("artifacts", "list", "-r", run_id, "--artifact-path", "data/subfolder")

    assert _rows(result.output) == [["data/subfolder/test.txt", "file", "6"]]


def test_list_json_uses_mlflow_file_info_fields(weir, run_id):
    listed = json.loads(weir("artifacts", "list", "-r", run_id, "--json").output)

    assert listed == [
        {"path": "data", "is_dir": True},
        {"path": "notes.txt", "is_dir": False, "file_size": 12},
    ]


def test_list_accepts_a_runs_uri(weir, run_id):
    result = weir("artifacts", "list", "--artifact-uri", f"runs:/{run_id}/data")

    assert _rows(result.output) == [["data/subfolder", "dir"]]


def test_download_a_file_to_a_destination(weir, run_id, tmp_path):
    dst = tmp_path / "out"

    result = weir(
        "artifacts", "download", "--run-id", run_id, "--artifact-path", "notes.txt", "--dst-path", str(dst)
    )

    local = result.output.strip()
    assert os.path.samefile(local, dst / "notes.txt")
    assert (dst / "notes.txt").read_text() == "hello world!"


def test_download_a_folder_through_a_runs_uri(weir, run_id, tmp_path):
    dst = tmp_path / "out"

    result = weir("artifacts", "download", "-u", f"runs:/{run_id}/data", "-d", str(dst))

    local = result.output.strip()
    assert os.path.samefile(local, dst / "data")
    assert (dst / "data" / "subfolder" / "test.txt").read_text() == "nested"


def test_download_everything_to_a_temp_dir_by_default(weir, run_id):
    local = weir("artifacts", "download", "-r", run_id).output.strip()

    assert sorted(os.listdir(local)) == ["data", "notes.txt"]


def test_download_from_a_plain_artifact_uri(weir, client, run_id, tmp_path):
    artifact_uri = client.get_run(run_id).info.artifact_uri

    local = weir("artifacts", "download", "-u", f"{artifact_uri}/notes.txt", "-d", str(tmp_path / "o")).output
    listed = json.loads(weir("artifacts", "list", "-u", artifact_uri, "--json").output)

    with open(local.strip()) as f:
        assert f.read() == "hello world!"
    assert [entry["path"] for entry in listed] == ["data", "notes.txt"]


@pytest.mark.parametrize("path", ["../../etc/passwd", "data/../../x", "/etc/passwd"])
def test_paths_escaping_the_artifact_root_are_refused(weir_fails, run_id, path):
    for command in ("list", "download"):
        result = weir_fails("artifacts", command, "-r", run_id, "-a", path)

        assert result.exit_code == 1
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
        assert path in result.stderr


def test_missing_artifact_fails_with_one_line(weir_fails, run_id, tmp_path):
    result = weir_fails("artifacts", "download", "-r", run_id, "-a", "nope.txt", "-d", str(tmp_path / "o"))

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


def test_unknown_run_fails_with_one_line(weir_fails):
    for command in ("list", "download"):
        result = weir_fails("artifacts", command, "--run-id", "ffffffffffffffffffffffffffffffff")

        assert result.exit_code == 1
        assert result.stderr.startswith("Error: Run with id=ffffffffffffffffffffffffffffffff not found")
        assert result.stderr.count("\n") == 1


def test_run_id_and_artifact_uri_together_is_a_usage_error(weir_fails, run_id):
    result = weir_fails("artifacts", "download", "-r", run_id, "-u", f"runs:/{run_id}/notes.txt")

    assert result.exit_code == 2
    assert "--artifact-uri" in result.stderr


def test_neither_run_id_nor_artifact_uri_is_a_usage_error(weir_fails):
    result = weir_fails("artifacts", "list")

    assert result.exit_code == 2


def test_models_uri_is_refused_with_a_pointer(weir_fails):
    result = weir_fails("artifacts", "download", "-u", "models:/m/1")

    assert result.exit_code == 1
    assert "models:/" in result.stderr
