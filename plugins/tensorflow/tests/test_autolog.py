"""What ``weir.keras.autolog()`` / ``weir.tensorflow.autolog()`` records, for every kind of training data."""

from __future__ import annotations

import re
from pathlib import Path

import keras
import numpy as np
import pytest
import weir


def _history(weir_client, run_id: str, key: str) -> list[tuple[int, float]]:
    return [
        (m.step, m.value) for m in sorted(weir_client.get_metric_history(run_id, key), key=lambda m: m.step)
    ]


def test_autolog_logs_params_epoch_metrics_summary_and_model(
    weir_autolog, weir_client, run_data, make_model, data
):
    x, y = data
    weir.keras.autolog()
    model = make_model(optimizer=keras.optimizers.Adam(learning_rate=0.01))
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0)
    (run,) = weir_client.search_runs(experiment_ids=["0"])
    logged = run_data(run.info.run_id)
    assert logged.status == "FINISHED" and logged.tags["mlflow.autologging"] == "keras"
    assert logged.params["epochs"] == "3" and logged.params["batch_size"] == "16"
    assert logged.params["validation_split"] == "0.25" and logged.params["shuffle"] == "True"
    # Keras names optimizers uniquely per process (adam, adam_1...); MLflow logs that name too
    assert re.fullmatch(r"adam(_\d+)?", logged.params["optimizer_name"])
    assert float(logged.params["optimizer_learning_rate"]) == pytest.approx(0.01)
    assert logged.params["loss"] == "sparse_categorical_crossentropy"
    assert not {"x", "y", "callbacks", "validation_data", "verbose"} & set(logged.params)
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        steps = _history(weir_client, run.info.run_id, key)
        assert [s for s, _ in steps] == [0, 1, 2], key
        np.testing.assert_allclose([v for _, v in steps], history.history[key], rtol=1e-6)
    assert logged.metrics["validation_loss"] == pytest.approx(history.history["val_loss"][-1])
    assert "model_summary.txt" in logged.artifacts and "model/data/model.keras" in logged.artifacts
    summary = weir_client.download_artifacts(run.info.run_id, "model_summary.txt")
    assert "Dense" in Path(summary).read_text(encoding="utf-8")
    loaded = weir.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
    np.testing.assert_allclose(loaded.predict(x[:5]), model.predict(x[:5], verbose=0), rtol=1e-5)
    signature = loaded.metadata.signature
    assert signature.inputs.to_dict() == [
        {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}
    ]


def test_mlflow_tensorflow_autolog_is_the_same_integration(weir_autolog, runs, make_model, data):
    import weir as mlflow

    assert mlflow.tensorflow is mlflow.keras
    mlflow.tensorflow.autolog(log_models=False)
    make_model().fit(*data, epochs=1, verbose=0)
    (run,) = runs()
    assert run.data.params["epochs"] == "1" and "loss" in run.data.metrics


def test_tf_keras_models_are_autologged(weir_autolog, runs, data):
    import tensorflow as tf

    weir.autolog(log_models=False)
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1)])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.05), loss="mse")
    model.fit(data[0], data[1].astype("float32"), epochs=2, verbose=0)
    (run,) = runs()
    assert run.data.tags["mlflow.autologging"] == "keras"
    assert re.fullmatch(r"sgd(_\d+)?", run.data.params["optimizer_name"], re.IGNORECASE)
    assert run.data.params["loss"] == "mse" and "loss" in run.data.metrics


def test_user_run_is_reused_and_not_tagged(weir_autolog, run_data, make_model, data):
    weir.keras.autolog(log_models=False)
    with weir.start_run() as run:
        make_model().fit(*data, epochs=1, verbose=0)
        assert weir.active_run().info.run_id == run.info.run_id
    logged = run_data(run.info.run_id)
    assert "mlflow.autologging" not in logged.tags and logged.params["epochs"] == "1"


def test_log_every_n_steps_logs_batch_metrics_at_the_global_step(
    weir_autolog, weir_client, runs, make_model, data
):
    weir.keras.autolog(log_every_epoch=False, log_every_n_steps=2, log_models=False)
    make_model().fit(*data, epochs=2, batch_size=16, verbose=0)  # 5 steps per epoch, 10 in all
    (run,) = runs()
    assert [s for s, _ in _history(weir_client, run.info.run_id, "loss")] == [2, 4, 6, 8, 10]


def test_step_metrics_follow_steps_per_execution(weir_autolog, weir_client, make_model, data):
    weir.keras.autolog(log_every_epoch=False, log_every_n_steps=3, log_models=False)
    model = make_model(steps_per_execution=2)
    with weir.start_run() as run:
        model.fit(*data, epochs=1, batch_size=10, verbose=0)  # 8 steps, run 2 at a time
    steps = [s for s, _ in _history(weir_client, run.info.run_id, "loss")]
    assert steps == [4, 6]  # the optimizer reaches steps 2, 4, 6, 8: logged at the first past 3, and at 6


def test_early_stopping_logs_its_params_and_the_restored_epoch(
    weir_autolog, weir_client, runs, make_model, data
):
    x, y = data
    weir.keras.autolog(log_models=False)
    stopper = keras.callbacks.EarlyStopping(
        monitor="loss", patience=1, min_delta=10.0, restore_best_weights=True
    )
    history = make_model().fit(x, y, epochs=10, callbacks=[stopper], verbose=0)
    (run,) = runs()
    params = run.data.params
    assert params["monitor"] == "loss" and params["patience"] == "1" and params["min_delta"] == "10.0"
    assert params["restore_best_weights"] == "True" and params["baseline"] == "None"
    assert len(history.epoch) == 2  # no epoch improves by 10: stopped after the patience of one
    metrics = run.data.metrics
    assert metrics["stopped_epoch"] == 1 and metrics["restored_epoch"] == 0
    restored = _history(weir_client, run.info.run_id, "loss")
    assert restored[-1] == (2, pytest.approx(history.history["loss"][0]))


def test_fit_on_a_tf_data_dataset_reads_its_batch_size(weir_autolog, runs, make_model, data):
    import tensorflow as tf

    weir.keras.autolog(log_input_examples=True)
    dataset = tf.data.Dataset.from_tensor_slices(data).batch(20).prefetch(1)
    make_model().fit(dataset, epochs=2, verbose=0)
    (run,) = runs()
    assert run.data.params["batch_size"] == "20" and run.data.metrics["loss"] > 0
    example = weir.models.Model.load(_model_dir(run)).load_input_example()
    np.testing.assert_allclose(np.asarray(example), data[0][:5])


def _model_dir(run) -> str:
    return weir.MlflowClient().download_artifacts(run.info.run_id, "model")


def test_a_python_generator_is_consumed_once(weir_autolog, runs, make_model, data):
    x, y = data
    served = []

    def batches():
        for start in range(0, len(x), 10):
            served.append(start)
            yield x[start : start + 10], y[start : start + 10]

    weir.keras.autolog(log_input_examples=True)
    make_model().fit(batches(), epochs=1, verbose=0)
    assert served == list(range(0, len(x), 10))  # every batch drawn exactly once
    (run,) = runs()
    assert run.data.params["batch_size"] == "10"
    example = weir.models.Model.load(_model_dir(run)).load_input_example()
    np.testing.assert_allclose(np.asarray(example), x[:5])


def test_keras_py_dataset_batches_are_read_without_changing_training(weir_autolog, runs, make_model, data):
    x, y = data

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return 4

        def __getitem__(self, index):
            return x[index * 20 : (index + 1) * 20], y[index * 20 : (index + 1) * 20]

    weir.keras.autolog(log_models=False)
    make_model().fit(Batches(), epochs=1, verbose=0)
    (run,) = runs()
    assert run.data.params["batch_size"] == "20"


def test_numpy_fit_without_batch_size_logs_keras_default(weir_autolog, runs, make_model, data):
    weir.keras.autolog(log_models=False)
    make_model().fit(*data, epochs=1, verbose=0)
    (run,) = runs()
    assert run.data.params["batch_size"] == "32"


def test_positional_fit_arguments_are_logged_and_callbacks_kept(weir_autolog, runs, make_model, data):
    seen = []
    marker = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    weir.keras.autolog(log_models=False)
    # x, y, batch_size, epochs, verbose, callbacks: all positional
    make_model().fit(data[0], data[1], 40, 2, 0, [marker])
    (run,) = runs()
    assert run.data.params["batch_size"] == "40" and run.data.params["epochs"] == "2"
    assert seen == [0, 1]


def test_log_models_false_logs_no_model_and_input_example_only_on_request(
    weir_autolog, run_data, runs, make_model, data
):
    weir.keras.autolog(log_models=False)
    make_model().fit(*data, epochs=1, verbose=0)
    weir.keras.autolog()
    make_model().fit(*data, epochs=1, verbose=0)
    without, with_model = sorted(runs(), key=lambda r: r.info.start_time)
    assert not any(a.startswith("model/") for a in run_data(without.info.run_id).artifacts)
    artifacts = run_data(with_model.info.run_id).artifacts
    assert "model/MLmodel" in artifacts and "model/input_example.json" not in artifacts


def test_exclusive_does_not_log_into_a_user_run(weir_autolog, run_data, make_model, data):
    weir.keras.autolog(exclusive=True)
    with weir.start_run() as run:
        make_model().fit(*data, epochs=1, verbose=0)
    assert run_data(run.info.run_id).params == {}


def test_weir_autolog_turns_it_on_and_exclude_flavors_knows_both_names(weir_autolog, runs, make_model, data):
    weir.autolog(exclude_flavors=["tensorflow"])
    make_model().fit(*data, epochs=1, verbose=0)
    assert runs() == []
    weir.autolog(log_models=False)
    make_model().fit(*data, epochs=1, verbose=0)
    assert len(runs()) == 1


def test_manual_callback_logs_without_autolog(weir_store, run_data, make_model, data):
    with weir.start_run() as run:
        make_model().fit(*data, epochs=2, verbose=0, callbacks=[weir.keras.MlflowCallback()])
    logged = run_data(run.info.run_id)
    assert re.fullmatch(r"adam(_\d+)?", logged.params["optimizer_name"]) and "loss" in logged.metrics
    assert "model_summary.txt" in logged.artifacts


def test_an_explicit_callback_with_autolog_warns_and_training_goes_on(
    weir_autolog, monkeypatch, make_model, data
):
    from weir.plugins.safety import AutologgingWarning

    monkeypatch.delenv("WEIR_AUTOLOG_STRICT", raising=False)
    weir.keras.autolog(log_models=False)
    with weir.start_run(), pytest.warns(AutologgingWarning, match="autologging must be off"):
        history = make_model().fit(*data, epochs=1, verbose=0, callbacks=[weir.keras.WeirCallback()])
    assert len(history.epoch) == 1


def test_bad_flags_are_rejected_clearly(weir_autolog):
    from weir.exceptions import WeirException

    with pytest.raises(WeirException, match="log_every_n_steps must be None if log_every_epoch=True"):
        weir.keras.autolog(log_every_n_steps=5)
    with pytest.raises(WeirException, match="positive int"):
        weir.keras.autolog(log_every_epoch=False, log_every_n_steps=0)
    with pytest.raises(TypeError):
        weir.keras.autolog(checkpoint_every=3)
