"""weir.models.saving: the steps every flavor's save_model and loader share."""

from __future__ import annotations

import sys

import pytest
from weir.exceptions import WeirException
from weir.models import Model
from weir.models.saving import (
    copy_code_paths,
    finish_model,
    model_file,
    new_model_directory,
    read_flavor,
    save_example_and_signature,
)


def _save(model_dir, code=None):
    model = Model()
    save_example_and_signature(
        model, model_dir, [[1.0, 2.0]], None, predict=lambda rows: [sum(r) for r in rows]
    )
    (model_dir / "weights.txt").write_text("3")
    finish_model(
        model,
        model_dir,
        flavor="toy",
        flavor_conf={"data": "weights.txt", "toy_version": "1"},
        loader_module="weir_toy",
        data="weights.txt",
        code=code,
        default_pip_requirements=["toy==1"],
    )
    return model


def test_a_saved_model_has_the_flavor_pyfunc_environment_and_signature(tmp_path):
    with new_model_directory(tmp_path / "m") as model_dir:
        _save(model_dir)
    loaded = Model.load(str(tmp_path / "m"))
    assert loaded.flavors["toy"] == {"data": "weights.txt", "toy_version": "1", "code": None}
    assert loaded.flavors["python_function"]["loader_module"] == "weir_toy"
    assert loaded.flavors["python_function"]["data"] == "weights.txt"
    assert loaded.signature is not None and loaded.saved_input_example_info["type"] == "json_object"
    assert "toy==1" in (tmp_path / "m" / "requirements.txt").read_text()


def test_a_failed_save_leaves_no_directory_and_an_occupied_one_is_refused(tmp_path):
    with pytest.raises(RuntimeError), new_model_directory(tmp_path / "m") as model_dir:
        (model_dir / "partial").write_text("x")
        raise RuntimeError("serializer broke")
    assert not (tmp_path / "m").exists()
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "mine.txt").write_text("keep")
    with pytest.raises(WeirException, match="not empty"), new_model_directory(tmp_path / "busy"):
        pass
    assert (tmp_path / "busy" / "mine.txt").read_text() == "keep"


def test_signature_false_stores_none_and_a_failing_predict_only_warns(tmp_path, monkeypatch):
    from weir.plugins.safety import AutologgingWarning

    monkeypatch.delenv("WEIR_AUTOLOG_STRICT", raising=False)
    model = Model()
    save_example_and_signature(model, tmp_path, [[1.0]], False, predict=len)
    assert model.signature is None
    other = Model()

    def broken(rows):
        raise TypeError("cannot predict")

    with pytest.warns(AutologgingWarning, match="cannot predict"):
        save_example_and_signature(other, tmp_path, [[1.0]], None, predict=broken, flavor="toy")
    assert other.signature is None


def test_code_paths_are_copied_and_go_on_sys_path_when_read(tmp_path, monkeypatch):
    (tmp_path / "helpers.py").write_text("VALUE = 1\n")
    with new_model_directory(tmp_path / "m") as model_dir:
        code = copy_code_paths([tmp_path / "helpers.py"], model_dir)
        _save(model_dir, code=code)
    monkeypatch.setattr(sys, "path", list(sys.path))
    conf = read_flavor(tmp_path / "m", "toy")
    assert conf["code"] == "code" and str(tmp_path / "m" / "code") in sys.path
    with pytest.raises(WeirException, match="single path"):
        copy_code_paths(str(tmp_path / "helpers.py"), tmp_path)
    with pytest.raises(WeirException, match="has no 'other' flavor"):
        read_flavor(tmp_path / "m", "other")


def test_model_file_refuses_paths_outside_the_model_directory(tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "model.bin").write_text("x")
    (tmp_path / "secret").write_text("x")
    assert model_file(tmp_path / "m", "model.bin") == (tmp_path / "m" / "model.bin").resolve()
    with pytest.raises(WeirException, match="outside"):
        model_file(tmp_path / "m", "../secret")
    with pytest.raises(WeirException, match="does not exist"):
        model_file(tmp_path / "m", "missing.bin")
