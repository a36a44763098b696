"""``weir.artifacts``: MLflow's functions to download, list and read artifacts by run id or URI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import weir
from weir.exceptions import WeirException


@pytest.fixture
def run_with_files(weir_store, tmp_path):
    source = tmp_path / "src"
    (source / "sub").mkdir(parents=True)
    (source / "sub" / "a.txt").write_text("alpha")
    with weir.start_run() as run:
        weir.log_artifacts(str(source), artifact_path="data")
        weir.log_dict({"lr": 0.1}, "config.yaml")
        weir.log_dict({"k": [1, 2]}, "meta.json")
        weir.log_text("hello", "notes/readme.txt")
    return run.info.run_id


def test_download_by_run_id_and_path(run_with_files, tmp_path):
    local = weir.artifacts.download_artifacts(
        run_id=run_with_files, artifact_path="data", dst_path=str(tmp_path / "o")
    )
    assert Path(local, "sub", "a.txt").read_text() == "alpha"


def test_download_by_runs_uri_into_a_fresh_temp_dir(run_with_files):
    local = weir.artifacts.download_artifacts(f"runs:/{run_with_files}/notes/readme.txt")
    assert Path(local).read_text() == "hello"


def test_download_the_whole_run(run_with_files, tmp_path):
    local = weir.artifacts.download_artifacts(run_id=run_with_files, dst_path=str(tmp_path / "all"))
    assert sorted(os.listdir(local)) == ["config.yaml", "data", "meta.json", "notes"]


def test_list_by_run_id_and_by_uri(run_with_files):
    by_id = [f.path for f in weir.artifacts.list_artifacts(run_id=run_with_files)]
    assert by_id == ["config.yaml", "data", "meta.json", "notes"]
    by_uri = weir.artifacts.list_artifacts(f"runs:/{run_with_files}/data/sub")
    assert [(f.path, f.is_dir) for f in by_uri] == [("a.txt", False)]


def test_load_text_and_dict(run_with_files):
    assert weir.artifacts.load_text(f"runs:/{run_with_files}/notes/readme.txt") == "hello"
    assert weir.artifacts.load_dict(f"runs:/{run_with_files}/config.yaml") == {"lr": 0.1}
    assert weir.artifacts.load_dict(f"runs:/{run_with_files}/meta.json") == {"k": [1, 2]}


def test_a_local_path_is_copied_not_handed_out(tmp_path):
    (tmp_path / "f.txt").write_text("x")
    local = weir.artifacts.download_artifacts(str(tmp_path / "f.txt"), dst_path=str(tmp_path / "copy"))
    assert local == str(tmp_path / "copy" / "f.txt") and Path(local).read_text() == "x"


def test_bad_arguments_name_the_problem(run_with_files):
    with pytest.raises(WeirException, match="exactly one of artifact_uri or run_id"):
        weir.artifacts.download_artifacts()
    with pytest.raises(WeirException, match="artifact_path goes with run_id"):
        weir.artifacts.download_artifacts(f"runs:/{run_with_files}", artifact_path="data")
    with pytest.raises(WeirException, match="not valid JSON"):
        weir.artifacts.load_dict(f"runs:/{run_with_files}/notes/readme.txt")
