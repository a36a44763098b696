import pathlib

import pytest
import weir
from weir.exceptions import WeirException
from weir.tracking import uri as uri_module


@pytest.fixture(autouse=True)
def _no_uri(monkeypatch):
    for name in ("WEIR_TRACKING_URI", "MLFLOW_TRACKING_URI", "WEIR_REGISTRY_URI", "MLFLOW_REGISTRY_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(uri_module, "_tracking_uri", None)
    monkeypatch.setattr(uri_module, "_registry_uri", None)


def test_default_is_weirruns_in_cwd_as_absolute_file_uri(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert weir.get_tracking_uri() == (tmp_path / "weirruns").as_uri()


def test_weir_env_var_wins_over_mlflow_env_var(monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:///m.db")
    assert weir.get_tracking_uri() == "sqlite:///m.db"
    monkeypatch.setenv("WEIR_TRACKING_URI", "sqlite:///w.db")
    assert weir.get_tracking_uri() == "sqlite:///w.db"


def test_set_tracking_uri_wins_and_none_resets(monkeypatch):
    monkeypatch.setenv("WEIR_TRACKING_URI", "sqlite:///env.db")
    weir.set_tracking_uri("sqlite:///set.db")
    assert weir.get_tracking_uri() == "sqlite:///set.db"
    weir.set_tracking_uri(None)
    assert weir.get_tracking_uri() == "sqlite:///env.db"


def test_path_objects_become_absolute_file_uris(tmp_path):
    weir.set_tracking_uri(pathlib.Path(tmp_path / "runs"))
    assert weir.get_tracking_uri() == (tmp_path / "runs").as_uri()


def test_registry_uri_follows_tracking_uri_until_set(monkeypatch):
    weir.set_tracking_uri("sqlite:///t.db")
    assert weir.get_registry_uri() == "sqlite:///t.db"
    monkeypatch.setenv("MLFLOW_REGISTRY_URI", "sqlite:///env-reg.db")
    assert weir.get_registry_uri() == "sqlite:///env-reg.db"
    weir.set_registry_uri("sqlite:///r.db")
    assert weir.get_registry_uri() == "sqlite:///r.db"
    weir.set_registry_uri(None)
    assert weir.get_registry_uri() == "sqlite:///env-reg.db"


def test_plain_path_and_file_uri_share_one_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert uri_module.get_store("runs") is uri_module.get_store((tmp_path / "runs").as_uri())
    assert (tmp_path / "runs" / "weir.db").exists()


def test_sqlite_uri_names_a_database(tmp_path):
    store = uri_module.get_store(f"sqlite:///{tmp_path}/x.db")
    store.create_experiment("e")
    assert (tmp_path / "x.db").exists()


@pytest.mark.parametrize("server", ["http://127.0.0.1:5000", "https://tracking.example/api"])
def test_server_uri_selects_the_rest_store_without_contacting_it(server):
    from weir.store.tracking.rest.store import RestStore
    from weir.tracking.uri import get_store

    store = get_store(server)
    assert isinstance(store, RestStore)


def test_invalid_uri_type_is_refused():
    with pytest.raises(WeirException):
        weir.set_tracking_uri(42)


def test_tracking_package_exports():
    from weir.tracking import MLflowClient, MlflowClient, WeirClient, get_tracking_uri, set_tracking_uri

    assert MlflowClient is MLflowClient is WeirClient is weir.MlflowClient
    assert get_tracking_uri is weir.get_tracking_uri
    assert set_tracking_uri is weir.set_tracking_uri
    from weir import client as client_module

    assert client_module.MlflowClient is WeirClient
