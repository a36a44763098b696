"""Train a small Keras classifier with weir autologging, then load the logged model back.

    python examples/tensorflow/train.py [--tracking-uri file:///tmp/weirruns] [--epochs 10]

``weir.autolog()`` is all it takes: every ``model.fit`` is logged (params, optimizer settings,
per-epoch loss/accuracy and their validation counterparts, the model summary, early stopping,
and the model itself). The script then loads the model through pyfunc and checks that it
predicts exactly what the trained model predicts.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import weir  # noqa: E402


def make_data(rows: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half-moons with noise: a small problem a linear model cannot solve."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, np.pi, rows)
    label = rng.integers(0, 2, rows)
    x = np.where(
        label[:, None] == 0,
        np.c_[np.cos(angle), np.sin(angle)],
        np.c_[1 - np.cos(angle), 0.5 - np.sin(angle)],
    )
    x = x + rng.normal(scale=0.1, size=x.shape)
    return x.astype("float32"), label.astype("int64")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tracking-uri", default=None, help="where to log (default: ./weirruns)")
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    if args.tracking_uri:
        weir.set_tracking_uri(args.tracking_uri)

    weir.autolog()  # turns on the Keras integration (and every other installed one)

    import keras

    x, y = make_data()
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    model.fit(x, y, epochs=args.epochs, batch_size=32, validation_split=0.2, callbacks=[stop], verbose=0)

    run = weir.last_active_run()
    print(f"run {run.info.run_id} ({run.info.status})")
    print("params:", {k: run.data.params[k] for k in ("epochs", "batch_size", "optimizer_name", "loss")})
    print("metrics:", {k: round(v, 4) for k, v in sorted(run.data.metrics.items())})
    history = weir.MlflowClient().get_metric_history(run.info.run_id, "val_loss")
    print("val_loss per epoch:", [round(m.value, 4) for m in sorted(history, key=lambda m: m.step)])

    loaded = weir.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
    expected = model.predict(x[:10], verbose=0)
    np.testing.assert_allclose(loaded.predict(x[:10]), expected, rtol=1e-6)
    print("pyfunc model predicts the same probabilities as the trained model: OK")


if __name__ == "__main__":
    main()
