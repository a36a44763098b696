"""Behaviour that depends on a fresh interpreter: import order, laziness, no framework imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from .conftest import make_distribution

FRAMEWORK = """
class Model:
    def fit(self, x):
        self.fitted_ = x
        return self
"""

PLUGIN = """
import weir
from weir.plugins import hookimpl
from weir.plugins.autolog import Autologger


def _log_fit(call):
    yield
    weir.log_param("fitted", call.instance.fitted_)


class OrderAutologger(Autologger):
    name = "orderfw"
    module = "orderfw"

    def _patch(self, module, config, patches):
        patches.wrap(module.Model, "fit", _log_fit)


class BrokenAutologger(Autologger):
    name = "brokenfw"
    module = "brokenfw"

    def _patch(self, module, config, patches):
        raise RuntimeError("patching bug")


@hookimpl
def register_autologgers(register):
    register(OrderAutologger())
    register(BrokenAutologger())
"""


@pytest.fixture
def site(site_dir):
    make_distribution(
        site_dir,
        "weir-orderplug",
        "1.0",
        {"orderplug": "orderplug_mod"},
        {"orderplug_mod": PLUGIN, "orderfw": FRAMEWORK, "brokenfw": "VALUE = 42\n"},
    )
    return site_dir


def run_python(code: str, site, tmp_path, **env: str) -> dict:
    environment = {
        **os.environ,
        "PYTHONPATH": str(site),
        "WEIR_TRACKING_URI": (tmp_path / "runs").as_uri(),
        **env,
    }
    environment.pop("WEIR_AUTOLOG_STRICT", None)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


CHECK_LOGGED = """
    model = orderfw.Model().fit("data")
    run = weir.last_active_run()
    print(json.dumps({"params": dict(run.data.params), "tag": run.data.tags.get("mlflow.autologging")}))
"""


@pytest.mark.parametrize("autolog_first", [True, False], ids=["autolog-then-import", "import-then-autolog"])
def test_autolog_works_whatever_the_import_order(autolog_first, site, tmp_path):
    steps = ["import weir", "weir.autolog()", "import orderfw"]
    if not autolog_first:
        steps = ["import orderfw", "import weir", "weir.autolog()"]
    code = "import json\n" + "\n".join(steps) + textwrap.dedent(CHECK_LOGGED)
    out = run_python(code, site, tmp_path, WEIR_LOAD_PLUGINS="orderplug")
    assert out == {"params": {"fitted": "data"}, "tag": "orderfw"}


def test_a_failing_post_import_hook_never_breaks_the_users_import(site, tmp_path):
    code = """
    import json, warnings
    import weir
    weir.autolog()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import brokenfw
    print(json.dumps({"value": brokenfw.VALUE, "warnings": [str(w.message) for w in caught]}))
    """
    out = run_python(code, site, tmp_path, WEIR_LOAD_PLUGINS="orderplug")
    assert out["value"] == 42
    assert any("brokenfw" in w and "patching bug" in w for w in out["warnings"])


FRAMEWORK_MODULES = [
    "sklearn",
    "numpy",
    "pandas",
    "scipy",
    "torch",
    "tensorflow",
    "keras",
    "xgboost",
    "lightgbm",
]


def test_import_weir_and_autolog_import_no_framework(site, tmp_path):
    code = f"""
    import json, sys
    import weir
    lazy = {{"pluggy": "pluggy" in sys.modules, "manager": "weir.plugins.manager" in sys.modules}}
    weir.autolog()
    imported = [m for m in {FRAMEWORK_MODULES + ["orderfw", "brokenfw"]!r} if m in sys.modules]
    print(json.dumps({{"lazy": lazy, "imported": imported}}))
    """
    os.environ.pop("WEIR_LOAD_PLUGINS", None)  # monkeypatched by conftest; load every installed plugin
    out = run_python(code, site, tmp_path)
    assert out["lazy"] == {"pluggy": False, "manager": False}
    assert out["imported"] == []
