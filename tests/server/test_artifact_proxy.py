"""The artifact proxy: list, streamed upload and download, delete, multipart, and refusing path escapes."""

from __future__ import annotations

import os

import pytest

PROXY = "/api/2.0/mlflow-artifacts"


def test_upload_then_list_and_download(client, server_config):
    assert client.put(f"{PROXY}/artifacts/1/run/artifacts/dir/a.txt", content=b"hello").json() == {}
    client.put(f"{PROXY}/artifacts/1/run/artifacts/b.bin", content=b"\x00" * 10)
    stored = os.path.join(server_config.artifacts_destination, "1", "run", "artifacts", "dir", "a.txt")
    with open(stored, "rb") as handle:
        assert handle.read() == b"hello"
    listing = client.get(f"{PROXY}/artifacts", params={"path": "1/run/artifacts"}).json()
    assert listing == {
        "files": [{"path": "b.bin", "is_dir": False, "file_size": 10}, {"path": "dir", "is_dir": True}]
    }
    download = client.get(f"{PROXY}/artifacts/1/run/artifacts/dir/a.txt")
    assert download.status_code == 200 and download.content == b"hello"


def test_listing_a_missing_folder_is_empty(client):
    assert client.get(f"{PROXY}/artifacts", params={"path": "9/none"}).json() == {}


def test_downloading_a_directory_or_missing_file_is_404(client):
    client.put(f"{PROXY}/artifacts/1/d/f.txt", content=b"x")
    assert client.get(f"{PROXY}/artifacts/1/d").status_code == 404
    assert client.get(f"{PROXY}/artifacts/1/d/missing.txt").status_code == 404


def test_a_large_upload_is_streamed_to_disk_intact(client, server_config):
    payload = os.urandom(3 * 1024 * 1024 + 17)

    def chunks():
        for start in range(0, len(payload), 65536):
            yield payload[start : start + 65536]

    assert client.put(f"{PROXY}/artifacts/big/file.bin", content=chunks()).status_code == 200
    assert client.get(f"{PROXY}/artifacts/big/file.bin").content == payload


def test_delete_removes_files_and_folders(client):
    client.put(f"{PROXY}/artifacts/1/x/y.txt", content=b"x")
    assert client.delete(f"{PROXY}/artifacts/1/x").json() == {}
    assert client.get(f"{PROXY}/artifacts", params={"path": "1"}).json() == {}


@pytest.mark.parametrize(
    "path",
    [
        "../outside.txt",
        "a/../../outside.txt",
        "%2e%2e/outside.txt",
        "..%2foutside.txt",
        "%252e%252e/outside.txt",
        "a\\..\\..\\outside.txt",
    ],
)
def test_uploads_that_escape_the_root_are_refused(client, server_config, path):
    response = client.put(f"{PROXY}/artifacts/{path}", content=b"evil")
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    parent = os.path.dirname(server_config.artifacts_destination)
    assert not os.path.exists(os.path.join(parent, "outside.txt"))


def test_raw_dot_dot_in_the_url_is_refused_on_upload_download_and_list(app, server_config):
    """Clients normalise '..' away; a raw ASGI request shows what the server does when one gets through."""
    import asyncio

    secret = os.path.join(os.path.dirname(server_config.artifacts_destination), "secret.txt")
    with open(secret, "w") as handle:
        handle.write("secret")

    async def call(method: str, path: str, query: bytes = b"") -> tuple[int, bytes]:
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"evil", "more_body": False}

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "method": method, "path": path, "query_string": query, "headers": []}
        await app(scope, receive, send)
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return sent[0]["status"], body

    status, body = asyncio.run(call("GET", f"{PROXY}/artifacts/../secret.txt"))
    assert status == 400 and b"secret" not in body.replace(b"secret.txt", b"")
    status, _ = asyncio.run(call("PUT", f"{PROXY}/artifacts/../secret.txt"))
    assert status == 400
    with open(secret) as handle:
        assert handle.read() == "secret"
    status, _ = asyncio.run(call("GET", f"{PROXY}/artifacts", b"path=../"))
    assert status == 400
    status, _ = asyncio.run(call("GET", f"{PROXY}/artifacts", b"path=/etc"))
    assert status == 400


def test_symlinks_pointing_outside_the_root_are_refused(client, server_config, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    os.makedirs(server_config.artifacts_destination, exist_ok=True)
    os.symlink(outside, os.path.join(server_config.artifacts_destination, "link"))
    assert client.get(f"{PROXY}/artifacts/link/secret.txt").status_code == 400
    assert client.get(f"{PROXY}/artifacts", params={"path": "link"}).status_code == 400
    assert client.put(f"{PROXY}/artifacts/link/new.txt", content=b"x").status_code == 400
    assert not (outside / "new.txt").exists()


def test_multipart_upload_assembles_parts_in_order(client):
    # as MLflow's client does: the URL names the artifact directory, "path" the local file
    created = client.post(
        f"{PROXY}/mpu/create/1/run/artifacts", json={"path": "/tmp/model.bin", "num_parts": 3}
    )
    assert created.status_code == 200, created.text
    body = created.json()
    assert [c["part_number"] for c in body["credentials"]] == [1, 2, 3]
    parts = []
    for credential, data in zip(body["credentials"], [b"aaa", b"bbb", b"cc"], strict=True):
        url = credential["url"]
        assert url.startswith("http://127.0.0.1:5000/api/2.0/mlflow-artifacts/mpu/upload/")
        response = client.put(url, content=data)
        assert response.status_code == 200
        parts.append({"part_number": credential["part_number"], "etag": response.headers["etag"], "url": url})
    complete = client.post(
        f"{PROXY}/mpu/complete/1/run/artifacts",
        json={"path": "/tmp/model.bin", "upload_id": body["upload_id"], "parts": list(reversed(parts))},
    )
    assert complete.status_code == 200, complete.text
    assert client.get(f"{PROXY}/artifacts/1/run/artifacts/model.bin").content == b"aaabbbcc"
    listing = client.get(f"{PROXY}/artifacts", params={"path": ""}).json()
    assert all(not f["path"].startswith(".weir") for f in listing["files"])


def test_multipart_abort_discards_parts_and_unknown_uploads_are_404(client):
    body = client.post(f"{PROXY}/mpu/create/d", json={"path": "f.bin", "num_parts": 1}).json()
    client.put(body["credentials"][0]["url"], content=b"x")
    aborted = client.post(f"{PROXY}/mpu/abort/d", json={"path": "f.bin", "upload_id": body["upload_id"]})
    assert aborted.status_code == 200
    again = client.post(
        f"{PROXY}/mpu/complete/d",
        json={"path": "f.bin", "upload_id": body["upload_id"], "parts": [{"part_number": 1}]},
    )
    assert again.status_code == 404
    assert client.get(f"{PROXY}/artifacts/d/f.bin").status_code == 404


def test_multipart_refuses_escaping_targets(client):
    escape = client.post(f"{PROXY}/mpu/create/d", json={"path": "..", "num_parts": 1})
    assert escape.status_code == 400
    missing_path = client.post(f"{PROXY}/mpu/create/d", json={"num_parts": 1})
    assert missing_path.status_code == 400


def test_run_artifact_listing_is_relative_to_the_run_root(api, client):
    run = api("POST", "runs/create", json={"experiment_id": "0"}).json()["run"]["info"]
    client.put(f"{PROXY}/artifacts/0/{run['run_id']}/artifacts/sub/f.txt", content=b"12345")
    top = api("GET", "artifacts/list", params={"run_id": run["run_id"]}).json()
    assert top == {"root_uri": run["artifact_uri"], "files": [{"path": "sub", "is_dir": True}]}
    inner = api("GET", "artifacts/list", params={"run_id": run["run_id"], "path": "sub"}).json()
    assert inner["files"] == [{"path": "sub/f.txt", "is_dir": False, "file_size": 5}]
    escape = api("GET", "artifacts/list", params={"run_id": run["run_id"], "path": "../../.."})
    assert escape.status_code == 400


def test_no_serve_artifacts_disables_the_proxy(tmp_path):
    from weir.server.app import TrackingServerApp
    from weir.server.config import ServerConfig

    from tests.server.conftest import asgi_client

    config = ServerConfig(str(tmp_path / "s"), serve_artifacts=False).resolved()
    app = TrackingServerApp(config)
    try:
        with asgi_client(app) as client:
            response = client.get(f"{PROXY}/artifacts", params={"path": ""})
            assert response.status_code == 503
            experiment = client.get("/api/2.0/mlflow/experiments/get", params={"experiment_id": "0"}).json()
            assert not experiment["experiment"]["artifact_location"].startswith("mlflow-artifacts:")
    finally:
        app.ctx.close()
        app.store.close()
