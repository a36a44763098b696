"""weir-lightgbm benchmark: autolog overhead per boosting iteration, MLflow 3.17 side by side.

    .venv/bin/python tests/benchmarks/bench_lightgbm.py [--repeat 5]

Target: the per-iteration callback adds <= 50 us per iteration. See _boosting_bench.py for the method.
"""

from __future__ import annotations

import sys

from _boosting_bench import main

if __name__ == "__main__":
    main("lightgbm", sys.argv[1:])
