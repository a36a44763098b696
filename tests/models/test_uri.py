import pytest
from weir.exceptions import WeirException
from weir.models.uri import download_model, parse_model_uri


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("models:/churn/3", {"name": "churn", "version": "3"}),
        ("models:/churn/production", {"name": "churn", "stage": "Production"}),
        ("models:/churn/Staging", {"name": "churn", "stage": "Staging"}),
        ("models:/churn/latest", {"name": "churn", "latest": True}),
        ("models:/churn@champion", {"name": "churn", "alias": "champion"}),
        ("models:/churn/3/data/model.pkl", {"name": "churn", "version": "3", "subpath": "data/model.pkl"}),
        ("models:/churn@champion/sub", {"name": "churn", "alias": "champion", "subpath": "sub"}),
        ("models:/m-" + "a" * 32, {"model_id": "m-" + "a" * 32}),
        ("runs:/0a1b2c/model", {"run_id": "0a1b2c", "artifact_path": "model"}),
        ("runs:/0a1b2c/nested/model", {"run_id": "0a1b2c", "artifact_path": "nested/model"}),
    ],
)
def test_parses_every_model_uri_form(uri, expected):
    parsed = parse_model_uri(uri)
    for key, value in expected.items():
        assert getattr(parsed, key) == value


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("models:/churn", "version, stage, 'latest' or '@alias'"),
        ("models:/churn/champion", "got 'champion'"),
        ("models://churn/1", "one slash"),
        ("models:/@alias", "models:/<name>@<alias>"),
        ("runs:/", "runs:/<run_id>"),
        ("runs:/abc/../x", "without '..'"),
    ],
)
def test_invalid_model_uris_are_explained(uri, message):
    with pytest.raises(WeirException, match=message):
        parse_model_uri(uri)


def test_local_paths_and_file_uris_are_returned_in_place(tmp_path):
    (tmp_path / "MLmodel").write_text("flavors: {}")
    assert download_model(str(tmp_path)) == str(tmp_path)
    assert download_model(tmp_path.as_uri()) == str(tmp_path)


def test_local_model_is_copied_when_dst_path_is_given(tmp_path):
    source = tmp_path / "m"
    source.mkdir()
    (source / "MLmodel").write_text("flavors: {}")
    copied = download_model(str(source), dst_path=tmp_path / "out")
    assert (tmp_path / "out" / "m" / "MLmodel").exists() and copied == str(tmp_path / "out" / "m")


def test_missing_local_model_is_an_error(tmp_path):
    with pytest.raises(WeirException, match="No model found"):
        download_model(str(tmp_path / "nope"))


def test_unknown_scheme_is_named():
    with pytest.raises(WeirException, match="unsupported URI scheme 'gopher'"):
        download_model("gopher://host/model")


def test_runs_uri_resolves_to_the_runs_artifact_dir(weir_store, tmp_path):
    import weir

    source = tmp_path / "src"
    source.mkdir()
    (source / "MLmodel").write_text("flavors: {}")
    with weir.start_run() as run:
        weir.log_artifacts(str(source), "model")
    local = download_model(f"runs:/{run.info.run_id}/model")
    with open(f"{local}/MLmodel") as f:
        assert f.read() == "flavors: {}"


def test_models_uri_without_registry_or_with_registry(monkeypatch, tmp_path):
    import sys
    import types

    (tmp_path / "MLmodel").write_text("flavors: {}")
    calls = []
    fake = types.ModuleType("weir.registry.resolve")

    def model_version_source(name, version=None, stage=None, alias=None):
        calls.append((name, version, stage, alias))
        return str(tmp_path)

    fake.model_version_source = model_version_source
    monkeypatch.setitem(sys.modules, "weir.registry.resolve", fake)
    assert download_model("models:/churn@champion") == str(tmp_path)
    assert download_model("models:/churn/Production") == str(tmp_path)
    assert calls == [("churn", None, None, "champion"), ("churn", None, "Production", None)]


def test_logged_model_uri_resolves_to_the_logged_models_artifacts(weir_store, tmp_path):
    import shutil

    import weir
    from weir.models.uri import local_path_from_file_uri, resolve_model_uri

    store = weir.MlflowClient().store
    with weir.start_run() as run:
        logged = store.create_logged_model(run.info.experiment_id, name="model", source_run_id=run.info.run_id)
    target = local_path_from_file_uri(logged.artifact_location)
    source = tmp_path / "src"
    source.mkdir()
    (source / "MLmodel").write_text("flavors: {}")
    shutil.copytree(source, target, dirs_exist_ok=True)
    assert resolve_model_uri(f"models:/{logged.model_id}") == target
    with open(f"{download_model(f'models:/{logged.model_id}', dst_path=tmp_path / 'out')}/MLmodel") as f:
        assert f.read() == "flavors: {}"
    with pytest.raises(WeirException, match="m-" + "0" * 32):
        download_model("models:/m-" + "0" * 32)


def test_a_logged_model_registers_and_loads_by_version(weir_store, tmp_path):
    import shutil

    import weir
    from weir.models.uri import local_path_from_file_uri

    store = weir.MlflowClient().store
    with weir.start_run() as run:
        logged = store.create_logged_model(run.info.experiment_id, name="model", source_run_id=run.info.run_id)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "MLmodel").write_text("flavors: {}")
    shutil.copytree(tmp_path / "src", local_path_from_file_uri(logged.artifact_location), dirs_exist_ok=True)
    version = weir.register_model(f"models:/{logged.model_id}", "from-logged")
    assert (version.source, version.run_id) == (f"models:/{logged.model_id}", run.info.run_id)
    with open(f"{download_model('models:/from-logged/1', dst_path=tmp_path / 'out')}/MLmodel") as f:
        assert f.read() == "flavors: {}"
