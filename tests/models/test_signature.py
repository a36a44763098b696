import numpy as np
import pandas as pd
import pytest
from weir.models import ModelSignature, infer_signature
from weir.types import ColSpec, ParamSchema, ParamSpec, Schema


def _inputs(data):
    return infer_signature(data).to_dict()["inputs"]


def test_dataframe_columns_map_to_mlflow_types():
    frame = pd.DataFrame(
        {
            "a": [1, 2],
            "b": [1.0, 2.0],
            "c": ["x", "y"],
            "d": [True, False],
            "e": np.array([1, 2], dtype="int32"),
            "f": np.array([1, 2], dtype="float32"),
            "g": [b"a", b"b"],
            "h": pd.to_datetime(["2020-01-01", "2020-01-02"]),
        }
    )
    assert _inputs(frame) == (
        '[{"type": "long", "name": "a", "required": true}, {"type": "double", "name": "b", "required": true}, '
        '{"type": "string", "name": "c", "required": true}, {"type": "boolean", "name": "d", "required": true}, '
        '{"type": "integer", "name": "e", "required": true}, {"type": "float", "name": "f", "required": true}, '
        '{"type": "binary", "name": "g", "required": true}, {"type": "datetime", "name": "h", "required": true}]'
    )


def test_columns_with_missing_values_are_optional_and_nested_values_typed():
    frame = pd.DataFrame(
        {"s": ["x", None], "n": [1.0, np.nan], "l": [[1, 2], [3]], "o": [{"k": 1}, {"k": 2}]}
    )
    assert _inputs(frame) == (
        '[{"type": "string", "name": "s", "required": false}, {"type": "double", "name": "n", "required": false}, '
        '{"type": "array", "items": {"type": "long"}, "name": "l", "required": true}, '
        '{"type": "object", "properties": {"k": {"type": "long", "required": true}}, "name": "o", "required": true}]'
    )


def test_numpy_arrays_give_tensor_specs_with_variable_first_dimension():
    sig = infer_signature(np.zeros((2, 3), dtype="float32"), np.array([1, 2]))
    assert sig.to_dict() == {
        "inputs": '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}]',
        "outputs": '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]',
        "params": None,
    }
    assert _inputs({"a": np.zeros((2, 3))}) == (
        '[{"name": "a", "type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 3]}}]'
    )


def test_lists_dicts_and_scalars():
    assert _inputs([[0, 1, 0]]) == '[{"type": "array", "items": {"type": "long"}, "required": true}]'
    assert _inputs(["a", "b"]) == '[{"type": "string", "required": true}]'
    assert _inputs({"a": 1, "b": "s"}) == (
        '[{"type": "long", "name": "a", "required": true}, {"type": "string", "name": "b", "required": true}]'
    )
    assert _inputs([{"a": 1, "b": "x"}, {"a": 2}]) == (
        '[{"type": "long", "name": "a", "required": true}, {"type": "string", "name": "b", "required": false}]'
    )
    assert _inputs(3.5) == '[{"type": "double", "required": true}]'


def test_named_series_output_keeps_its_name():
    frame = pd.DataFrame({"a": [1, 2]})
    assert (
        infer_signature(frame, frame["a"]).to_dict()["outputs"]
        == '[{"type": "long", "name": "a", "required": true}]'
    )


def test_params_are_inferred_with_defaults():
    sig = infer_signature(
        pd.DataFrame({"a": [1]}), params={"t": 0.5, "k": 1, "s": "x", "b": True, "l": [1, 2]}
    )
    assert sig.to_dict()["params"] == (
        '[{"name": "t", "default": 0.5, "shape": null, "type": "double"}, '
        '{"name": "k", "default": 1, "shape": null, "type": "long"}, '
        '{"name": "s", "default": "x", "shape": null, "type": "string"}, '
        '{"name": "b", "default": true, "shape": null, "type": "boolean"}, '
        '{"name": "l", "default": [1, 2], "shape": [-1], "type": "long"}]'
    )


def test_mixed_column_values_are_an_error_naming_the_column():
    from weir.exceptions import WeirException

    with pytest.raises(WeirException, match="column 'm'"):
        infer_signature(pd.DataFrame({"m": ["x", 1]}))


def test_signature_dict_round_trip():
    sig = ModelSignature(
        Schema([ColSpec("double", "x")]),
        Schema([ColSpec("long")]),
        ParamSchema([ParamSpec("t", "double", 0.5)]),
    )
    assert ModelSignature.from_dict(sig.to_dict()) == sig
    assert "inputs: \n  ['x': double (required)]" in repr(sig)
