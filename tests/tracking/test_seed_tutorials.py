"""The tracking snippets of the seed tutorials (000 and 003) with ``import weir as mlflow``,
read back through the client exactly."""

import os
import pathlib

import pytest


def test_seed_003_tracking_walkthrough(weir_store, tmp_path, monkeypatch):
    pytest.importorskip("pandas")
    import weir as mlflow
    from weir.tracking import MLflowClient

    monkeypatch.chdir(tmp_path)
    mlflow.set_experiment("introduction-experiment")
    mlflow.start_run()
    run = mlflow.active_run()
    first_id = run.info.run_id
    mlflow.end_run()

    with mlflow.start_run(run_name="context-manager-run") as run:
        run_id = run.info.run_id
    children = []
    for dataset, acc in (("test_dataset_abc.csv", 0.91), ("test_dataset_xyz.csv", 0.90)):
        with mlflow.start_run(run_id=run_id) as parent_run:
            assert parent_run.info.run_id == run_id
            with mlflow.start_run(nested=True, run_name=dataset) as child_run:
                mlflow.log_metric("acc", acc)
                children.append(child_run.info.run_id)

    mlflow.set_experiment("tracking-experiment")
    with mlflow.start_run(run_name="tracking-example-run") as run:
        mlflow.log_param("learning_rate", 0.01)
        mlflow.log_params({"epochs": 0.05, "final_activation": "sigmoid"})
        mlflow.set_tag("env", "dev")
        mlflow.set_tags({"some_tag": False, "project": "xyz"})
        mlflow.log_metric("loss", 0.001)
        mlflow.log_metrics({"acc": 0.92, "auc": 0.90})
        for val_loss in [0.1, 0.01, 0.001, 0.00001]:
            mlflow.log_metric("val_loss", val_loss)
        for val_acc in [0.6, 0.6, 0.8, 0.9]:
            mlflow.log_metric("val_acc", val_acc)
        run_id = run.info.run_id
        experiment_id = run.info.experiment_id

    MLflowClient().set_experiment_tag(experiment_id, "MLflow.note.content", "my experiment note")
    MLflowClient().set_tag(run_id, "MLflow.note.content", "my run note")
    with mlflow.start_run(run_id=run_id):
        run = mlflow.active_run()
        mlflow.log_metric("f1", 0.9)
        assert run.info.run_id == run_id

    current_experiment = dict(mlflow.get_experiment_by_name("tracking-experiment"))
    mlflow_run = mlflow.search_runs([current_experiment["experiment_id"]])
    assert list(mlflow_run["run_id"]) == [run_id]

    file_path = "outputs/test.txt"
    if not os.path.exists("outputs"):
        os.makedirs("outputs")
    with open(file_path, "w") as f:
        f.write("hello world!")
    with mlflow.start_run(run_id=run_id) as run:
        mlflow.log_artifact(local_path=file_path, artifact_path=None)
        mlflow.log_artifact(local_path=file_path, artifact_path="data/subfolder")
        artifact_uri = mlflow.get_artifact_uri()

    # read everything back through the client
    client = MLflowClient()
    intro = client.get_experiment_by_name("introduction-experiment")
    intro_runs = client.search_runs([intro.experiment_id], max_results=100)
    parent_id = run_id_of(client, intro, "context-manager-run")
    assert {r.info.run_id for r in intro_runs} == {first_id, parent_id, *children}
    assert len(intro_runs) == 4
    for child_id, acc in zip(children, (0.91, 0.90), strict=True):
        child = client.get_run(child_id)
        assert child.data.metrics == {"acc": acc}
        assert child.data.tags["mlflow.parentRunId"] == parent_id

    stored = client.get_run(run_id)
    assert stored.info.status == "FINISHED"
    assert stored.info.run_name == "tracking-example-run"
    assert stored.data.params == {"learning_rate": "0.01", "epochs": "0.05", "final_activation": "sigmoid"}
    assert stored.data.metrics == {
        "loss": 0.001,
        "acc": 0.92,
        "auc": 0.90,
        "val_loss": 0.00001,
        "val_acc": 0.9,
        "f1": 0.9,
    }
    assert sorted(m.value for m in client.get_metric_history(run_id, "val_loss")) == [
        0.00001,
        0.001,
        0.01,
        0.1,
    ]
    assert stored.data.tags["env"] == "dev"
    assert stored.data.tags["some_tag"] == "False"
    assert stored.data.tags["project"] == "xyz"
    assert stored.data.tags["MLflow.note.content"] == "my run note"
    assert client.get_experiment(experiment_id).tags["MLflow.note.content"] == "my experiment note"
    assert artifact_uri == stored.info.artifact_uri
    assert [f.path for f in client.list_artifacts(run_id)] == ["data", "test.txt"]
    assert [f.path for f in client.list_artifacts(run_id, "data/subfolder")] == ["data/subfolder/test.txt"]
    local = client.download_artifacts(run_id, "data/subfolder/test.txt", str(tmp_path))
    assert pathlib.Path(local).read_text() == "hello world!"


def run_id_of(client, experiment, name):
    (run,) = client.search_runs([experiment.experiment_id], filter_string=f"attributes.run_name = '{name}'")
    return run.info.run_id


def test_seed_000_experiments_and_manual_logging(weir_store):
    sklearn = pytest.importorskip("sklearn")  # noqa: F841
    import weir as mlflow
    from sklearn import datasets
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    exp_id = mlflow.create_experiment(name="test")
    mlflow.set_experiment(experiment_name="test")
    mlflow.delete_experiment(experiment_id=exp_id)
    assert mlflow.get_experiment(exp_id).lifecycle_stage == "deleted"

    mlflow.set_experiment(experiment_name="manual_logging")
    data = datasets.load_breast_cancer()
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, stratify=data.target, random_state=0
    )
    X_train, X_test = X_train / X_train.max(axis=0), X_test / X_train.max(axis=0)
    scores = {}
    with mlflow.start_run(run_name="PARENT_RUN") as parent:
        for param_value in [1, 2, 3]:
            with mlflow.start_run(run_name="CHILD_RUN", nested=True) as child:
                model = LogisticRegression(C=param_value, max_iter=1000)
                model.fit(X=X_train, y=y_train)
                mlflow.log_param(key="C", value=param_value)
                score = model.score(X_test, y_test)
                mlflow.log_metric(key="Score", value=score)
                scores[child.info.run_id] = (str(param_value), score)

    with mlflow.start_run():
        mlflow.log_params({"n_estimators": 4, "random_state": 42})
        mlflow.log_metrics({"accuracy": 0.83, "roc_auc": 0.80})

    client = mlflow.MlflowClient()
    experiment = client.get_experiment_by_name("manual_logging")
    runs = client.search_runs([experiment.experiment_id], filter_string="tags.mlflow.runName = 'CHILD_RUN'")
    assert len(runs) == 3
    for run in runs:
        c, score = scores[run.info.run_id]
        assert run.data.params == {"C": c}
        assert run.data.metrics == {"Score": score}
        assert run.data.tags["mlflow.parentRunId"] == parent.info.run_id
        assert run.info.status == "FINISHED"
