"""Artifacts through the fluent API: files, directories, text, dicts, figures, images, tables."""

import json
import os
import pathlib

import pytest
import yaml
from weir.exceptions import WeirException


def _artifact_dir(store, run_id):
    from weir.store.artifacts.local import local_path_from_uri

    return local_path_from_uri(store.get_run(run_id).info.artifact_uri)


def test_log_artifact_with_and_without_artifact_path(store, tmp_path):
    source = tmp_path / "test.txt"
    source.write_text("hello world!")
    with store.start_run() as run:
        store.log_artifact(str(source), artifact_path=None)
        store.log_artifact(str(source), artifact_path="data/subfolder")
        uri = store.get_artifact_uri()
        assert store.get_artifact_uri("data") == uri + "/data"
    root = _artifact_dir(store, run.info.run_id)
    assert pathlib.Path(os.path.join(root, "test.txt")).read_text() == "hello world!"
    assert pathlib.Path(os.path.join(root, "data", "subfolder", "test.txt")).read_text() == "hello world!"
    assert uri == store.get_run(run.info.run_id).info.artifact_uri
    assert uri.endswith(f"/{run.info.experiment_id}/{run.info.run_id}/artifacts")


def test_log_artifact_of_a_directory_keeps_its_name(store, tmp_path):
    folder = tmp_path / "outputs"
    folder.mkdir()
    (folder / "a.txt").write_text("a")
    with store.start_run() as run:
        store.log_artifact(str(folder))
        store.log_artifacts(str(folder), "flat")
    client = store.MlflowClient()
    assert [f.path for f in client.list_artifacts(run.info.run_id)] == ["flat", "outputs"]
    assert [f.path for f in client.list_artifacts(run.info.run_id, "outputs")] == ["outputs/a.txt"]


def test_log_artifact_errors(store, tmp_path):
    with store.start_run():
        with pytest.raises(WeirException, match="missing"):
            store.log_artifact(str(tmp_path / "missing"))
        source = tmp_path / "f.txt"
        source.write_text("x")
        with pytest.raises(WeirException, match=r"\.\./\.\."):
            store.log_artifact(str(source), "../../escape")


def test_log_text_and_dict(store):
    with store.start_run() as run:
        store.log_text("some text", "notes/readme.txt")
        store.log_dict({"a": [1, 2], "b": {"c": "d"}}, "config.json")
        store.log_dict({"a": [1, 2]}, "config.yaml")
    root = _artifact_dir(store, run.info.run_id)
    assert pathlib.Path(os.path.join(root, "notes", "readme.txt")).read_text() == "some text"
    assert json.loads(pathlib.Path(root, "config.json").read_text()) == {"a": [1, 2], "b": {"c": "d"}}
    assert yaml.safe_load(pathlib.Path(root, "config.yaml").read_text()) == {"a": [1, 2]}
    with store.start_run(), pytest.raises(WeirException):
        store.log_text("x", "/etc/evil")


def test_log_figure_with_matplotlib(store):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    with store.start_run() as run:
        store.log_figure(fig, "plots/line.png")
    plt.close(fig)
    with open(os.path.join(_artifact_dir(store, run.info.run_id), "plots", "line.png"), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    with store.start_run(), pytest.raises(TypeError, match="figure"):
        store.log_figure(object(), "x.png")


def test_log_image_from_numpy_and_pil(store):
    np = pytest.importorskip("numpy")
    Image = pytest.importorskip("PIL.Image")
    with store.start_run() as run:
        store.log_image(np.zeros((4, 6, 3), dtype=np.uint8), "img/zeros.png")
        store.log_image(Image.new("RGB", (10, 5)), "img/pil.png")
        store.log_image(np.random.rand(8, 8), key="samples", step=2)
    root = _artifact_dir(store, run.info.run_id)
    assert Image.open(os.path.join(root, "img", "zeros.png")).size == (6, 4)
    assert Image.open(os.path.join(root, "img", "pil.png")).size == (10, 5)
    series = sorted(os.listdir(os.path.join(root, "images")), key=len)
    assert len(series) == 2
    assert all(name.startswith("samples+step+2+timestamp+") for name in series)
    assert series[0].endswith(".png") and series[1] == series[0][: -len(".png")] + "+compressed.webp"
    assert store.get_run(run.info.run_id).data.tags["mlflow.loggedImages"] == "True"


def test_log_image_argument_errors(store):
    np = pytest.importorskip("numpy")
    with store.start_run():
        with pytest.raises(TypeError):
            store.log_image(np.zeros((2, 2)))
        with pytest.raises(TypeError):
            store.log_image(np.zeros((2, 2)), "a.png", key="k")
        with pytest.raises(ValueError, match="255"):
            store.log_image(np.full((2, 2), 300), "a.png")
        with pytest.raises(TypeError):
            store.log_image("not an image", "a.png")


def test_log_table_appends_and_load_table_joins_runs(store):
    pd = pytest.importorskip("pandas")
    store.set_experiment("tables")
    with store.start_run() as first:
        store.log_table({"inputs": ["a", "b"], "score": [0.1, 0.2]}, "eval.json")
        store.log_table(pd.DataFrame({"inputs": ["c"], "score": [0.3]}), "eval.json")
    with store.start_run() as second:
        store.log_table({"inputs": "d", "score": 0.4}, artifact_file="eval.json")
    with store.start_run():
        store.log_text("not a table", "other.txt")
    raw = json.loads(pathlib.Path(_artifact_dir(store, first.info.run_id), "eval.json").read_text())
    assert raw["columns"] == ["inputs", "score"] and raw["data"][2] == ["c", 0.3]
    tags = store.get_run(first.info.run_id).data.tags
    assert json.loads(tags["mlflow.loggedArtifacts"]) == [{"path": "eval.json", "type": "table"}]
    table = store.load_table("eval.json", extra_columns=["run_id"])
    assert sorted(table["inputs"]) == ["a", "b", "c", "d"]
    assert set(table["run_id"]) == {first.info.run_id, second.info.run_id}
    only_second = store.load_table("eval.json", run_ids=[second.info.run_id])
    assert list(only_second["inputs"]) == ["d"]
    with pytest.raises(WeirException):
        store.load_table("missing.json")
    with store.start_run(), pytest.raises(WeirException, match="json or .parquet"):
        store.log_table({"a": [1]}, "table.csv")
