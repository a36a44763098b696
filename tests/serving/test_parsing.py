"""Request bodies -> model input, as MLflow's scoring protocol defines it (plus the seed's raw shapes)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from weir.serving.errors import ScoringInputError, UnsupportedMediaType
from weir.serving.parsing import parse_content_type, parse_csv_input, parse_json_input, parse_request
from weir.types import ColSpec, Schema, TensorSpec

DOUBLES = Schema([ColSpec("double", "x"), ColSpec("double", "y")])


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("application/json", "json"),
        ("Application/JSON; charset=utf-8", "json"),
        ("text/csv", "csv"),
        ("text/csv; charset=UTF-8", "csv"),
        ("application/vnd.apache.parquet", "parquet"),
    ],
)
def test_content_types_the_server_reads(header, kind):
    assert parse_content_type(header) == kind


@pytest.mark.parametrize("header", [None, "", "text/html", "application/json; format=pandas-records"])
def test_other_content_types_are_unsupported_media(header):
    with pytest.raises(UnsupportedMediaType) as caught:
        parse_content_type(header)
    assert caught.value.http_status == 415


def test_split_of_floats_builds_the_same_frame_pandas_would():
    payload = {"dataframe_split": {"columns": ["x", "y"], "data": [[1.5, 2.0], [3.0, 4.25]], "index": [5, 6]}}
    data, params = parse_json_input(json.dumps(payload))
    reference = pd.DataFrame(**payload["dataframe_split"])
    pd.testing.assert_frame_equal(data, reference)
    assert params is None


def test_split_with_mixed_types_keeps_each_column_type():
    payload = {"dataframe_split": {"columns": ["n", "s", "f"], "data": [[1, "a", 0.5], [2, "b", 1.5]]}}
    data, _ = parse_json_input(json.dumps(payload))
    assert data["n"].dtype == np.int64
    assert data["f"].dtype == np.float64
    assert list(data["s"]) == ["a", "b"]


def test_integers_become_floats_for_double_columns_of_the_schema():
    payload = {"dataframe_split": {"columns": ["x", "y"], "data": [[1, 2.5]]}}
    data, _ = parse_json_input(json.dumps(payload), DOUBLES)
    assert list(data.dtypes) == [np.float64, np.float64]


def test_integers_stay_integers_without_a_schema():
    payload = {"dataframe_split": {"columns": ["x", "y"], "data": [[1, 2]]}}
    data, _ = parse_json_input(json.dumps(payload))
    assert list(data.dtypes) == [np.int64, np.int64]


def test_booleans_are_not_turned_into_numbers_for_double_columns():
    payload = {"dataframe_split": {"columns": ["x", "y"], "data": [[True, 2.5]]}}
    data, _ = parse_json_input(json.dumps(payload), DOUBLES)
    assert data["x"].dtype == bool


def test_records_build_a_frame_with_the_record_keys_as_columns():
    records = [{"x": 1.0, "y": 2.0}, {"y": 4.0, "x": 3.0}]
    data, _ = parse_json_input(json.dumps({"dataframe_records": records}))
    pd.testing.assert_frame_equal(data, pd.DataFrame(records))


def test_records_must_be_a_list():
    with pytest.raises(ScoringInputError, match="list of records"):
        parse_json_input(json.dumps({"dataframe_records": {"x": 1}}))


def test_split_needs_a_data_field():
    with pytest.raises(ScoringInputError, match="'data' field"):
        parse_json_input(json.dumps({"dataframe_split": {"columns": ["x"]}}))


def test_split_with_rows_of_the_wrong_width_is_rejected():
    with pytest.raises(ScoringInputError, match="split orient"):
        parse_json_input(json.dumps({"dataframe_split": {"columns": ["x", "y"], "data": [[1.0]]}}))


def test_bare_records_list_is_read_as_dataframe_records():
    frame = pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]})
    data, _ = parse_json_input(frame.to_json(orient="records"))
    pd.testing.assert_frame_equal(data, frame)


def test_bare_split_object_is_read_as_dataframe_split_with_its_index():
    frame = pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]}, index=[10, 20])
    data, _ = parse_json_input(frame.to_json(orient="split"))
    pd.testing.assert_frame_equal(data, frame)


def test_instances_of_rows_become_named_columns():
    data, _ = parse_json_input(json.dumps({"instances": [{"x": 1.0, "y": 2}, {"x": 3.0, "y": 4}]}))
    assert set(data) == {"x", "y"}
    np.testing.assert_array_equal(data["x"], [1.0, 3.0])


def test_instances_of_rows_with_unequal_columns_are_rejected():
    with pytest.raises(ScoringInputError, match="different lengths"):
        parse_json_input(json.dumps({"instances": [{"x": 1.0, "y": 2}, {"x": 3.0}]}))


def test_inputs_list_is_an_array_cast_to_the_tensor_dtype():
    schema = Schema([TensorSpec(np.dtype("float32"), (-1, 2))])
    data, _ = parse_json_input(json.dumps({"inputs": [[1, 2], [3, 4]]}), schema)
    assert isinstance(data, np.ndarray)
    assert data.dtype == np.float32
    assert data.shape == (2, 2)


def test_inputs_dict_becomes_a_dict_of_arrays_typed_by_the_schema():
    data, _ = parse_json_input(json.dumps({"inputs": {"x": [1, 2], "y": [3.5, 4.5]}}), DOUBLES)
    assert data["x"].dtype == np.float64
    np.testing.assert_array_equal(data["y"], [3.5, 4.5])


def test_ragged_inputs_are_rejected_with_the_key_named():
    with pytest.raises(ScoringInputError, match="'inputs'"):
        parse_json_input(json.dumps({"inputs": [[1, 2], [3]]}))


def test_params_come_back_alongside_the_data():
    _, params = parse_json_input(json.dumps({"inputs": [1.0], "params": {"k": 3}}))
    assert params == {"k": 3}


def test_string_and_binary_columns_follow_the_schema():
    schema = Schema([ColSpec("string", "s"), ColSpec("binary", "b")])
    payload = {"dataframe_records": [{"s": "hi", "b": "aGVsbG8="}]}
    data, _ = parse_json_input(json.dumps(payload), schema)
    assert data["b"][0] == b"hello"
    assert data["s"][0] == "hi"


def test_csv_reads_columns_with_the_schema_types():
    schema = Schema([ColSpec("string", "code"), ColSpec("double", "x")])
    data = parse_csv_input(b"code,x\n007,1\n010,2\n", schema)
    assert list(data["code"]) == ["007", "010"]  # not read as the integers 7 and 10
    assert data["x"].dtype == np.float64


def test_csv_index_column_written_by_to_csv_becomes_the_index():
    frame = pd.DataFrame({"x": [1.0, 2.0]}, index=[3, 4])
    data = parse_csv_input(frame.to_csv())
    pd.testing.assert_frame_equal(data, frame)


def test_empty_csv_is_rejected():
    with pytest.raises(ScoringInputError, match="empty"):
        parse_csv_input(b"\n")


def test_parse_request_dispatches_on_the_content_type():
    data, params = parse_request(b"x,y\n1.0,2.0\n", "text/csv", DOUBLES)
    assert list(data.columns) == ["x", "y"]
    assert params is None
