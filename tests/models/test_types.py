import pytest
from weir.exceptions import WeirException
from weir.types import Array, ColSpec, DataType, Object, ParamSchema, ParamSpec, Property, Schema, TensorSpec


def test_schema_repr_matches_mlflow():
    schema = Schema([ColSpec("double", "x"), ColSpec("long", "y", required=False)])
    assert repr(schema) == "['x': double (required), 'y': long (optional)]"
    assert str(Schema(inputs=[ColSpec("long")])) == "[long (required)]"
    assert repr(DataType.long) == "long"


def test_schema_accepts_inputs_keyword_and_positional_type():
    schema = Schema(inputs=[ColSpec(type="double", name="x")])
    assert schema.input_names() == ["x"]
    assert schema.input_types() == [DataType.double]


def test_colspec_json_keys_and_order_are_mlflows():
    assert Schema([ColSpec("double", "x")]).to_json() == '[{"type": "double", "name": "x", "required": true}]'
    assert Schema([ColSpec("long")]).to_json() == '[{"type": "long", "required": true}]'


def test_tensor_spec_json_and_repr():
    schema = Schema([TensorSpec("float32", (-1, 3), "t")])
    assert schema.to_json() == (
        '[{"name": "t", "type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}]'
    )
    assert repr(schema) == "['t': Tensor('float32', (-1, 3))]"
    assert Schema.from_json(schema.to_json()) == schema


def test_tensor_spec_takes_numpy_dtypes():
    np = pytest.importorskip("numpy")
    spec = TensorSpec(np.dtype("int64"), (-1,))
    assert spec.type == np.dtype("int64")
    assert repr(spec) == "Tensor('int64', (-1,))"


def test_nested_types_round_trip():
    text = (
        '[{"type": "array", "items": {"type": "long"}, "name": "a", "required": true}, '
        '{"type": "object", "properties": {"k": {"type": "string", "required": false}}, "name": "o", "required": true}, '
        '{"type": "map", "values": {"type": "double"}, "name": "m", "required": true}, '
        '{"type": "any", "name": "z", "required": false}]'
    )
    schema = Schema.from_json(text)
    assert schema.inputs[0].type == Array(DataType.long)
    assert schema.inputs[1].type == Object([Property("k", "string", required=False)])
    assert schema.to_json() == text


def test_schema_rejects_mixed_specs_and_names():
    with pytest.raises(WeirException, match="only ColSpecs or only TensorSpecs"):
        Schema([ColSpec("long", "a"), TensorSpec("float32", (-1,), "b")])
    with pytest.raises(WeirException, match="named and unnamed"):
        Schema([ColSpec("long", "a"), ColSpec("long")])
    with pytest.raises(WeirException, match="Duplicate"):
        Schema([ColSpec("long", "a"), ColSpec("double", "a")])


def test_unknown_type_name_is_an_error_naming_it():
    with pytest.raises(WeirException, match="'decimal'"):
        ColSpec("decimal", "x")


def test_param_schema_json_and_repr_match_mlflow():
    params = ParamSchema([ParamSpec("th", "double", 0.5), ParamSpec("k", "long", [1, 2], (-1,))])
    assert params.to_json() == (
        '[{"name": "th", "default": 0.5, "shape": null, "type": "double"}, '
        '{"name": "k", "default": [1, 2], "shape": [-1], "type": "long"}]'
    )
    assert repr(params) == "['th': double (default: 0.5), 'k': long (default: [1, 2]) (shape: (-1,))]"
    assert ParamSchema.from_json(params.to_json()) == params


def test_param_spec_default_must_match_type():
    with pytest.raises(WeirException, match="Param 'k' must be of type long"):
        ParamSpec("k", "long", "seven")
    with pytest.raises(WeirException, match="needs a list"):
        ParamSpec("k", "long", 3, (-1,))
    assert ParamSpec("t", "double", 1).default == 1.0
