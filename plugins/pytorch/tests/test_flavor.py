"""The pytorch flavor: files in MLflow's layout, native and pyfunc loading, bad input."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
import weir
from weir.exceptions import WeirException
from weir.models import Model


def test_round_trip_native_and_pyfunc_on_numpy_and_pandas(tmp_path, regressor, features, expected):
    import pandas as pd

    weir.pytorch.save_model(regressor, tmp_path / "m")
    assert regressor.training  # saving left the user's model as it was
    native = weir.pytorch.load_model(str(tmp_path / "m"))
    assert isinstance(native, type(regressor)) and not native.training
    with torch.no_grad():
        np.testing.assert_allclose(native(torch.from_numpy(features)).numpy(), expected, rtol=1e-6)
    pyfunc = weir.pyfunc.load_model(str(tmp_path / "m"))
    from_numpy = pyfunc.predict(features)
    from_pandas = pyfunc.predict(pd.DataFrame(features, columns=list("abcd")))
    assert isinstance(from_numpy, np.ndarray) and isinstance(from_pandas, np.ndarray)
    np.testing.assert_allclose(from_numpy, expected, rtol=1e-6)
    np.testing.assert_allclose(from_pandas, expected, rtol=1e-6)


def test_model_directory_has_mlflow_keys_and_files(tmp_path, regressor):
    weir.pytorch.save_model(regressor, tmp_path / "m")
    assert (tmp_path / "m" / "data" / "model.pth").is_file()
    assert (tmp_path / "m" / "data" / "pickle_module_info.txt").read_text() == "mlflow.pytorch.pickle_module"
    model = Model.load(str(tmp_path / "m"))
    assert model.flavors["pytorch"]["model_data"] == "data"
    assert model.flavors["pytorch"]["pytorch_version"] == torch.__version__
    pyfunc = model.flavors["python_function"]
    assert pyfunc["loader_module"] == "mlflow.pytorch" and pyfunc["data"] == "data"
    assert pyfunc["pickle_module_name"] == "mlflow.pytorch.pickle_module"
    assert pyfunc["config"] == {"device": None}
    requirements = (tmp_path / "m" / "requirements.txt").read_text().splitlines()
    torch_pin = next(line for line in requirements if line.startswith("torch=="))
    assert "+" not in torch_pin  # no local label such as +cpu: PyPI could not resolve it
    assert any(line.startswith("cloudpickle==") for line in requirements)


def test_float64_input_is_cast_to_the_model_dtype_and_predict_uses_eval_and_no_grad(
    tmp_path, regressor, features, expected
):
    weir.pytorch.save_model(regressor, tmp_path / "m")
    pyfunc = weir.pyfunc.load_model(str(tmp_path / "m"))
    first = pyfunc.predict(features.astype("float64"))
    assert first.dtype == np.float32
    np.testing.assert_allclose(first, expected, rtol=1e-6)
    # dropout would make two calls differ in train mode; eval mode makes them equal
    np.testing.assert_array_equal(pyfunc.predict(features), pyfunc.predict(features))
    raw = pyfunc.get_raw_model() if hasattr(pyfunc, "get_raw_model") else None
    if raw is not None:
        raw.train()  # even if someone flips it back to training mode
        np.testing.assert_array_equal(pyfunc.predict(features), first)


def test_integer_arrays_stay_integer_for_embedding_models(tmp_path, token_model):
    ids = np.array([[1, 2, 3], [4, 5, 6]])
    weir.pytorch.save_model(token_model, tmp_path / "m")
    with torch.no_grad():
        expected = token_model(torch.from_numpy(ids)).numpy()
    np.testing.assert_allclose(weir.pyfunc.load_model(str(tmp_path / "m")).predict(ids), expected)


def test_torchscript_module_round_trip(tmp_path, regressor, features, expected):
    scripted = torch.jit.script(regressor.eval())
    weir.pytorch.save_model(scripted, tmp_path / "m")
    loaded = weir.pytorch.load_model(str(tmp_path / "m"))
    assert isinstance(loaded, torch.jit.ScriptModule)
    np.testing.assert_allclose(
        weir.pyfunc.load_model(str(tmp_path / "m")).predict(features), expected, rtol=1e-6
    )


def test_signature_and_example_from_input_example(tmp_path, regressor, features):
    weir.pytorch.save_model(regressor, tmp_path / "m", input_example=features[:3])
    model = Model.load(str(tmp_path / "m"))
    spec = model.signature.inputs.to_dict()[0]
    assert spec["tensor-spec"] == {"dtype": "float32", "shape": [-1, 4]}
    assert (tmp_path / "m" / "input_example.json").is_file()
    assert regressor.training  # inference for the signature did not leave it in eval mode


def test_log_model_and_load_from_runs_uri(weir_store, regressor, features, expected):
    with weir.start_run() as run:
        info = weir.pytorch.log_model(regressor, name="net")
    assert info.model_uri == f"runs:/{run.info.run_id}/net"
    loaded = weir.pytorch.load_model(info.model_uri)
    with torch.no_grad():
        np.testing.assert_allclose(loaded(torch.from_numpy(features)).numpy(), expected, rtol=1e-6)


def test_model_class_from_main_script_loads_in_another_process(tmp_path):
    save = textwrap.dedent(
        f"""
        import torch, weir
        class Doubler(torch.nn.Module):
            def forward(self, x):
                return x * 2
        weir.pytorch.save_model(Doubler(), {str(tmp_path / "m")!r})
        """
    )
    subprocess.run([sys.executable, "-c", save], check=True, capture_output=True, timeout=120)
    load = f"import numpy as np, weir; print(weir.pyfunc.load_model({str(tmp_path / 'm')!r}).predict(np.ones((1, 2))))"
    out = subprocess.run([sys.executable, "-c", load], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[[2.", "2.]]"]


def test_code_paths_make_a_user_module_importable_at_load(tmp_path):
    package = tmp_path / "src" / "mynets"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "import torch\nclass Plus1(torch.nn.Module):\n    def forward(self, x):\n        return x + 1\n"
    )
    save = textwrap.dedent(
        f"""
        import sys, weir
        sys.path.insert(0, {str(tmp_path / "src")!r})
        from mynets import Plus1
        weir.pytorch.save_model(Plus1(), {str(tmp_path / "m")!r}, code_paths=[{str(package)!r}])
        """
    )
    subprocess.run([sys.executable, "-c", save], check=True, capture_output=True, timeout=120)
    assert (tmp_path / "m" / "code" / "mynets" / "__init__.py").is_file()
    load = (
        f"import weir, torch; print(weir.pytorch.load_model({str(tmp_path / 'm')!r})(torch.zeros(1)).item())"
    )
    out = subprocess.run(
        [sys.executable, "-c", load], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1.0"


def test_extra_files_are_copied_and_recorded(tmp_path, regressor):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("a\nb\n")
    weir.pytorch.save_model(regressor, tmp_path / "m", extra_files=[str(vocab)])
    assert (tmp_path / "m" / "extra_files" / "vocab.txt").read_text() == "a\nb\n"
    assert Model.load(str(tmp_path / "m")).flavors["pytorch"]["extra_files"] == [
        {"path": "extra_files/vocab.txt"}
    ]


def test_state_dict_round_trip(weir_store, regressor):
    with weir.start_run() as run:
        weir.pytorch.log_state_dict(regressor.state_dict(), artifact_path="weights")
    state = weir.pytorch.load_state_dict(f"runs:/{run.info.run_id}/weights")
    assert state.keys() == regressor.state_dict().keys()
    assert all(torch.equal(state[k], v) for k, v in regressor.state_dict().items())


def test_saving_something_else_than_a_module_is_refused(tmp_path):
    with pytest.raises(WeirException, match="torch.nn.Module.*got dict"):
        weir.pytorch.save_model({"w": 1}, tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_saving_into_a_non_empty_directory_is_refused_and_keeps_its_files(tmp_path, regressor):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "keep.txt").write_text("mine")
    with pytest.raises(WeirException, match="already exists"):
        weir.pytorch.save_model(regressor, tmp_path / "m")
    assert (tmp_path / "m" / "keep.txt").read_text() == "mine"


def test_unpicklable_model_is_a_clear_error_and_leaves_no_directory(tmp_path, regressor):
    import threading

    regressor.lock = threading.Lock()
    with pytest.raises(WeirException, match="Could not pickle TinyRegressor"):
        weir.pytorch.save_model(regressor, tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_unsupported_serialization_format_is_refused(tmp_path, regressor):
    with pytest.raises(WeirException, match="serialization_format"):
        weir.pytorch.save_model(regressor, tmp_path / "m", serialization_format="onnx")


def test_pyfunc_refuses_lists_with_a_clear_error(tmp_path, regressor):
    weir.pytorch.save_model(regressor, tmp_path / "m")
    with pytest.raises(TypeError, match="pandas.DataFrame, numpy.ndarray or torch.Tensor"):
        weir.pyfunc.load_model(str(tmp_path / "m")).predict([[1.0, 2.0, 3.0, 4.0]])
