"""Running projects locally: the run weir creates, what it records, and how it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
import weir.projects
from weir.projects import ExecutionException

from .conftest import LOGGING_SCRIPT, all_runs, cli_env, weir_cli, write_project


def test_a_local_run_logs_params_tags_and_the_projects_own_metrics_into_one_run(weir_client, project):
    submitted = weir.projects.run(
        str(project), parameters={"n": 3}, experiment_name="projects", run_name="first", env_manager="local"
    )
    assert submitted.get_status() == "FINISHED"
    [run] = all_runs(weir_client)
    assert run.info.run_id == submitted.run_id and run.info.status == "FINISHED"
    assert run.info.run_name == "first"
    assert weir_client.get_experiment(run.info.experiment_id).name == "projects"
    assert run.data.params == {"alpha": "0.5", "n": "3", "label": "a b"}
    assert run.data.metrics == {"answer": 42.0}
    assert run.data.tags["argv"] == "--alpha 0.5 --n 3 --label a b"
    tags = run.data.tags
    assert tags["mlflow.source.type"] == "PROJECT"
    assert tags["mlflow.source.name"] == str(project)
    assert tags["mlflow.project.entryPoint"] == "main"
    assert tags["mlflow.project.env"] == "local"
    assert tags["mlflow.runName"] == "first"
    assert tags["mlflow.user"]
    assert "mlflow.source.git.commit" not in tags


def test_a_failing_command_ends_the_run_failed_and_raises(weir_client, project):
    with pytest.raises(ExecutionException, match="failed .*status 3") as info:
        weir.projects.run(str(project), entry_point="fail", env_manager="local")
    assert weir_client.get_run(info.value.run_id).info.status == "FAILED"


def test_the_child_gets_the_run_and_an_absolute_tracking_uri(tmp_path, monkeypatch, weir_client):
    write_project(
        tmp_path / "envcheck",
        {
            "show.py": "import os\nfor k in ('MLFLOW_RUN_ID','WEIR_RUN_ID','MLFLOW_TRACKING_URI','MLFLOW_EXPERIMENT_ID'):\n"
            "    print(k, os.environ[k])\n"
        },
    )
    monkeypatch.chdir(tmp_path)
    result = subprocess.run(
        [*weir_cli(), "run", "envcheck", "-e", "show.py", "--env-manager", "local"],
        env=cli_env("relative-store"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    values = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert values["MLFLOW_RUN_ID"] == values["WEIR_RUN_ID"]
    assert values["MLFLOW_TRACKING_URI"] == (tmp_path / "relative-store").as_uri()
    assert values["MLFLOW_EXPERIMENT_ID"] == "0"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"entry_point": "nope"}, "Unknown entry point 'nope'"),
        ({"parameters": {}}, "missing parameter 'n'"),
        ({"parameters": {"n": "x"}}, "Parameter 'n' must be an int"),
        ({"parameters": {"n": 1, "alpha": "big"}}, "Parameter 'alpha' must be a float"),
        ({"parameters": {"n": 1, "extra": 2}}, "Unknown parameter 'extra'"),
        ({"parameters": {"n": 1}, "experiment_id": "999"}, "No experiment with id '999'"),
        ({"parameters": {"n": 1}, "env_manager": "poetry"}, "Unknown env manager 'poetry'"),
        ({"parameters": {"n": 1}, "env_manager": "conda"}, "conda"),
        ({"parameters": {"n": 1}, "version": "main"}, "needs a git repository"),
    ],
)
def test_bad_input_is_reported_before_any_run_is_created(weir_client, project, kwargs, message):
    with pytest.raises(ExecutionException, match=message):
        weir.projects.run(str(project), **{"env_manager": "local", **kwargs})
    assert all_runs(weir_client) == []


def test_bad_project_locations_and_files_create_no_run(weir_client, tmp_path):
    with pytest.raises(ExecutionException, match="not found"):
        weir.projects.run(str(tmp_path / "missing"))
    broken = write_project(tmp_path / "broken", {"MLproject": "entry_points: {main: [x\n"})
    with pytest.raises(ExecutionException, match=f"Malformed MLproject file {broken / 'MLproject'}"):
        weir.projects.run(str(broken))
    with pytest.raises(ExecutionException, match="has no subdirectory 'sub'"):
        weir.projects.run(f"{broken}#sub")
    assert all_runs(weir_client) == []


def test_a_missing_path_parameter_is_named_before_the_run(weir_client, tmp_path):
    directory = write_project(
        tmp_path / "p",
        {"MLproject": "entry_points: {main: {parameters: {data: path}, command: 'cat {data}'}}"},
    )
    with pytest.raises(ExecutionException, match="Parameter 'data' \\(path\\): no such file"):
        weir.projects.run(
            str(directory), parameters={"data": str(tmp_path / "nope.csv")}, env_manager="local"
        )
    assert all_runs(weir_client) == []


def test_docker_projects_fail_clearly_without_a_docker_engine(weir_client, tmp_path):
    directory = write_project(
        tmp_path / "d",
        {"MLproject": "docker_env: {image: 'python:3.11'}\nentry_points: {main: {command: 'true'}}"},
    )
    engine = subprocess.run(["docker", "info"], capture_output=True) if _has("docker") else None
    if engine is not None and engine.returncode == 0:
        pytest.skip("a Docker engine is available here")
    with pytest.raises(ExecutionException, match="[Dd]ocker"):
        weir.projects.run(str(directory))
    assert all_runs(weir_client) == []


def _has(tool: str) -> bool:
    import shutil

    return shutil.which(tool) is not None


def test_a_py_file_without_mlproject_runs_with_parameters_as_flags(weir_client, tmp_path):
    directory = write_project(tmp_path / "plain", {"train.py": LOGGING_SCRIPT})
    submitted = weir.projects.run(str(directory), entry_point="train.py", parameters={"lr": 0.1})
    run = weir_client.get_run(submitted.run_id)
    assert run.data.tags["argv"] == "--lr 0.1" and run.data.params == {"lr": "0.1"}
    assert run.data.tags["mlflow.project.env"] == "local" and run.info.status == "FINISHED"


def test_a_sh_file_runs_with_bash(weir_client, tmp_path):
    directory = write_project(tmp_path / "sh", {"go.sh": 'test "$1" = --word && test "$2" = hello\n'})
    submitted = weir.projects.run(str(directory), entry_point="go.sh", parameters={"word": "hello"})
    assert weir_client.get_run(submitted.run_id).info.status == "FINISHED"


def test_a_run_started_inside_an_active_run_is_its_child(weir_client, project):
    with weir.start_run() as parent:
        submitted = weir.projects.run(str(project), parameters={"n": 1}, env_manager="local")
    run = weir_client.get_run(submitted.run_id)
    assert run.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert run.info.experiment_id == parent.info.experiment_id


def test_an_existing_run_can_be_reused(weir_client, project):
    run_id = weir_client.create_run("0").info.run_id
    submitted = weir.projects.run(str(project), parameters={"n": 2}, run_id=run_id, env_manager="local")
    assert submitted.run_id == run_id
    run = weir_client.get_run(run_id)
    assert (
        run.info.status == "FINISHED" and run.data.params["n"] == "2" and run.data.metrics["answer"] == 42.0
    )


def test_an_asynchronous_run_can_be_waited_for(weir_client, project):
    submitted = weir.projects.run(str(project), parameters={"n": 5}, synchronous=False, env_manager="local")
    assert submitted.wait() is True
    assert submitted.get_status() == "FINISHED"
    assert weir_client.get_run(submitted.run_id).data.params["n"] == "5"


def test_an_asynchronous_run_can_be_cancelled(weir_client, project):
    submitted = weir.projects.run(str(project), entry_point="sleep", synchronous=False, env_manager="local")
    _wait_until_started(weir_client, submitted.run_id)
    started = time.monotonic()
    submitted.cancel()
    assert time.monotonic() - started < 15
    assert submitted.get_status() == "KILLED"
    assert weir_client.get_run(submitted.run_id).info.status == "KILLED"


def _wait_until_started(client, run_id: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and client.get_run(run_id).info.status != "RUNNING":
        time.sleep(0.1)
    time.sleep(1.0)  # let the child reach its sleep


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupting_weir_run_stops_the_child_and_ends_the_run_killed(
    weir_store, weir_client, project, signum
):
    process = subprocess.Popen(
        [*weir_cli(), "run", str(project), "-e", "sleep", "--env-manager", "local"],
        env=cli_env(weir_store),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # as in a terminal (a test run started as a background job has SIGINT ignored, inherited here)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stdout.readline().strip() == "started"  # the child is running inside its run
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 128 + signum, stderr
    [run] = all_runs(weir_client)
    assert run.info.status == "KILLED"
    assert run.info.end_time is not None


def test_weir_run_cli_reports_bad_input_in_one_line(weir_store, project):
    result = subprocess.run(
        [*weir_cli(), "run", str(project), "-P", "n=1", "-P", "nope=2", "--env-manager", "local"],
        env=cli_env(weir_store),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: Unknown parameter 'nope' for entry point 'main' (declared parameters: alpha, label, n)"
    ]
    assert not os.path.exists(os.path.join(project, "weirruns"))


def test_a_runs_uri_path_parameter_is_downloaded_and_the_given_value_recorded(weir_client, tmp_path):
    source = weir_client.create_run("0").info.run_id
    weir_client.log_text(source, "hello", "inputs/data.txt")
    directory = write_project(
        tmp_path / "p",
        {
            "MLproject": "entry_points: {main: {parameters: {data: path}, command: 'python read.py {data}'}}",
            "read.py": "import sys, weir\nwith weir.start_run():\n    weir.set_tag('content', open(sys.argv[1]).read())\n",
        },
    )
    uri = f"runs:/{source}/inputs/data.txt"
    submitted = weir.projects.run(str(directory), parameters={"data": uri}, env_manager="local")
    run = weir_client.get_run(submitted.run_id)
    assert run.data.tags["content"] == "hello"
    assert run.data.params == {"data": uri}


def test_without_an_experiment_argument_the_run_goes_to_the_experiment_set_in_this_process(
    weir_client, project
):
    experiment = weir.set_experiment("chosen")
    submitted = weir.projects.run(str(project), parameters={"n": 1}, env_manager="local")
    assert weir_client.get_run(submitted.run_id).info.experiment_id == experiment.experiment_id
