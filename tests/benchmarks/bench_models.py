"""Prints how long writing a custom model (MLmodel + env files + pickle) and loading it take."""

import tempfile
import time

import weir.pyfunc
from weir.models.environment import default_requirements, write_environment_files


class Echo(weir.pyfunc.PythonModel):
    def predict(self, model_input, params=None):
        return model_input


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_environment_files(tmp, default_requirements(["cloudpickle"]))
        n = 200
        start = time.perf_counter()
        for _ in range(n):
            write_environment_files(tmp, default_requirements(["cloudpickle"]))
        print(f"env files: {(time.perf_counter() - start) / n * 1000:.2f} ms")
        start = time.perf_counter()
        for i in range(50):
            weir.pyfunc.save_model(f"{tmp}/m{i}", python_model=Echo())
        print(f"pyfunc.save_model: {(time.perf_counter() - start) / 50 * 1000:.2f} ms")
        start = time.perf_counter()
        for i in range(50):
            weir.pyfunc.load_model(f"{tmp}/m{i}")
        print(f"pyfunc.load_model: {(time.perf_counter() - start) / 50 * 1000:.2f} ms")


if __name__ == "__main__":
    main()
