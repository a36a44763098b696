"""``weir.register_model``: creating models on demand, resolving sources, lineage and errors."""

from __future__ import annotations

import pytest
from weir.exceptions import WeirException


def test_register_model_from_a_run_keeps_source_run_id_and_run_link(client, log_model_dir):
    import weir

    run_id = log_model_dir("model")
    run = client.get_run(run_id)

    version = weir.register_model(f"runs:/{run_id}/model", "churn")

    assert (version.name, version.version, version.current_stage) == ("churn", "1", "None")
    assert version.source == f"{run.info.artifact_uri}/model"
    assert version.run_id == run_id
    assert version.run_link == f"#/experiments/{run.info.experiment_id}/runs/{run_id}"
    assert client.get_model_version("churn", 1) == version
    assert client.get_model_version_download_uri("churn", 1) == version.source


def test_register_model_creates_the_model_once_and_adds_versions(client, log_model_dir):
    import weir

    first, second = log_model_dir(), log_model_dir()

    assert weir.register_model(f"runs:/{first}/model", "churn").version == "1"
    assert weir.register_model(f"runs:/{second}/model", "churn").version == "2"
    assert [m.name for m in client.search_registered_models()] == ["churn"]


def test_register_model_reports_what_it_did_on_stderr(client, log_model_dir, capsys):
    import weir

    run_id = log_model_dir()
    weir.register_model(f"runs:/{run_id}/model", "churn")
    weir.register_model(f"runs:/{run_id}/model", "churn")

    err = capsys.readouterr().err
    assert "Successfully registered model 'churn'" in err
    assert "'churn' already exists" in err
    assert "Created version '2' of model 'churn'" in err


def test_register_model_into_a_model_created_beforehand(client, log_model_dir):
    import weir

    client.create_registered_model("churn", description="kept")
    version = weir.register_model(f"runs:/{log_model_dir()}/model", "churn")

    assert version.version == "1"
    assert client.get_registered_model("churn").description == "kept"


def test_register_model_with_tags(client, log_model_dir):
    import weir

    version = weir.register_model(f"runs:/{log_model_dir()}/model", "churn", tags={"data": "v2", "rows": 10})

    assert version.tags == {"data": "v2", "rows": "10"}


def test_register_model_at_a_nested_artifact_path(client, log_model_dir):
    import weir

    run_id = log_model_dir("models/best")

    version = weir.register_model(f"runs:/{run_id}/models/best", "churn")

    assert version.source.endswith("/models/best")


def test_register_model_unknown_run_names_it_and_registers_nothing(client):
    import weir

    with pytest.raises(WeirException, match="run 'deadbeef' not found") as info:
        weir.register_model("runs:/deadbeef/model", "churn")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert list(client.search_registered_models()) == []


def test_register_model_path_without_a_model_names_it_and_suggests_the_real_one(client, log_model_dir):
    import weir

    run_id = log_model_dir("model")

    with pytest.raises(WeirException, match=r"no model at artifact path 'wrong'.*MLmodel.*models at: model"):
        weir.register_model(f"runs:/{run_id}/wrong", "churn")
    with pytest.raises(WeirException, match="artifact root"):
        weir.register_model(f"runs:/{run_id}", "churn")
    assert list(client.search_registered_models()) == []


def test_register_model_run_without_any_model(client):
    import weir

    with weir.start_run() as run:
        weir.log_text("hello", "notes/readme.txt")

    with pytest.raises(WeirException, match="no logged model"):
        weir.register_model(f"runs:/{run.info.run_id}/notes", "churn")


def test_register_model_from_a_local_directory(client, tmp_path):
    import weir

    folder = tmp_path / "exported"
    folder.mkdir()
    (folder / "MLmodel").write_text("flavors: {}\n")

    version = weir.register_model(str(folder), "churn")

    assert version.source == folder.as_uri()
    assert version.run_id is None


def test_register_model_from_a_local_directory_without_a_model(client, tmp_path):
    import weir

    with pytest.raises(WeirException, match="not a model directory"):
        weir.register_model(str(tmp_path), "churn")
    with pytest.raises(WeirException, match="does not exist"):
        weir.register_model(str(tmp_path / "missing"), "churn")


def test_register_model_from_another_registered_version_keeps_its_lineage(client, log_model_dir):
    import weir

    run_id = log_model_dir()
    original = weir.register_model(f"runs:/{run_id}/model", "dev-churn")
    client.set_registered_model_alias("dev-churn", "champion", 1)

    promoted = weir.register_model("models:/dev-churn@champion", "prod-churn")

    assert (promoted.name, promoted.version) == ("prod-churn", "1")
    assert (promoted.source, promoted.run_id, promoted.run_link) == (
        original.source,
        run_id,
        original.run_link,
    )


def test_copy_model_version_copies_source_lineage_and_tags(client, log_model_dir):
    import weir

    run_id = log_model_dir()
    weir.register_model(f"runs:/{run_id}/model", "dev", tags={"k": "v"})
    client.transition_model_version_stage("dev", 1, "Staging")

    copy = client.copy_model_version("models:/dev/Staging", "prod")

    assert (copy.name, copy.version, copy.run_id, copy.tags) == ("prod", "1", run_id, {"k": "v"})
    assert copy.source == client.get_model_version("dev", 1).source
    with pytest.raises(WeirException, match="models:/"):
        client.copy_model_version(f"runs:/{run_id}/model", "prod")


def test_register_model_other_uri_schemes_are_stored_as_given(client):
    import weir

    version = weir.register_model("s3://bucket/models/churn", "churn")

    assert version.source == "s3://bucket/models/churn"


@pytest.mark.parametrize("name", ["", None])
def test_register_model_needs_a_name(client, log_model_dir, name):
    import weir

    with pytest.raises(WeirException, match="registered model name"):
        weir.register_model(f"runs:/{log_model_dir()}/model", name)


def test_registry_uri_can_differ_from_the_tracking_uri(client, log_model_dir, tmp_path):
    import weir
    from weir.tracking.client import WeirClient

    run_id = log_model_dir()
    registry = (tmp_path / "registry").as_uri()
    weir.set_registry_uri(registry)

    version = weir.register_model(f"runs:/{run_id}/model", "churn")

    assert weir.get_registry_uri() == registry
    assert WeirClient(registry_uri=registry).get_model_version("churn", 1).run_id == run_id
    assert list(WeirClient(registry_uri=weir.get_tracking_uri()).search_registered_models()) == []
    assert version.source == f"{client.get_run(run_id).info.artifact_uri}/model"


def test_run_link_is_absolute_for_a_tracking_server():
    from weir.registry.sources import run_link

    assert run_link("http://127.0.0.1:5000/", "3", "abc") == "http://127.0.0.1:5000/#/experiments/3/runs/abc"
    assert run_link("file:///tmp/weirruns", "3", "abc") == "#/experiments/3/runs/abc"
