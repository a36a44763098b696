"""Overhead of weir's autolog machinery around a trivial fit (prints figures; no asserts).

.venv/bin/python tests/benchmarks/bench_autolog_machinery.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import types

os.environ["WEIR_LOAD_PLUGINS"] = ""


def per_call(function, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) / repeat * 1e6


def main() -> None:
    import weir
    from weir.plugins.autolog import Autologger, configure_autolog
    from weir.plugins.calls import autologging_disabled

    framework = types.ModuleType("benchfw")

    class Model:
        def fit(self, x):
            return self

    class Outer:
        def fit(self, x):
            for _ in range(10):
                Model().fit(x)
            return self

    framework.Model, framework.Outer = Model, Outer
    sys.modules["benchfw"] = framework

    def log_fit(call):
        yield

    class BenchAutologger(Autologger):
        name = "benchfw"
        module = "benchfw"

        def _patch(self, module, config, patches):
            patches.wrap(module.Model, "fit", log_fit)
            patches.wrap(module.Outer, "fit", log_fit)

    weir.set_tracking_uri(tempfile.mkdtemp(prefix="weir-bench-"))
    model = Model()
    plain = per_call(lambda: model.fit(1), 200_000)
    configure_autolog(BenchAutologger())
    with weir.start_run():
        in_user_run = per_call(lambda: model.fit(1), 20_000)
    with autologging_disabled():
        disabled = per_call(lambda: model.fit(1), 100_000)
    managed = per_call(lambda: model.fit(1), 200)
    nested = per_call(lambda: Outer().fit(1), 200)
    print(f"plain fit call:                         {plain:8.2f} us")
    print(f"patched, autologging_disabled():        {disabled:8.2f} us")
    print(f"patched, logging into a user run:       {in_user_run:8.2f} us  (wrapper does nothing)")
    print(f"patched, managed run (start+end, file): {managed:8.2f} us")
    print(f"outer fit + 10 suppressed nested fits:  {nested:8.2f} us")

    code = (
        "import time; t=time.perf_counter(); import weir; weir.autolog(); print((time.perf_counter()-t)*1000)"
    )
    env = {**os.environ, "WEIR_LOAD_PLUGINS": ""}
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env).stdout)
        for _ in range(5)
    ]
    print(f"import weir + weir.autolog() (no plugins): {min(runs):.1f} ms (best of 5)")


if __name__ == "__main__":
    main()
