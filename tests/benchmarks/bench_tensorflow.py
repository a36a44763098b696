"""weir-tensorflow benchmark: autolog overhead on a 10-epoch fit of a small MLP, and model-save cost.

    .venv/bin/python tests/benchmarks/bench_tensorflow.py [--repeat 7] [--epochs 10]

Prints medians in ms over interleaved pairs (plain fit, then autologged fit, each on a fresh
model with its train function already traced, so graph building is not counted):

- ``plain fit``: ``model.fit`` without autologging;
- ``autologged fit (no model)``: with ``weir.keras.autolog(log_models=False)``: run creation,
  params, optimizer params, ``model_summary.txt``, per-epoch metrics, end of run;
- ``overhead``: the difference, also as a percentage of the plain fit. Target: <= 3 %;
- ``model save``: what ``log_models=True`` adds after training (``log_model`` of the ``.keras``
  file, environment files and signature), measured separately.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

TARGET_PERCENT = 3.0
ROWS, FEATURES = 2000, 20


def _data():
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(ROWS, FEATURES)).astype("float32")
    y = (x[:, :3].sum(axis=1) > 0).astype("int64")
    return x, y


def _model():
    import keras

    model = keras.Sequential(
        [
            keras.Input((FEATURES,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _timed_fit(model, x, y, epochs: int) -> tuple[float, float]:
    """(wall ms, process CPU ms): CPU time is steadier when other work shares the machine."""
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(x, y, epochs=epochs, batch_size=64, validation_split=0.1, verbose=0)
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    import keras
    import weir

    tmp = tempfile.mkdtemp(prefix="bench-tensorflow-")
    weir.set_tracking_uri(f"file://{tmp}/runs")
    x, y = _data()

    def fresh():
        model = _model()
        model.fit(x[:64], y[:64], epochs=1, batch_size=64, verbose=0)  # trace the train function
        model.evaluate(x[:64], y[:64], verbose=0)  # and the validation one
        return model

    plain, logged = [], []
    weir.keras.autolog(log_models=False)
    weir.keras.autolog(disable=True)
    for i in range(args.repeat + 1):
        model = fresh()
        plain_ms = _timed_fit(model, x, y, args.epochs)
        model = fresh()
        weir.keras.autolog(log_models=False)
        logged_ms = _timed_fit(model, x, y, args.epochs)
        weir.keras.autolog(disable=True)
        if i:  # the first pair warms up weir's store and imports
            plain.append(plain_ms)
            logged.append(logged_ms)

    saves = []
    model = fresh()
    with weir.start_run():
        for i in range(args.repeat + 1):
            start = time.perf_counter()
            weir.keras.log_model(model, name=f"model-{i}")
            if i:
                saves.append((time.perf_counter() - start) * 1000)

    print(f"keras {keras.__version__}, {args.epochs} epochs, {ROWS} rows x {FEATURES} features, batch 64")
    for label, index in (("wall", 0), ("cpu", 1)):
        base = [p[index] for p in plain]
        with_log = [p[index] for p in logged]
        overhead = statistics.median(b - a for a, b in zip(base, with_log, strict=True))
        percent = 100 * overhead / statistics.median(base)
        verdict = "OK" if percent <= TARGET_PERCENT else "OVER TARGET"
        print(f"[{label}] plain fit                  {statistics.median(base):8.1f} ms")
        print(f"[{label}] autologged fit (no model)  {statistics.median(with_log):8.1f} ms")
        print(
            f"[{label}] overhead                   {overhead:8.1f} ms  ({percent:.2f} %, target <= {TARGET_PERCENT} %: {verdict})"
        )
    print(f"model save (log_model, wall)     {statistics.median(saves):8.1f} ms")


if __name__ == "__main__":
    main()
