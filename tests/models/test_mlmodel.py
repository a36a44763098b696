import os
import textwrap

import pytest
import yaml
from weir.exceptions import WeirException
from weir.models import Model, ModelSignature
from weir.types import ColSpec, Schema

# The MLmodel MLflow 3.17.2 writes for mlflow.sklearn.save_model (mlflow-compat.md section 3.5).
MLFLOW_MLMODEL = textwrap.dedent(
    """\
    flavors:
      python_function:
        env:
          conda: conda.yaml
          virtualenv: python_env.yaml
        loader_module: mlflow.sklearn
        model_path: model.skops
        predict_fn: predict
        python_version: 3.11.7
      sklearn:
        code: null
        pickled_model: model.skops
        serialization_format: skops
        sklearn_version: 1.9.1
        skops_trusted_types: null
    is_signature_from_type_hint: false
    mlflow_version: 3.17.2
    model_id: null
    model_size_bytes: 10684
    model_uuid: b6c6b5117eff47d19fbe1a1060863619
    prompts: null
    saved_input_example_info:
      artifact_path: input_example.json
      pandas_orient: split
      serving_input_path: serving_input_example.json
      type: dataframe
    signature:
      inputs: '[{"type": "double", "name": "x1", "required": true}, {"type": "long", "name":
        "x2", "required": true}]'
      outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
      params: '[{"name": "threshold", "default": 0.5, "shape": null, "type": "double"}]'
    type_hint_from_example: false
    utc_time_created: '2026-11-23 10:51:09.778733'
    """
)


def test_reads_an_mlflow_written_mlmodel(tmp_path):
    (tmp_path / "MLmodel").write_text(MLFLOW_MLMODEL)
    model = Model.load(tmp_path)
    assert model.flavors["python_function"]["loader_module"] == "mlflow.sklearn"
    assert model.get_input_schema().input_names() == ["x1", "x2"]
    assert model.get_output_schema().is_tensor_spec()
    assert model.get_params_schema().params[0].default == 0.5
    assert model.model_size_bytes == 10684
    assert model.saved_input_example_info["pandas_orient"] == "split"


def test_round_trip_keeps_every_mlflow_key(tmp_path):
    (tmp_path / "MLmodel").write_text(MLFLOW_MLMODEL)
    Model.load(tmp_path / "MLmodel").save(tmp_path / "again")
    original = yaml.safe_load(MLFLOW_MLMODEL)
    written = yaml.safe_load((tmp_path / "again").read_text())
    assert {k: v for k, v in written.items() if k != "weir_version"} == original


def test_saved_model_has_mlflow_keys_and_its_size(tmp_path):
    (tmp_path / "weights.bin").write_bytes(b"x" * 100)
    model = Model(signature=ModelSignature(Schema([ColSpec("double", "x")])))
    model.add_flavor("python_function", loader_module="my_loader", python_version="3.11.7")
    model.save(tmp_path / "MLmodel")
    data = yaml.safe_load((tmp_path / "MLmodel").read_text())
    assert {
        "flavors",
        "mlflow_version",
        "model_uuid",
        "utc_time_created",
        "signature",
        "model_id",
        "prompts",
    } <= set(data)
    assert "run_id" not in data and "artifact_path" not in data
    assert data["model_size_bytes"] == 100
    assert data["signature"]["inputs"] == '[{"type": "double", "name": "x", "required": true}]'
    assert len(data["model_uuid"]) == 32


def test_mlflow_reads_a_weir_mlmodel(tmp_path):
    mlflow_model = pytest.importorskip("mlflow.models")
    model = Model(signature=ModelSignature(Schema([ColSpec("double", "x")])), metadata={"team": "a"})
    model.add_flavor("python_function", loader_module="weir.pyfunc.model")
    model.save(tmp_path / "MLmodel")
    loaded = mlflow_model.Model.load(str(tmp_path))
    assert loaded.signature.inputs.input_names() == ["x"]
    assert loaded.metadata == {"team": "a"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("flavors: [unclosed", "is not valid YAML"),
        ("- a list", "must be a YAML mapping"),
        ("mlflow_version: 3.17.2\n", "has no 'flavors'"),
        ("flavors:\n  python_function: 3\n", "must be mappings"),
        ('flavors:\n  f: {}\nsignature:\n  inputs: \'[{"name": "x"}]\'\n', "invalid signature"),
    ],
)
def test_malformed_mlmodel_errors_name_file_and_problem(tmp_path, text, message):
    (tmp_path / "MLmodel").write_text(text)
    with pytest.raises(WeirException, match=message) as info:
        Model.load(tmp_path)
    assert "MLmodel" in info.value.message


def test_missing_mlmodel_is_resource_does_not_exist(tmp_path):
    with pytest.raises(WeirException, match='Could not find an "MLmodel"') as info:
        Model.load(tmp_path)
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_load_accepts_file_uris(tmp_path):
    (tmp_path / "MLmodel").write_text(MLFLOW_MLMODEL)
    assert Model.load(tmp_path.as_uri()).model_uuid == "b6c6b5117eff47d19fbe1a1060863619"


def test_import_weir_models_does_not_import_numpy_or_pandas():
    import subprocess
    import sys

    code = (
        "import sys, weir.models, weir.pyfunc, weir.types; from weir.models import Model; "
        "print('numpy' in sys.modules or 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_model_dir_path_is_remembered_for_input_example(tmp_path):
    (tmp_path / "MLmodel").write_text(MLFLOW_MLMODEL)
    (tmp_path / "input_example.json").write_text('{"columns": ["x1", "x2"], "data": [[0.0, 1], [1.0, 0]]}')
    frame = Model.load(tmp_path).load_input_example()
    assert list(frame.columns) == ["x1", "x2"] and frame.shape == (2, 2)
    assert os.path.basename(str(tmp_path))
