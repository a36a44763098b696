"""search_runs (DataFrame and list) and the WeirClient API."""

import pathlib

import pytest
from weir.entities import Metric, Param, RunTag, ViewType
from weir.exceptions import WeirException


@pytest.fixture
def runs(store):
    store.set_experiment("search")
    ids = []
    for i, model in enumerate(["rf", "lr", "rf"]):
        with store.start_run(run_name=f"r{i}") as run:
            store.log_param("model", model)
            store.log_metric("acc", 0.3 * (i + 1))
            if i == 0:
                store.set_tag("only", "first")
        ids.append(run.info.run_id)
    return store, ids


def test_search_runs_dataframe_has_mlflow_columns(runs):
    pd = pytest.importorskip("pandas")
    store, ids = runs
    frame = store.search_runs()
    assert list(frame.columns[:6]) == [
        "run_id",
        "experiment_id",
        "status",
        "artifact_uri",
        "start_time",
        "end_time",
    ]
    assert {"metrics.acc", "params.model", "tags.only", "tags.mlflow.runName"} <= set(frame.columns)
    assert len(frame) == 3
    assert set(frame["run_id"]) == set(ids)
    assert str(frame["start_time"].dtype).startswith("datetime64") and str(frame["start_time"].dt.tz) == "UTC"
    assert frame["end_time"].notna().all()
    assert frame["metrics.acc"].dtype == "float64"
    by_id = frame.set_index("run_id")
    assert by_id.loc[ids[0], "tags.only"] == "first"
    assert pd.isna(by_id.loc[ids[1], "tags.only"])
    assert by_id.loc[ids[1], "params.model"] == "lr"


def test_search_runs_filter_order_and_list_output(runs):
    store, ids = runs
    found = store.search_runs(
        filter_string="metrics.acc > 0.5 and params.model = 'rf'",
        order_by=["metrics.acc DESC"],
        output_format="list",
    )
    assert [r.info.run_id for r in found] == [ids[2]]
    ordered = store.search_runs(order_by=["metrics.acc ASC"], output_format="list")
    assert [r.info.run_id for r in ordered] == ids
    assert len(store.search_runs(max_results=2, output_format="list")) == 2
    with pytest.raises(ValueError):
        store.search_runs(output_format="xml")


def test_search_runs_by_experiment_names_and_all_experiments(runs):
    store, ids = runs
    store.set_experiment("other")
    with store.start_run():
        pass
    assert len(store.search_runs(experiment_names=["search"], output_format="list")) == 3
    assert len(store.search_runs(search_all_experiments=True, output_format="list")) == 4
    assert len(store.search_runs(output_format="list")) == 1  # the active experiment only
    with pytest.warns(UserWarning, match="nope"):
        assert store.search_runs(experiment_names=["nope"], output_format="list") == []
    with pytest.raises(WeirException):
        store.search_runs(experiment_ids=["1"], experiment_names=["search"])


def test_search_runs_empty_dataframe_and_deleted_view(runs):
    pytest.importorskip("pandas")
    store, ids = runs
    store.delete_run(ids[0])
    assert len(store.search_runs(experiment_names=["search"])) == 2
    deleted = store.search_runs(experiment_names=["search"], run_view_type=ViewType.DELETED_ONLY)
    assert list(deleted["run_id"]) == [ids[0]]
    empty = store.search_runs(experiment_names=["search"], filter_string="metrics.acc > 100")
    assert len(empty) == 0 and "run_id" in empty.columns


def test_search_runs_bad_filter_is_an_error(runs):
    store, _ = runs
    with pytest.raises(WeirException):
        store.search_runs(filter_string="metrics.acc >>> 1")


def test_client_experiment_crud(weir_client):
    client = weir_client
    experiment_id = client.create_experiment("crud", tags={"a": 1})
    assert client.get_experiment(experiment_id).name == "crud"
    client.rename_experiment(experiment_id, "renamed")
    assert client.get_experiment_by_name("renamed").experiment_id == experiment_id
    assert client.get_experiment_by_name("crud") is None
    client.set_experiment_tag(experiment_id, "MLflow.note.content", "my experiment note")
    assert client.get_experiment(experiment_id).tags["MLflow.note.content"] == "my experiment note"
    client.delete_experiment(experiment_id)
    assert [e.name for e in client.search_experiments(view_type=ViewType.DELETED_ONLY)] == ["renamed"]
    client.restore_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "active"


def test_client_run_lifecycle_and_logging(weir_client):
    client = weir_client
    run = client.create_run("0", tags={"t": 1}, run_name="client-run")
    run_id = run.info.run_id
    assert run.info.status == "RUNNING" and run.info.run_name == "client-run"
    client.log_param(run_id, "p", 1)
    client.log_metric(run_id, "m", 0.5, step=2)
    client.set_tag(run_id, "x", "y")
    client.delete_tag(run_id, "x")
    client.log_batch(
        run_id,
        metrics=[Metric("b", 1.0, 1000, 0), Metric("b", 2.0, 1001, 1)],
        params=[Param("q", "v")],
        tags=[RunTag("k", "v")],
    )
    assert [m.value for m in client.get_metric_history(run_id, "b")] == [1.0, 2.0]
    client.update_run(run_id, name="renamed")
    client.set_terminated(run_id, "FAILED")
    stored = client.get_run(run_id)
    assert stored.info.status == "FAILED" and stored.info.end_time is not None
    assert stored.info.run_name == "renamed"
    assert stored.data.params == {"p": "1", "q": "v"}
    assert stored.data.metrics == {"m": 0.5, "b": 2.0}
    assert stored.data.tags["t"] == "1" and "x" not in stored.data.tags
    client.delete_run(run_id)
    assert client.get_run(run_id).info.lifecycle_stage == "deleted"
    client.restore_run(run_id)
    assert client.get_run(run_id).info.lifecycle_stage == "active"


def test_client_log_metric_refuses_non_numbers(weir_client):
    run_id = weir_client.create_run("0").info.run_id
    with pytest.raises(WeirException, match="'loss'"):
        weir_client.log_metric(run_id, "loss", "abc")
    with pytest.raises(WeirException, match="'loss'"):
        weir_client.log_batch(run_id, metrics=[Metric("loss", "abc", 0, 0)])
    assert weir_client.get_run(run_id).data.metrics == {}


def test_client_search_runs_pages_with_tokens(weir_client):
    client = weir_client
    ids = {client.create_run("0").info.run_id for _ in range(5)}
    seen = []
    page = client.search_runs("0", max_results=2)
    while True:
        seen.extend(r.info.run_id for r in page)
        if not page.token:
            break
        page = client.search_runs(["0"], max_results=2, page_token=page.token)
    assert len(seen) == 5 and set(seen) == ids


def test_client_artifacts(weir_client, tmp_path):
    client = weir_client
    run_id = client.create_run("0").info.run_id
    source = tmp_path / "f.txt"
    source.write_text("data")
    client.log_artifact(run_id, str(source), "dir")
    client.log_text(run_id, "t", "notes.txt")
    client.log_dict(run_id, {"a": 1}, "d.json")
    assert [f.path for f in client.list_artifacts(run_id)] == ["d.json", "dir", "notes.txt"]
    local = client.download_artifacts(run_id, "dir/f.txt", str(tmp_path))
    assert pathlib.Path(local).read_text() == "data"
    with pytest.raises(WeirException):
        client.download_artifacts(run_id, "../../etc/passwd", str(tmp_path))


def test_client_defaults_to_the_current_tracking_uri_and_registry_follows(store, tmp_path):
    client = store.MlflowClient()
    assert client.tracking_uri == store.get_tracking_uri()
    assert client.registry_uri == client.tracking_uri
    other = store.MlflowClient(tracking_uri=(tmp_path / "other").as_uri(), registry_uri="sqlite:///r.db")
    assert other.registry_uri == "sqlite:///r.db"
    other.create_experiment("only-there")
    assert client.get_experiment_by_name("only-there") is None


def test_client_is_a_plain_class_others_can_extend(weir_client):
    from weir.tracking.client import WeirClient

    class RegistryMixin:
        def hello(self):
            return self.tracking_uri

    class Extended(RegistryMixin, WeirClient):
        pass

    assert Extended(tracking_uri=weir_client.tracking_uri).hello() == weir_client.tracking_uri
