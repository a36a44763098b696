"""``models:/`` URIs load real registered sklearn models through weir.pyfunc and weir.sklearn."""

from __future__ import annotations

import pytest
from weir.exceptions import WeirException


@pytest.fixture
def registry(client, sklearn_run):
    """``lines``: v1 predicts 1*x (Archived), v2 2*x (Production), v3 3*x (Staging), v4 4*x (None, @candidate),
    and alias @champion -> v2."""
    import weir

    for slope in (1.0, 2.0, 3.0, 4.0):
        weir.register_model(f"runs:/{sklearn_run(slope)}/model", "lines")
    client.transition_model_version_stage("lines", 1, "Production")
    client.transition_model_version_stage("lines", 2, "Production", archive_existing_versions=True)
    client.transition_model_version_stage("lines", 3, "Staging")
    client.set_registered_model_alias("lines", "champion", 2)
    client.set_registered_model_alias("lines", "candidate", 4)
    return "lines"


def slope_via_pyfunc(uri: str) -> float:
    import weir.pyfunc

    return float(weir.pyfunc.load_model(uri).predict([[1.0]])[0])


def slope_via_sklearn(uri: str) -> float:
    import weir

    return float(weir.sklearn.load_model(uri).coef_[0])


@pytest.mark.parametrize("load", [slope_via_pyfunc, slope_via_sklearn])
@pytest.mark.parametrize(
    ("uri", "slope"),
    [
        ("models:/lines/1", 1.0),
        ("models:/lines/3", 3.0),
        ("models:/lines/Production", 2.0),
        ("models:/lines/production", 2.0),
        ("models:/lines/Staging", 3.0),
        ("models:/lines/Archived", 1.0),
        ("models:/lines/None", 4.0),
        ("models:/lines@champion", 2.0),
        ("models:/lines@candidate", 4.0),
        ("models:/lines/latest", 4.0),
    ],
)
def test_every_models_uri_form_loads_the_right_version(registry, load, uri, slope):
    assert load(uri) == pytest.approx(slope)


def test_stage_uri_follows_the_newest_version_in_that_stage(client, registry):
    client.transition_model_version_stage(registry, 4, "Staging")

    assert slope_via_pyfunc("models:/lines/Staging") == pytest.approx(4.0)


def test_latest_is_the_highest_version_whatever_its_stage(client, registry):
    client.transition_model_version_stage(registry, 4, "Archived")

    assert slope_via_pyfunc("models:/lines/latest") == pytest.approx(4.0)


def test_alias_uri_follows_the_alias_when_it_moves(client, registry):
    client.set_registered_model_alias(registry, "champion", 3)

    assert slope_via_sklearn("models:/lines@champion") == pytest.approx(3.0)


def test_model_uri_with_a_subpath_reaches_files_inside_the_version(registry):
    from weir.models.uri import download_model

    path = download_model("models:/lines/2/MLmodel")

    assert path.endswith("MLmodel")


def test_empty_stage_raises_naming_stage_and_model(client, sklearn_run):
    import weir

    weir.register_model(f"runs:/{sklearn_run(1.0)}/model", "solo")

    with pytest.raises(WeirException, match=r"'solo'.*'Production'") as info:
        slope_via_pyfunc("models:/solo/Production")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_unknown_model_version_or_alias_raise_naming_them(registry):
    with pytest.raises(WeirException, match="ghost"):
        slope_via_pyfunc("models:/ghost/1")
    with pytest.raises(WeirException, match=r"version=9"):
        slope_via_pyfunc("models:/lines/9")
    with pytest.raises(WeirException, match="nobody"):
        slope_via_pyfunc("models:/lines@nobody")


def test_model_without_versions_has_no_latest(client):
    from weir.registry.resolve import model_version_source

    client.create_registered_model("empty")

    with pytest.raises(WeirException, match="'empty' has no versions"):
        model_version_source("empty")


def test_model_version_source_picks_by_one_selector_only(registry):
    from weir.registry.resolve import model_version_source

    assert model_version_source("lines", version=2) == model_version_source("lines", alias="champion")
    with pytest.raises(WeirException, match="version and stage"):
        model_version_source("lines", version="1", stage="Production")


def test_log_model_with_registered_model_name_registers_with_lineage(client, sklearn_run):
    import weir
    from sklearn.linear_model import LinearRegression

    model = LinearRegression().fit([[0.0], [1.0]], [0.0, 5.0])
    with weir.start_run() as run:
        info = weir.sklearn.log_model(model, artifact_path="model", registered_model_name="auto")

    version = client.get_model_version("auto", 1)
    assert str(info.registered_model_version) == "1"
    assert version.run_id == run.info.run_id
    assert version.source == client.get_artifact_uri(run.info.run_id, "model")
    assert slope_via_sklearn("models:/auto/1") == pytest.approx(5.0)


def test_models_uri_uses_the_registry_uri(client, sklearn_run, tmp_path):
    import weir

    run_id = sklearn_run(7.0)
    weir.set_registry_uri((tmp_path / "registry").as_uri())
    weir.register_model(f"runs:/{run_id}/model", "remote")

    assert slope_via_pyfunc("models:/remote/1") == pytest.approx(7.0)
    weir.set_registry_uri(None)
    with pytest.raises(WeirException, match="remote"):
        slope_via_pyfunc("models:/remote/1")
