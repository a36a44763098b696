import json
import os
import subprocess
import sys
import textwrap

import pandas as pd
import pytest
import weir
import weir.pyfunc
import yaml
from weir.exceptions import WeirException
from weir.models import Model, ModelSignature, infer_signature
from weir.types import ColSpec, ParamSchema, ParamSpec, Schema


class AddN(weir.pyfunc.PythonModel):
    def load_context(self, context):
        with open(context.artifacts["n"]) as f:
            self.n = int(f.read())

    def predict(self, context, model_input, params=None):
        return model_input["x"] + self.n


class Doubler(weir.pyfunc.PythonModel):  # MLflow 3 style: no context argument
    def predict(self, model_input, params=None):
        factor = (params or {}).get("factor", 2)
        return model_input * factor


@pytest.fixture
def n_file(tmp_path):
    path = tmp_path / "n.txt"
    path.write_text("5")
    return str(path)


def test_python_model_with_artifact_round_trip(tmp_path, n_file):
    path = tmp_path / "model"
    weir.pyfunc.save_model(path, python_model=AddN(), artifacts={"n": n_file})
    conf = yaml.safe_load((path / "MLmodel").read_text())["flavors"]["python_function"]
    assert conf["loader_module"] == "weir.pyfunc.model"
    assert conf["python_model"] == "python_model.pkl"
    assert conf["artifacts"] == {"n": {"path": "artifacts/n.txt", "uri": n_file}}
    assert (path / "artifacts" / "n.txt").read_text() == "5"
    loaded = weir.pyfunc.load_model(str(path))
    assert loaded.predict(pd.DataFrame({"x": [1, 2]})).tolist() == [6, 7]
    assert isinstance(loaded.unwrap_python_model(), AddN)
    assert loaded.loader_module == "weir.pyfunc.model"


def test_predict_without_context_and_params_from_signature(tmp_path):
    signature = ModelSignature(
        Schema([ColSpec("double", "x")]), params=ParamSchema([ParamSpec("factor", "long", 2)])
    )
    weir.pyfunc.save_model(tmp_path / "m", python_model=Doubler(), signature=signature)
    model = weir.pyfunc.load_model(tmp_path / "m")
    frame = pd.DataFrame({"x": [1, 2]})
    assert model.predict(frame)["x"].tolist() == [2.0, 4.0]  # int widened to double
    assert model.predict(frame, params={"factor": 3})["x"].tolist() == [3.0, 6.0]
    with pytest.raises(WeirException, match="Model is missing inputs \\['x'\\]"):
        model.predict(pd.DataFrame({"y": [1]}))
    with pytest.raises(WeirException, match="Param 'factor' must be of type long"):
        model.predict(frame, params={"factor": "big"})


def test_model_without_signature_takes_a_list_of_lists(tmp_path):
    weir.pyfunc.save_model(tmp_path / "m", python_model=Doubler())
    assert weir.pyfunc.load_model(tmp_path / "m").predict([[0, 1, 0]]) == [[0, 1, 0], [0, 1, 0]]


def test_a_function_can_be_the_model(tmp_path):
    weir.pyfunc.save_model(tmp_path / "m", python_model=lambda data: [len(data)])
    assert weir.pyfunc.load_model(tmp_path / "m").predict([1, 2, 3]) == [3]


def test_input_example_infers_the_signature_and_is_saved(tmp_path, n_file):
    example = pd.DataFrame({"x": [1, 2]})
    weir.pyfunc.save_model(
        tmp_path / "m", python_model=AddN(), artifacts={"n": n_file}, input_example=example
    )
    meta = Model.load(tmp_path / "m")
    assert meta.signature == infer_signature(example, example["x"])
    assert meta.load_input_example(str(tmp_path / "m")).equals(example)
    serving = json.loads((tmp_path / "m" / "serving_input_example.json").read_text())
    assert serving == {"dataframe_split": {"columns": ["x"], "data": [[1], [2]]}}


def test_requirements_list_weir_and_cloudpickle(tmp_path):
    import cloudpickle

    weir.pyfunc.save_model(tmp_path / "m", python_model=Doubler(), extra_pip_requirements=["scipy"])
    reqs = (tmp_path / "m" / "requirements.txt").read_text().splitlines()
    assert reqs == [f"weir=={weir.__version__}", f"cloudpickle=={cloudpickle.__version__}", "scipy"]
    assert weir.pyfunc.get_model_dependencies(str(tmp_path / "m")).endswith("requirements.txt")


def test_save_refuses_a_non_empty_directory_and_both_requirement_kinds(tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "keep.txt").write_text("mine")
    with pytest.raises(WeirException, match="already exists and is not empty"):
        weir.pyfunc.save_model(tmp_path / "m", python_model=Doubler())
    assert (tmp_path / "m" / "keep.txt").read_text() == "mine"
    with pytest.raises(WeirException, match="Only one of"):
        weir.pyfunc.save_model(tmp_path / "n", python_model=Doubler(), pip_requirements=["a"], conda_env={})
    assert not (tmp_path / "n").exists()


def test_code_paths_are_copied_and_importable_at_load(tmp_path):
    pkg = tmp_path / "src" / "helper_mod_for_weir_test.py"
    pkg.parent.mkdir()
    pkg.write_text("def triple(x):\n    return x * 3\n")
    script = tmp_path / "save.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys
            sys.path.insert(0, {str(pkg.parent)!r})
            import weir.pyfunc
            import helper_mod_for_weir_test

            class Triple(weir.pyfunc.PythonModel):
                def predict(self, model_input, params=None):
                    return helper_mod_for_weir_test.triple(model_input)

            weir.pyfunc.save_model({str(tmp_path / "m")!r}, python_model=Triple(), code_paths=[{str(pkg)!r}])
            """
        )
    )
    subprocess.run([sys.executable, str(script)], check=True)
    assert (tmp_path / "m" / "code" / "helper_mod_for_weir_test.py").exists()
    # a fresh process without src/ on its path loads it through code/
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import weir.pyfunc; print(weir.pyfunc.load_model({str(tmp_path / 'm')!r}).predict(2))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=str(tmp_path),
    )
    assert out.stdout.strip() == "6"


def test_custom_model_loads_in_a_fresh_process(tmp_path, n_file):
    script = tmp_path / "train.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import weir.pyfunc

            class AddN(weir.pyfunc.PythonModel):
                def load_context(self, context):
                    self.n = int(open(context.artifacts["n"]).read())

                def predict(self, context, model_input, params=None):
                    return [v + self.n for v in model_input]

            weir.pyfunc.save_model({str(tmp_path / "m")!r}, python_model=AddN(), artifacts={{"n": {n_file!r}}})
            """
        )
    )
    subprocess.run([sys.executable, str(script)], check=True)
    os.remove(n_file)  # the model carries its own copy
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import weir.pyfunc; print(weir.pyfunc.load_model({str(tmp_path / 'm')!r}).predict([1, 2]))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[6, 7]"


def test_models_from_code(tmp_path):
    code = tmp_path / "my_model.py"
    code.write_text(
        textwrap.dedent(
            """
            import weir
            from weir.models import ModelConfig

            class Scale(weir.pyfunc.PythonModel):
                def __init__(self, factor):
                    self.factor = factor

                def predict(self, model_input, params=None):
                    return [v * self.factor for v in model_input]

            weir.models.set_model(Scale(ModelConfig().get("factor")))
            """
        )
    )
    weir.pyfunc.save_model(tmp_path / "m", python_model=str(code), model_config={"factor": 10})
    conf = Model.load(tmp_path / "m").flavors["python_function"]
    assert conf["model_code_path"] == "my_model.py" and "python_model" not in conf
    assert not (tmp_path / "m" / "python_model.pkl").exists()
    assert weir.pyfunc.load_model(tmp_path / "m").predict([1, 2]) == [10, 20]
    assert weir.pyfunc.load_model(tmp_path / "m", model_config={"factor": 3}).predict([1]) == [3]


def test_models_from_code_script_must_call_set_model(tmp_path):
    code = tmp_path / "nothing.py"
    code.write_text("x = 1\n")
    with pytest.raises(WeirException, match="did not call weir.models.set_model"):
        weir.pyfunc.save_model(tmp_path / "m", python_model=str(code))


def test_loader_module_workflow_with_data(tmp_path):
    loader = tmp_path / "lib" / "my_weir_loader.py"
    loader.parent.mkdir()
    loader.write_text(
        "class M:\n    def __init__(self, p):\n        self.text = open(p).read()\n"
        "    def predict(self, data):\n        return self.text\n"
        "def _load_pyfunc(path):\n    return M(path)\n"
    )
    data = tmp_path / "weights.txt"
    data.write_text("w")
    weir.pyfunc.save_model(
        tmp_path / "m", loader_module="my_weir_loader", data_path=str(data), code_paths=[str(loader)]
    )
    assert Model.load(tmp_path / "m").flavors["python_function"]["data"] == "weights.txt"
    assert weir.pyfunc.load_model(tmp_path / "m").predict(None) == "w"


def test_mlflow_prefixed_loader_modules_resolve_to_weir(tmp_path):
    model = Model()
    weir.pyfunc.add_to_model(model, loader_module="mlflow.pyfunc.model", python_model="python_model.pkl")
    (tmp_path / "m").mkdir()
    import cloudpickle

    with open(tmp_path / "m" / "python_model.pkl", "wb") as f:
        cloudpickle.dump(Doubler(), f)
    model.save(tmp_path / "m" / "MLmodel")
    loaded = weir.pyfunc.load_model(tmp_path / "m")
    assert loaded.loader_module == "mlflow.pyfunc.model"
    assert loaded.predict(2) == 4


@pytest.mark.parametrize(
    ("mlmodel", "message"),
    [
        ("flavors:\n  sklearn: {pickled_model: m.pkl}\n", 'has no "python_function" flavor'),
        ("flavors:\n  python_function: {data: x}\n", "has no loader_module"),
        (
            "flavors:\n  python_function: {loader_module: no_such_loader_xyz}\n",
            "MLmodel: .*'no_such_loader_xyz'",
        ),
        (": bad: yaml: [", "is not valid YAML"),
    ],
)
def test_malformed_models_fail_with_file_and_problem(tmp_path, mlmodel, message):
    (tmp_path / "MLmodel").write_text(mlmodel)
    with pytest.raises(WeirException, match=message):
        weir.pyfunc.load_model(str(tmp_path))


def test_log_model_into_a_run_and_load_by_runs_uri(weir_store, n_file):
    example = pd.DataFrame({"x": [1, 2]})
    with weir.start_run() as run:
        info = weir.pyfunc.log_model(
            name="addn", python_model=AddN(), artifacts={"n": n_file}, input_example=example
        )
    assert info.model_uri == f"runs:/{run.info.run_id}/addn"
    assert info.run_id == run.info.run_id and info.artifact_path == "addn"
    assert info.signature.inputs.input_names() == ["x"]
    loaded = weir.pyfunc.load_model(info.model_uri)
    assert loaded.predict(example).tolist() == [6, 7]
    assert loaded.metadata.run_id == run.info.run_id
    history = json.loads(weir.get_run(run.info.run_id).data.tags["mlflow.log-model.history"])
    assert [entry["artifact_path"] for entry in history] == ["addn"]
    assert history[0]["flavors"]["python_function"]["loader_module"] == "weir.pyfunc.model"


def test_log_model_history_appends_and_starts_a_run_when_none_is_active(weir_store):
    first = weir.pyfunc.log_model("a", python_model=Doubler())
    second = weir.pyfunc.log_model(artifact_path="b", python_model=Doubler())
    assert first.run_id == second.run_id == weir.active_run().info.run_id
    history = json.loads(weir.get_run(first.run_id).data.tags["mlflow.log-model.history"])
    assert [entry["artifact_path"] for entry in history] == ["a", "b"]


def test_mlflow_loads_a_weir_custom_model_and_weir_loads_mlflow_s(tmp_path):
    mlflow = pytest.importorskip("mlflow")
    weir.pyfunc.save_model(tmp_path / "weir_model", python_model=Doubler())
    frame = pd.DataFrame({"x": [1, 2]})
    assert mlflow.pyfunc.load_model(str(tmp_path / "weir_model")).predict(frame)["x"].tolist() == [2, 4]

    class PlusOne(mlflow.pyfunc.PythonModel):
        def predict(self, context, model_input, params=None):
            return model_input + 1

    mlflow.pyfunc.save_model(str(tmp_path / "mlflow_model"), python_model=PlusOne(), input_example=frame)
    assert weir.pyfunc.load_model(tmp_path / "mlflow_model").predict(frame)["x"].tolist() == [2, 3]
