"""The example plugin, tested the way docs/plugins/testing-plugins.md describes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import weir
import weir_example_flavor
from click.testing import CliRunner
from weir_example_flavor.package import SUPPORTED

X = [0.0, 1.0, 2.0, 3.0, 4.0]
Y = [1.0, 2.0, 5.0, 10.0, 17.0]  # 1 + x²


@pytest.fixture
def tinypoly():
    import tinypoly

    return tinypoly


def test_plugin_is_installed():
    from weir.plugins.info import plugin_report

    entry = next(p for p in plugin_report() if p["name"] == "polynomial")
    assert entry["distribution"] == "weir-example-flavor"
    assert entry["flavors"] == ["polynomial"]
    assert entry["autologgers"][0]["in_range"] is True
    assert weir.polynomial is weir_example_flavor


def test_package_ranges_match_the_frameworks_extra():
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    extra = pyproject["project"]["optional-dependencies"]["frameworks"]
    assert [r.replace(" ", "") for r in extra] == [r.replace(" ", "") for r in SUPPORTED]


def test_autolog_logs_params_metrics_model(weir_autolog, tinypoly, run_data):
    weir.polynomial.autolog()
    model = tinypoly.PolynomialRegressor(degree=2).fit(X, Y)

    run = run_data(weir.last_active_run().info.run_id)
    assert run.status == "FINISHED"
    assert run.params == {"degree": "2", "n_points": "5"}
    assert run.metrics["training_mse"] == pytest.approx(0.0, abs=1e-9)
    assert run.tags["mlflow.autologging"] == "polynomial"
    assert "model/MLmodel" in run.artifacts
    loaded = weir.pyfunc.load_model(f"runs:/{run.run_id}/model")
    assert loaded.predict([5.0]) == pytest.approx(model.predict([5.0]))


def test_global_autolog_enables_the_plugin(weir_autolog, tinypoly, run_data):
    weir.autolog(log_models=False)
    tinypoly.PolynomialRegressor(degree=1).fit(X, Y)
    run = run_data(weir.last_active_run().info.run_id)
    assert run.params["degree"] == "1"
    assert not any(path.startswith("model/") for path in run.artifacts)


def test_user_exception_passes_through(weir_autolog, tinypoly, run_data):
    weir.polynomial.autolog()
    with pytest.raises(ValueError, match="needs more than 2 points"):
        tinypoly.PolynomialRegressor(degree=2).fit([1.0, 2.0], [1.0, 2.0])
    assert run_data(weir.last_active_run().info.run_id).status == "FAILED"


def test_autolog_error_is_warning(weir_store, tinypoly, monkeypatch):
    from weir.plugins.safety import AutologgingWarning

    weir.polynomial.autolog()
    try:
        monkeypatch.setattr(
            tinypoly.PolynomialRegressor, "mean_squared_error", None
        )  # breaks our logging only
        with pytest.warns(AutologgingWarning, match="polynomial"):
            model = tinypoly.PolynomialRegressor(degree=2).fit(X, Y)
        assert model.predict([2.0]) == pytest.approx([5.0])
    finally:
        weir.polynomial.autolog(disable=True)


def test_disable_restores_originals(weir_autolog, tinypoly, assert_unpatched):
    original = tinypoly.PolynomialRegressor.__dict__["fit"]
    weir.polynomial.autolog()
    assert tinypoly.PolynomialRegressor.__dict__["fit"] is not original
    weir.polynomial.autolog(disable=True)
    assert tinypoly.PolynomialRegressor.__dict__["fit"] is original
    assert_unpatched(tinypoly.PolynomialRegressor)


@pytest.mark.parametrize("autolog_first", [True, False])
def test_import_order(autolog_first, tmp_path):
    steps = ["import weir", "weir.polynomial.autolog()", "import tinypoly"]
    if not autolog_first:
        steps = ["import tinypoly", *steps[:2]]
    code = "\n".join(
        [
            *steps,
            "tinypoly.PolynomialRegressor(degree=1).fit([0, 1, 2], [1, 3, 5])",
            "import json; print(json.dumps(weir.last_active_run().data.params))",
        ]
    )
    env = {"WEIR_TRACKING_URI": (tmp_path / "runs").as_uri(), "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"degree": "1", "n_points": "3"}


def test_flavor_round_trip(tmp_path, tinypoly):
    model = tinypoly.PolynomialRegressor(degree=2).fit(X, Y)
    weir.polynomial.save_model(model, tmp_path / "m")
    assert weir.polynomial.load_model(str(tmp_path / "m")).coefficients == pytest.approx(model.coefficients)
    pyfunc_model = weir.pyfunc.load_model(str(tmp_path / "m"))
    assert pyfunc_model.predict([3.0]) == pytest.approx([10.0])


def test_cli_command(tmp_path, tinypoly):
    from weir.cli import cli

    weir.polynomial.save_model(tinypoly.PolynomialRegressor(degree=1).fit(X, X), tmp_path / "m")
    result = CliRunner().invoke(cli, ["polynomial-info", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("degree 1:")
