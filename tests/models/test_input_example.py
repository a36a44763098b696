import json

import numpy as np
import pandas as pd
from weir.models import Model
from weir.models.input_example import read_input_example, save_input_example


def _save(tmp_path, example):
    model = Model()
    save_input_example(model, example, str(tmp_path))
    stored = json.loads((tmp_path / "input_example.json").read_text())
    serving = json.loads((tmp_path / "serving_input_example.json").read_text())
    return model.saved_input_example_info, stored, serving


def test_dataframe_is_stored_split_without_index(tmp_path):
    frame = pd.DataFrame({"x1": [0.0, 1.0], "x2": [1, 0]}, index=[7, 9])
    info, stored, serving = _save(tmp_path, frame)
    assert info == {
        "artifact_path": "input_example.json",
        "type": "dataframe",
        "pandas_orient": "split",
        "serving_input_path": "serving_input_example.json",
    }
    assert stored == {"columns": ["x1", "x2"], "data": [[0.0, 1], [1.0, 0]]}
    assert serving == {"dataframe_split": stored}
    back, params = read_input_example(str(tmp_path), info)
    assert back.equals(frame.reset_index(drop=True)) and params is None


def test_ndarray_is_stored_as_nested_lists(tmp_path):
    info, stored, serving = _save(tmp_path, np.zeros((2, 2)))
    assert info["type"] == "ndarray" and "pandas_orient" not in info
    assert stored == [[0.0, 0.0], [0.0, 0.0]]
    assert serving == {"inputs": stored}
    assert read_input_example(str(tmp_path), info)[0].shape == (2, 2)


def test_json_objects_are_stored_as_is(tmp_path):
    info, stored, serving = _save(tmp_path, [[0, 1, 0]])
    assert info["type"] == "json_object"
    assert stored == [[0, 1, 0]] and serving == {"inputs": [[0, 1, 0]]}


def test_example_with_params(tmp_path):
    info, stored, serving = _save(tmp_path, (pd.DataFrame({"a": [1]}), {"t": 0.5}))
    assert stored == {"inputs": {"columns": ["a"], "data": [[1]]}, "params": {"t": 0.5}}
    assert serving == {"dataframe_split": {"columns": ["a"], "data": [[1]]}, "params": {"t": 0.5}}
    frame, params = read_input_example(str(tmp_path), info)
    assert list(frame.columns) == ["a"] and params == {"t": 0.5}


def test_reads_the_older_inputs_layout_for_tensors(tmp_path):
    (tmp_path / "input_example.json").write_text('{"inputs": [[1, 2]]}')
    array, _ = read_input_example(str(tmp_path), {"artifact_path": "input_example.json", "type": "ndarray"})
    assert array.tolist() == [[1, 2]]
