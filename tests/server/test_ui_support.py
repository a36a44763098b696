"""What the server gives the web UI: static files with cache headers and downsampled metric histories."""

from __future__ import annotations

import pytest
from weir.server.app import TrackingServerApp, build_app
from weir.server.config import ServerConfig

from tests.server.conftest import asgi_client


@pytest.fixture
def static_client(tmp_path):
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "index.html").write_text("<html>weir</html>")
    (static / "js" / "app.js").write_text("console.log(1)")
    app = TrackingServerApp(ServerConfig(str(tmp_path / "store")).resolved(), static_dir=str(static))
    with asgi_client(app) as client:
        yield client
    app.ctx.close()
    app.store.close()


def test_index_is_served_at_the_root_without_caching(static_client):
    response = static_client.get("/")
    assert response.status_code == 200 and response.text == "<html>weir</html>"
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"


def test_static_assets_are_cacheable(static_client):
    response = static_client.get("/static/js/app.js")
    assert response.status_code == 200 and "javascript" in response.headers["content-type"]
    assert "max-age" in response.headers["cache-control"]


def test_static_paths_cannot_escape_the_folder(static_client):
    assert static_client.get("/static/../store/weir.db").status_code == 404
    assert static_client.get("/static/%2e%2e/store/weir.db").status_code == 404
    assert static_client.get("/static/missing.js").status_code == 404


def test_downsampled_history_keeps_the_ends_and_the_extremes(api, client):
    run_id = api("POST", "runs/create", json={"experiment_id": "0"}).json()["run"]["info"]["run_id"]
    values = [float(i % 97) for i in range(5000)]
    values[1234] = -50.0  # a spike that sampling must not lose
    values[4321] = 500.0
    for start in range(0, 5000, 1000):
        metrics = [
            {"key": "loss", "value": values[i], "timestamp": i, "step": i} for i in range(start, start + 1000)
        ]
        api("POST", "runs/log-batch", json={"run_id": run_id, "metrics": metrics})
    body = client.get(
        "/ajax-api/2.0/weir/metrics/downsampled",
        params={"run_id": run_id, "metric_key": "loss", "max_points": 200},
    ).json()
    points = body["metrics"]
    assert len(points) <= 200
    steps = [p["step"] for p in points]
    assert steps == sorted(steps) and steps[0] == 0 and steps[-1] == 4999
    assert {1234, 4321} <= set(steps)
    assert set(points[0]) == {"key", "value", "timestamp", "step"}


def test_downsampled_validates_max_points(api, client):
    run_id = api("POST", "runs/create", json={"experiment_id": "0"}).json()["run"]["info"]["run_id"]
    response = client.get(
        "/ajax-api/2.0/weir/metrics/downsampled",
        params={"run_id": run_id, "metric_key": "x", "max_points": 1},
    )
    assert response.status_code == 400


def test_auth_mounts_the_auth_middleware(tmp_path):
    app = build_app(ServerConfig(str(tmp_path / "store"), auth=True))
    with asgi_client(app) as client:
        assert client.get("/health").status_code == 200
        response = client.get("/api/2.0/mlflow/experiments/get", params={"experiment_id": "0"})
        assert response.status_code == 401
        assert response.json()["error_code"] == "UNAUTHENTICATED"
