"""The example projects and the tutorial (seed) commands, run as written (with --env-manager local)."""

from __future__ import annotations

import subprocess

import pytest
import weir.projects

from .conftest import EXAMPLES, all_runs, cli_env, weir_cli

pytest.importorskip("sklearn")


def _can_log_sklearn_models() -> bool:
    try:
        import weir

        flavor = weir.sklearn
        from weir.pyfunc import add_to_model  # noqa: F401  (needed by log_model)
    except (AttributeError, ImportError):
        return False
    return flavor is not None


needs_sklearn_plugin = pytest.mark.skipif(
    not _can_log_sklearn_models(), reason="weir-sklearn cannot log models yet"
)


@needs_sklearn_plugin
def test_weir_run_dot_with_alpha_trains_and_logs_the_model(weir_store, weir_client):
    result = subprocess.run(
        [*weir_cli(), "run", ".", "-P", "alpha=5.0", "--env-manager", "local"],
        cwd=EXAMPLES / "experiment",
        env=cli_env(weir_store),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    [run] = all_runs(weir_client)
    assert run.info.status == "FINISHED"
    assert run.data.params == {"alpha": "5.0", "max_iter": "1000", "C": "0.2"}
    assert run.data.metrics["test_accuracy"] > 0.9
    assert "model" in {f.path for f in weir_client.list_artifacts(run.info.run_id)}


@needs_sklearn_plugin
def test_the_manual_logger_entry_point_runs_in_the_named_experiment(weir_store, weir_client):
    result = subprocess.run(
        [
            *weir_cli(),
            "run",
            "experiment",
            "-e",
            "manual_logger",
            "--experiment-name",
            "manual_logging",
            "-P",
            "max_iter=1000",
            "--env-manager",
            "local",
        ],
        cwd=EXAMPLES,
        env=cli_env(weir_store),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    experiment = weir_client.get_experiment_by_name("manual_logging")
    runs = all_runs(weir_client)
    [parent] = [r for r in runs if r.data.tags.get("mlflow.source.type") == "PROJECT"]
    children = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == parent.info.run_id]
    assert parent.info.experiment_id == experiment.experiment_id
    assert parent.data.params["max_iter"] == "1000" and parent.info.status == "FINISHED"
    assert sorted(int(c.data.params["C"]) for c in children) == list(range(1, 10))
    assert all("Score" in c.data.metrics for c in children)


@needs_sklearn_plugin
def test_projects_run_from_python_as_in_the_tutorial(weir_client, monkeypatch):
    monkeypatch.chdir(EXAMPLES)
    submitted = weir.projects.run(
        uri="experiment",
        entry_point="manual_logger",
        parameters={"max_iter": 10000},
        experiment_name="manual_logging",
        env_manager="local",
    )
    run = weir_client.get_run(submitted.run_id)
    assert run.data.params["max_iter"] == "10000"
    assert run.data.tags["mlflow.project.entryPoint"] == "manual_logger"


def test_the_workflow_chains_three_project_runs_by_run_id(weir_client):
    submitted = weir.projects.run(str(EXAMPLES / "workflow"), env_manager="local", parameters={"C": 0.5})
    runs = {r.info.run_id: r for r in all_runs(weir_client)}
    main = runs[submitted.run_id]
    steps = {name: runs[main.data.tags[f"workflow.{name}"]] for name in ("prepare", "train", "evaluate")}
    for step_name, step in steps.items():
        assert step.info.status == "FINISHED"
        assert step.data.tags["mlflow.parentRunId"] == main.info.run_id
        assert step.data.tags["mlflow.project.entryPoint"] == step_name
    data_run = steps["prepare"].info.run_id
    assert steps["train"].data.params == {"data_run_id": data_run, "C": "0.5"}
    assert steps["evaluate"].data.params["model_run_id"] == steps["train"].info.run_id
    assert main.data.metrics["test_accuracy"] == steps["evaluate"].data.metrics["test_accuracy"] > 0.9


def test_the_example_projects_declare_what_the_tutorial_needs():
    project = weir.projects.load_project(EXAMPLES / "experiment")
    assert project.env_type == "python" and project.env_file.name == "python_env.yaml"
    assert set(project.entry_points) == {"main", "manual_logger"}
    assert project.entry_points["main"].parameters["alpha"].type == "float"
    assert project.entry_points["manual_logger"].parameters["max_iter"].type == "int"
