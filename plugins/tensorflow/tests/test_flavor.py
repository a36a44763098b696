"""The ``keras`` flavor: MLflow's file layout, round trips through native and pyfunc loading."""

from __future__ import annotations

import keras
import numpy as np
import pandas as pd
import pytest
import weir
import yaml
from weir.exceptions import WeirException


def _mlmodel(path) -> dict:
    return yaml.safe_load((path / "MLmodel").read_text())


def test_saved_model_has_mlflows_keras_layout(tmp_path, trained_model):
    weir.keras.save_model(trained_model, tmp_path / "m")
    assert (tmp_path / "m" / "data" / "model.keras").is_file()
    assert (tmp_path / "m" / "data" / "keras_module.txt").read_text() == "keras"
    flavors = _mlmodel(tmp_path / "m")["flavors"]
    assert flavors["keras"]["data"] == "data"
    assert flavors["keras"]["keras_version"] == keras.__version__
    assert flavors["keras"]["keras_backend"] == "tensorflow"
    assert flavors["keras"]["save_exported_model"] is False
    assert flavors["python_function"]["loader_module"] == "mlflow.keras"
    assert "data" not in flavors["python_function"]
    requirements = (tmp_path / "m" / "requirements.txt").read_text().splitlines()
    assert f"keras=={keras.__version__}" in requirements
    assert any(r.startswith(("tensorflow==", "tensorflow-cpu==")) for r in requirements)


def test_round_trip_native_and_pyfunc_on_numpy_and_pandas(tmp_path, trained_model, data):
    x = data[0][:6]
    expected = trained_model.predict(x, verbose=0)
    weir.keras.save_model(trained_model, tmp_path / "m", input_example=x[:2])
    native = weir.keras.load_model(str(tmp_path / "m"))
    assert isinstance(native, keras.Model)
    np.testing.assert_allclose(native.predict(x, verbose=0), expected, rtol=1e-6)
    pyfunc = weir.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(pyfunc.predict(x), expected, rtol=1e-6)
    # with a tensor signature the DataFrame becomes one float32 array first (as in MLflow)
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(4)])
    np.testing.assert_allclose(np.asarray(pyfunc.predict(frame)), expected, rtol=1e-6)
    # the signature was inferred from the example: TensorSpecs with a free batch dimension
    inputs = pyfunc.metadata.signature.inputs.to_dict()
    assert inputs == [{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]


def test_pyfunc_without_signature_takes_pandas_numpy_and_lists(tmp_path, trained_model, data):
    x = data[0][:3]
    expected = trained_model.predict(x, verbose=0)
    weir.keras.save_model(trained_model, tmp_path / "m")
    pyfunc = weir.pyfunc.load_model(str(tmp_path / "m"))
    assert pyfunc.metadata.signature is None
    predicted = pyfunc.predict(pd.DataFrame(x, index=[7, 8, 9]))
    assert isinstance(predicted, pd.DataFrame) and list(predicted.index) == [7, 8, 9]
    np.testing.assert_allclose(predicted.to_numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(pyfunc.predict(x), expected, rtol=1e-6)
    np.testing.assert_allclose(pyfunc.predict(x.tolist()), expected, rtol=1e-6)
    with pytest.raises(WeirException, match="numpy array, pandas DataFrame"):
        pyfunc.predict("not data")


def test_log_model_and_load_from_the_run(weir_store, trained_model, data):
    with weir.start_run() as run:
        info = weir.keras.log_model(trained_model, name="nn")
    assert info.model_uri == f"runs:/{run.info.run_id}/nn"
    loaded = weir.keras.load_model(info.model_uri)
    np.testing.assert_allclose(
        loaded.predict(data[0][:4], verbose=0), trained_model.predict(data[0][:4], verbose=0), rtol=1e-6
    )


def test_multi_input_model_round_trips_with_named_tensors(tmp_path, data):
    left, right = keras.Input((2,), name="left"), keras.Input((2,), name="right")
    output = keras.layers.Dense(1)(keras.layers.Concatenate()([left, right]))
    model = keras.Model([left, right], output)
    model.compile(optimizer="sgd", loss="mse")
    from weir_tensorflow._signature import model_signature

    signature = model_signature(model)
    assert signature.inputs.input_names() == ["left", "right"]
    weir.keras.save_model(model, tmp_path / "m", signature=signature)
    inputs = {"left": data[0][:3, :2], "right": data[0][:3, 2:]}
    pyfunc = weir.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(pyfunc.predict(inputs), model.predict(inputs, verbose=0), rtol=1e-6)


def test_exported_model_serves_through_pyfunc(tmp_path, trained_model, data):
    from weir_tensorflow._signature import model_signature

    weir.keras.save_model(
        trained_model, tmp_path / "m", save_exported_model=True, signature=model_signature(trained_model)
    )
    assert _mlmodel(tmp_path / "m")["flavors"]["keras"]["save_exported_model"] is True
    assert (tmp_path / "m" / "data" / "model" / "saved_model.pb").is_file()
    pyfunc = weir.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(
        pyfunc.predict(data[0][:3]), trained_model.predict(data[0][:3], verbose=0), rtol=1e-5
    )


def test_signatures_must_be_batch_first_tensor_specs(tmp_path, trained_model, data):
    from weir.models import infer_signature

    frame = pd.DataFrame(data[0][:3], columns=list("abcd"))
    with pytest.raises(WeirException, match="must be TensorSpecs"):
        weir.keras.save_model(trained_model, tmp_path / "a", signature=infer_signature(frame))
    with pytest.raises(WeirException, match="first dimension"):
        weir.keras.save_model(
            trained_model,
            tmp_path / "b",
            signature=weir.models.ModelSignature.from_dict(
                {"inputs": '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [3, 4]}}]'}
            ),
        )
    with pytest.raises(WeirException, match="needs a signature"):
        weir.keras.save_model(trained_model, tmp_path / "c", save_exported_model=True)
    assert not (tmp_path / "a").exists() and not (tmp_path / "c").exists()


def test_bad_models_and_paths_are_refused_and_nothing_is_overwritten(tmp_path, trained_model):
    with pytest.raises(WeirException, match=r"saves keras\.Model instances"):
        weir.keras.save_model(object(), tmp_path / "m")
    existing = tmp_path / "taken"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine")
    with pytest.raises(WeirException, match="already exists"):
        weir.keras.save_model(trained_model, existing)
    assert (existing / "keep.txt").read_text() == "mine"


def test_loading_a_model_without_a_keras_flavor_names_the_problem(tmp_path):
    from weir.models import Model

    (tmp_path / "m").mkdir()
    Model(flavors={"python_function": {"loader_module": "mlflow.keras"}}).save(
        str(tmp_path / "m" / "MLmodel")
    )
    with pytest.raises(WeirException, match="neither a 'keras' nor a 'tensorflow' flavor"):
        weir.keras.load_model(str(tmp_path / "m"))


def _write_tensorflow_flavor(model_dir, model, extension: str, save_format: str) -> None:
    """A directory laid out the way mlflow.tensorflow.save_model writes a Keras model."""
    from weir.models import Model

    data = model_dir / "data"
    data.mkdir(parents=True)
    (data / "keras_module.txt").write_text("tensorflow.keras")
    (data / "save_format.txt").write_text(save_format)
    model.save(str(data / f"model{extension}"))
    mlmodel = Model()
    mlmodel.add_flavor("python_function", loader_module="mlflow.tensorflow", data="data")
    mlmodel.add_flavor(
        "tensorflow",
        data="data",
        model_type="keras",
        keras_version="2.21.0",
        save_format=save_format,
        code=None,
    )
    mlmodel.save(str(model_dir / "MLmodel"))


@pytest.mark.parametrize(("extension", "save_format"), [(".keras", "tf"), (".h5", "h5")])
def test_mlflow_tensorflow_flavor_keras_models_load(tmp_path, trained_model, data, extension, save_format):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras calls .h5 "legacy"
        _write_tensorflow_flavor(tmp_path / "m", trained_model, extension, save_format)
    expected = trained_model.predict(data[0][:3], verbose=0)
    native = weir.tensorflow.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(native.predict(data[0][:3], verbose=0), expected, rtol=1e-6)
    pyfunc = weir.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(pyfunc.predict(pd.DataFrame(data[0][:3])).to_numpy(), expected, rtol=1e-6)
