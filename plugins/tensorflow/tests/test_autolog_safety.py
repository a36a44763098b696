"""Autologging never gets in the way of training: errors, import order, disable, unsupported versions."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import keras
import pytest
import weir


def test_user_exception_passes_through_unchanged_and_the_run_fails(weir_autolog, runs, make_model):
    weir.keras.autolog()
    model = make_model()
    bad_x, bad_y = [[1.0, 2.0, 3.0, 4.0]] * 3, [0, 1]
    with pytest.raises(ValueError) as info:
        model.fit(keras.ops.convert_to_numpy(bad_x), keras.ops.convert_to_numpy(bad_y), epochs=1, verbose=0)
    assert type(info.value) is ValueError
    (run,) = runs()
    assert run.info.status == "FAILED"


def test_an_error_inside_the_training_loop_reaches_the_user(weir_autolog, runs, make_model, data):
    class Boom(RuntimeError):
        pass

    def explode(epoch, logs):
        raise Boom("stop here")

    weir.keras.autolog(log_models=False)
    with pytest.raises(Boom, match="stop here"):
        make_model().fit(
            *data, epochs=2, verbose=0, callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=explode)]
        )
    (run,) = runs()
    assert run.info.status == "FAILED"


def test_a_broken_store_is_a_warning_and_fit_returns_its_history(weir_autolog, monkeypatch, make_model, data):
    from weir.plugins.safety import AutologgingWarning
    from weir.tracking.client import WeirClient

    monkeypatch.delenv("WEIR_AUTOLOG_STRICT", raising=False)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(WeirClient, "log_batch", broken)
    monkeypatch.setattr(WeirClient, "log_text", broken)
    monkeypatch.setattr(WeirClient, "log_artifacts", broken)
    weir.keras.autolog()
    model = make_model()
    with pytest.warns(AutologgingWarning, match="disk full"):
        history = model.fit(*data, epochs=3, verbose=0)
    assert history.epoch == [0, 1, 2] and history.model is model
    assert model.predict(data[0][:2], verbose=0).shape == (2, 2)


def test_a_failing_store_in_strict_mode_raises(weir_autolog, monkeypatch, make_model, data):
    from weir.tracking.client import WeirClient

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(WeirClient, "log_text", broken)
    weir.keras.autolog(log_models=False)
    with pytest.raises(OSError, match="disk full"):
        make_model().fit(*data, epochs=1, verbose=0)


def test_disable_restores_the_original_fit(weir_autolog, assert_unpatched):
    had_own = "fit" in vars(keras.Model)
    original = keras.Model.fit
    weir.keras.autolog()
    assert "fit" in vars(keras.Model) and keras.Model.fit is not original
    weir.keras.autolog(disable=True)
    assert ("fit" in vars(keras.Model)) == had_own
    assert keras.Model.fit is original
    assert_unpatched(keras.Model)


def test_disabled_autolog_logs_nothing(weir_autolog, runs, make_model, data):
    weir.keras.autolog()
    weir.tensorflow.autolog(disable=True)
    make_model().fit(*data, epochs=1, verbose=0)
    assert runs() == []


@pytest.mark.parametrize("order", ["autolog_then_tf_keras", "keras_first"])
def test_import_order_does_not_matter(tmp_path, order):
    """autolog() before the import patches when Keras loads (here through tf.keras); after it, at once."""
    script = textwrap.dedent(
        f"""
        import os
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
        os.environ["WEIR_AUTOLOG_STRICT"] = "1"
        import weir
        weir.set_tracking_uri({(tmp_path / "runs").as_uri()!r})
        order = {order!r}
        if order != "keras_first":
            weir.tensorflow.autolog(log_models=False)
        if order == "autolog_then_tf_keras":
            import tensorflow as tf
            keras = tf.keras
        else:
            import keras
        if order == "keras_first":
            weir.tensorflow.autolog(log_models=False)
        import numpy as np
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(np.ones((8, 2), "float32"), np.ones(8, "float32"), epochs=2, verbose=0)
        (run,) = weir.search_runs(output_format="list")
        print(run.data.tags["mlflow.autologging"], run.data.params["epochs"])
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == ["keras", "2"]


def test_unsupported_version_skips_with_a_warning(weir_autolog, monkeypatch, runs, make_model, data):
    from weir.plugins import versions
    from weir.plugins.safety import AutologgingWarning
    from weir_tensorflow import _autologger

    monkeypatch.delenv("WEIR_AUTOLOG_STRICT", raising=False)
    real = versions.installed_version
    monkeypatch.setattr(
        versions, "installed_version", lambda dist: "2.15.0" if dist == "keras" else real(dist)
    )
    with pytest.warns(AutologgingWarning, match=r"keras >= 3\.3.*2\.15\.0"):
        weir.keras.autolog()
    assert not _autologger().is_instrumented
    make_model().fit(*data, epochs=1, verbose=0)
    assert runs() == []
