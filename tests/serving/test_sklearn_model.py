"""End to end with a real scikit-learn model saved by weir.sklearn: the seed's requests, the CLI, and
one real ``weir models serve`` process."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

pytest.importorskip("weir_sklearn")
pd = pytest.importorskip("pandas")

from click.testing import CliRunner  # noqa: E402
from serving_support import make_test_client  # noqa: E402
from weir.cli import cli  # noqa: E402


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """LogisticRegression on breast cancer, saved like the seed does (signature + input example)."""
    import weir.sklearn
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from weir.models import infer_signature

    data = load_breast_cancer()
    frame = pd.DataFrame(data.data, columns=data.feature_names)
    estimator = LogisticRegression(max_iter=5000).fit(frame, data.target)
    path = tmp_path_factory.mktemp("served") / "model"
    signature = infer_signature(frame, estimator.predict(frame))
    weir.sklearn.save_model(estimator, str(path), signature=signature, input_example=frame.iloc[:2])
    x_test = frame.iloc[100:105]
    return str(path), x_test, estimator.predict(x_test).tolist()


@pytest.fixture(scope="module")
def client(saved):
    from weir.serving.app import build_app

    with make_test_client(build_app(saved[0])) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("payload", "content_type"),
    [
        (lambda x: x.to_json(orient="records"), "application/json"),
        (lambda x: x.to_json(orient="split"), "application/json"),
        (lambda x: x.to_csv(), "text/csv"),
        (lambda x: json.dumps({"dataframe_split": x.to_dict(orient="split")}), "application/json"),
        (lambda x: json.dumps({"dataframe_records": x.to_dict(orient="records")}), "application/json"),
    ],
    ids=["seed-records", "seed-split", "seed-csv", "dataframe_split", "dataframe_records"],
)
def test_the_seeds_requests_get_the_estimators_predictions(client, saved, payload, content_type):
    _, x_test, expected = saved
    response = client.post("/invocations", content=payload(x_test), headers={"Content-Type": content_type})
    assert response.status_code == 200, response.text
    assert response.json() == {"predictions": expected}


def test_a_missing_feature_is_a_400_naming_it_and_the_next_request_works(client, saved):
    _, x_test, expected = saved
    bad = x_test.drop(columns=["mean radius"]).to_json(orient="split")
    response = client.post("/invocations", content=bad, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "mean radius" in response.json()["message"]
    good = client.post(
        "/invocations", content=x_test.to_json(orient="split"), headers={"Content-Type": "application/json"}
    )
    assert good.json() == {"predictions": expected}


def test_models_predict_scores_csv_and_json_files(saved, tmp_path):
    path, x_test, expected = saved
    x_test.to_csv(tmp_path / "in.csv")
    (tmp_path / "in.json").write_text(json.dumps({"dataframe_split": x_test.to_dict(orient="split")}))
    for name in ("in.csv", "in.json"):
        out = tmp_path / f"{name}.out"
        result = CliRunner().invoke(
            cli,
            ["models", "predict", "-m", path, "-i", str(tmp_path / name), "-o", str(out)],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        assert json.loads(out.read_text()) == {"predictions": expected}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(port: int, method: str, path: str, body: str | None = None, content_type: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            method, path, body=body, headers={"Content-Type": content_type} if content_type else {}
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_weir_models_serve_runs_as_a_real_server(saved, tmp_path):
    path, x_test, expected = saved
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "weir",
        "models",
        "serve",
        "-m",
        path,
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    with open(tmp_path / "server.log", "wb") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if _request(port, "GET", "/ping") == (200, b"\n"):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not answer /ping within 60 s"
            time.sleep(0.1)
        status, body = _request(
            port, "POST", "/invocations", x_test.to_json(orient="split"), "application/json"
        )
        assert status == 200
        assert json.loads(body) == {"predictions": expected}
        status, body = _request(port, "POST", "/invocations", "{", "application/json")
        assert status == 400
        assert _request(port, "GET", "/health")[0] == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)


def test_worker_processes_build_the_app_from_the_environment(saved, monkeypatch):
    from weir.serving.launcher import MODEL_URI_ENV, app_from_environment

    path, x_test, expected = saved
    monkeypatch.setenv(MODEL_URI_ENV, path)
    monkeypatch.setenv("WEIR_SCORING_SERVER_MAX_BODY_SIZE", "1234")
    app = app_from_environment()
    assert app.max_body_size == 1234
    status, body = app.score(x_test.to_json(orient="split").encode())
    assert (status, json.loads(body)) == (200, {"predictions": expected})
