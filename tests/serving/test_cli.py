"""``weir models predict``, ``generate-dockerfile`` and ``build-docker`` from the shell."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner
from serving_support import WeightedSumModel, expected
from weir.cli import cli
from weir.serving.docker import docker_engine_error


@pytest.fixture
def loaded(monkeypatch):
    """Model URIs resolve to the in-process test model (the loader itself is weir.pyfunc's business)."""
    model = WeightedSumModel()
    seen: list[str] = []

    def load(uri):
        seen.append(uri)
        return model

    monkeypatch.setattr("weir.serving.app.load_scoring_model", load)
    return seen


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_predict_scores_a_csv_file_into_an_output_file(loaded, frame, tmp_path):
    source, out = tmp_path / "input.csv", tmp_path / "out.json"
    frame.to_csv(source)
    result = run("models", "predict", "-m", "my/model", "-i", str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text()) == {"predictions": expected(frame)}
    assert loaded == ["my/model"]


@pytest.mark.parametrize(
    "payload",
    [
        lambda f: json.dumps({"dataframe_split": f.to_dict(orient="split"), "params": {"scale": 2}}),
        lambda f: json.dumps({"dataframe_records": f.to_dict(orient="records"), "params": {"scale": 2}}),
    ],
)
def test_predict_scores_json_in_the_server_formats_to_stdout(loaded, frame, tmp_path, payload):
    source = tmp_path / "input.json"
    source.write_text(payload(frame))
    result = run("models", "predict", "-m", "m", "-i", str(source))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"predictions": expected(frame, scale=2)}


def test_predict_content_type_overrides_the_extension(loaded, frame, tmp_path):
    source = tmp_path / "input.txt"
    frame.to_csv(source, index=False)
    result = run("models", "predict", "-m", "m", "-i", str(source), "--content-type", "csv")
    assert json.loads(result.output) == {"predictions": expected(frame)}


def test_predict_with_bad_input_fails_with_the_reason(loaded, tmp_path):
    source = tmp_path / "input.json"
    source.write_text('{"rows": []}')
    with pytest.raises(Exception, match="unknown key"):
        run("models", "predict", "-m", "m", "-i", str(source))


def test_serve_rejects_other_env_managers():
    result = CliRunner().invoke(cli, ["models", "serve", "-m", "m", "--env-manager", "conda"])
    assert result.exit_code == 2
    assert "only 'local'" in result.output or "--env-manager local" in result.output


def test_serve_takes_h_as_the_host_option():
    result = CliRunner().invoke(cli, ["models", "serve", "--help"])
    assert "-h, --host" in result.output
    assert "-p, --port" in result.output


@pytest.fixture
def model_dir(tmp_path):
    path = tmp_path / "model"
    path.mkdir()
    mlmodel = {
        "flavors": {
            "python_function": {
                "loader_module": "mlflow.sklearn",
                "model_path": "model.pkl",
                "python_version": "3.12.4",
            },
            "sklearn": {"pickled_model": "model.pkl", "serialization_format": "cloudpickle"},
        }
    }
    (path / "MLmodel").write_text(yaml.safe_dump(mlmodel))
    (path / "model.pkl").write_bytes(b"pickled")
    (path / "requirements.txt").write_text("mlflow==3.17.2\nscikit-learn==1.9.1\n# comment\nnumpy==2.4.6\n")
    return path


def test_generate_dockerfile_writes_the_build_context(model_dir, tmp_path):
    out = tmp_path / "ctx"
    result = run("models", "generate-dockerfile", "-m", str(model_dir), "-d", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "model_dir" / "MLmodel").read_text() == (model_dir / "MLmodel").read_text()
    assert (out / "model_dir" / "model.pkl").read_bytes() == b"pickled"
    assert (out / "requirements.txt").read_text().splitlines() == [
        "scikit-learn==1.9.1",
        "numpy==2.4.6",
        "weir-sklearn",
    ]
    dockerfile = (out / "Dockerfile").read_text()
    assert dockerfile.startswith("FROM python:3.12-slim\n")
    assert "RUN pip install -r /opt/ml/requirements.txt" in dockerfile
    assert "RUN pip install 'weir[serve]==" in dockerfile
    assert "COPY model_dir/ /opt/ml/model/" in dockerfile
    assert (
        'CMD ["weir", "models", "serve", "-m", "/opt/ml/model", "-h", "0.0.0.0", "-p", "8080"]' in dockerfile
    )


def test_generate_dockerfile_uses_the_given_weir_requirement(model_dir, tmp_path):
    out = tmp_path / "ctx"
    run(
        "models",
        "generate-dockerfile",
        "-m",
        f"file://{model_dir}",
        "-d",
        str(out),
        "--weir-requirement",
        "/src/weir",
    )
    assert "RUN pip install /src/weir\n" in (out / "Dockerfile").read_text()


def test_generate_dockerfile_refuses_a_path_without_a_model(tmp_path):
    with pytest.raises(Exception, match="MLmodel does not exist"):
        run("models", "generate-dockerfile", "-m", str(tmp_path), "-d", str(tmp_path / "ctx"))


@pytest.mark.skipif(docker_engine_error() is None, reason="a Docker engine answers here")
def test_build_docker_without_a_docker_engine_says_so(model_dir):
    with pytest.raises(Exception, match="No Docker engine is available"):
        run("models", "build-docker", "-m", str(model_dir), "-n", "img")
