import numpy as np
import pandas as pd
import pytest
from weir.exceptions import WeirException
from weir.models.enforcement import enforce_schema, validate_params
from weir.types import ColSpec, ParamSchema, ParamSpec, Schema, TensorSpec

SCHEMA = Schema([ColSpec("double", "x"), ColSpec("long", "n"), ColSpec("string", "s", required=False)])


def test_missing_column_error_names_it_and_the_extras():
    with pytest.raises(
        WeirException, match=r"Model is missing inputs \['n'\]\. Note that there were extra inputs: \['z'\]"
    ):
        enforce_schema(pd.DataFrame({"x": [1.0], "z": [1]}), SCHEMA)


def test_int_widens_to_double_and_extra_columns_are_dropped():
    out = enforce_schema(
        pd.DataFrame({"x": [1, 2], "n": np.array([1, 2], dtype="int32"), "z": [0, 0]}), SCHEMA
    )
    assert list(out.columns) == ["x", "n"]
    assert out["x"].dtype == np.float64 and out["n"].dtype == np.int64


def test_float32_widens_to_double():
    out = enforce_schema(pd.DataFrame({"x": np.array([1.5], dtype="float32"), "n": [1]}), SCHEMA)
    assert out["x"].dtype == np.float64


def test_unsafe_conversions_name_column_and_types():
    with pytest.raises(WeirException, match="column n. Can not safely convert float64 to int64"):
        enforce_schema(pd.DataFrame({"x": [1.0], "n": [1.5]}), SCHEMA)
    with pytest.raises(WeirException, match="column x. Can not safely convert"):
        enforce_schema(pd.DataFrame({"x": ["a"], "n": [1]}), SCHEMA)
    with pytest.raises(WeirException, match="column s. Can not safely convert int64 to string"):
        enforce_schema(pd.DataFrame({"x": [1.0], "n": [1], "s": [3]}), SCHEMA)


def test_float_with_missing_values_gets_a_hint():
    with pytest.raises(WeirException, match="Hint: integer columns cannot hold missing values"):
        enforce_schema(pd.DataFrame({"x": [1.0, 2.0], "n": [1, None]}), SCHEMA)


def test_dicts_records_and_headerless_rows_become_dataframes():
    assert enforce_schema({"x": 1.0, "n": 2}, SCHEMA).to_dict("records") == [{"x": 1.0, "n": 2}]
    assert len(enforce_schema([{"x": 1.0, "n": 2}, {"x": 2.0, "n": 3}], SCHEMA)) == 2
    rows = enforce_schema([[1.0, 2, "a"]], SCHEMA)
    assert list(rows.columns) == ["x", "n", "s"]


def test_unnamed_schema_checks_column_count():
    with pytest.raises(WeirException, match="declares 2 inputs"):
        enforce_schema([[1.0]], Schema([ColSpec("double"), ColSpec("double")]))


def test_no_schema_passes_data_through():
    data = [[0, 1, 0]]
    assert enforce_schema(data, None) is data


def test_tensor_shape_and_dtype():
    schema = Schema([TensorSpec("float64", (-1, 3))])
    assert enforce_schema(np.zeros((2, 3), dtype="float32"), schema).dtype == np.float64
    with pytest.raises(WeirException, match=r"does not match expected shape \(-1, 3\)"):
        enforce_schema(np.zeros((2, 4)), schema)
    with pytest.raises(WeirException, match="does not match the expected dtype"):
        enforce_schema(np.array([["a", "b", "c"]]), schema)


def test_params_validated_with_defaults_filled():
    schema = ParamSchema([ParamSpec("t", "double", 0.5), ParamSpec("k", "long", 1)])
    assert validate_params({"t": 1}, schema) == {"t": 1.0, "k": 1}
    with pytest.raises(WeirException, match="Param 'k' must be of type long"):
        validate_params({"k": "x"}, schema)
    assert validate_params({"t": 0.1, "zzz": 1}, schema) == {"t": 0.1, "k": 1}
