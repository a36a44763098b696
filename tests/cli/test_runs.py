"""``weir runs``: list, describe, delete, restore."""

from __future__ import annotations

import json

import pytest
from weir.cli._output import format_timestamp
from weir.entities import LifecycleStage, RunStatus

START = 1_700_000_000_000


@pytest.fixture
def experiment_id(client) -> str:
    return client.create_experiment("alpha")


def _finished_run(client, experiment_id, name, acc, *, seconds=1.5, start=START):
    run = client.create_run(experiment_id, start_time=start, run_name=name)
    run_id = run.info.run_id
    client.log_param(run_id, "C", str(acc * 10))
    client.log_metric(run_id, "acc", 0.1, step=0)
    client.log_metric(run_id, "acc", acc, step=1)
    client.set_tag(run_id, "team", "vision")
    client.set_terminated(run_id, "FINISHED", end_time=start + int(seconds * 1000))
    return run_id


def _ids(output: str) -> list[str]:
    return [line.split()[0] for line in output.strip().splitlines()[2:]]


def test_list_shows_id_name_status_start_and_duration(weir, client, experiment_id):
    run_id = _finished_run(client, experiment_id, "good", 0.9)

    result = weir("runs", "list", "--experiment-id", experiment_id)

    lines = result.output.strip().splitlines()
    assert lines[0].split() == ["Run", "Id", "Name", "Status", "Start", "Time", "Duration"]
    assert set(lines[1]) <= {"-", " "}
    row = lines[2]
    assert row.startswith(run_id)
    for cell in ("good", RunStatus.FINISHED, format_timestamp(START), "1.5s"):
        assert cell in row


def test_list_of_a_running_run_has_an_empty_duration(weir, client, experiment_id):
    run = client.create_run(experiment_id, start_time=START, run_name="live")

    row = weir("runs", "list", "-x", experiment_id).output.strip().splitlines()[2]

    assert row.rstrip().endswith(format_timestamp(START))
    assert RunStatus.RUNNING in row and run.info.run_id in row


def test_list_filter_order_and_max_results(weir, client, experiment_id):
    low = _finished_run(client, experiment_id, "low", 0.3)
    mid = _finished_run(client, experiment_id, "mid", 0.6)
    high = _finished_run(client, experiment_id, "high", 0.9)

    filtered = weir("runs", "list", "-x", experiment_id, "--filter", "metrics.acc > 0.5")
    ordered = weir("runs", "list", "-x", experiment_id, "--order-by", "metrics.acc ASC")
    top = weir("runs", "list", "-x", experiment_id, "--order-by", "metrics.acc DESC", "--max-results", "1")

    assert set(_ids(filtered.output)) == {mid, high}
    assert _ids(ordered.output) == [low, mid, high]
    assert _ids(top.output) == [high]


def test_list_views_hide_or_show_deleted_runs(weir, client, experiment_id):
    kept = _finished_run(client, experiment_id, "kept", 0.5)
    gone = _finished_run(client, experiment_id, "gone", 0.5)
    client.delete_run(gone)

    assert _ids(weir("runs", "list", "-x", experiment_id).output) == [kept]
    assert _ids(weir("runs", "list", "-x", experiment_id, "--view", "deleted_only").output) == [gone]
    assert set(_ids(weir("runs", "list", "-x", experiment_id, "-v", "all").output)) == {kept, gone}


def test_list_by_experiment_name_and_across_experiments(weir, client, experiment_id):
    other = client.create_experiment("beta")
    first = _finished_run(client, experiment_id, "a", 0.5)
    second = _finished_run(client, other, "b", 0.5)

    by_name = weir("runs", "list", "--experiment-name", "beta")
    both = weir("runs", "list", "-x", experiment_id, "-x", other)

    assert _ids(by_name.output) == [second]
    assert set(_ids(both.output)) == {first, second}


def test_list_json_returns_info_and_data(weir, client, experiment_id):
    run_id = _finished_run(client, experiment_id, "good", 0.9)

    listed = json.loads(weir("runs", "list", "-x", experiment_id, "--json").output)

    assert listed[0]["info"]["run_id"] == run_id
    assert listed[0]["data"]["metrics"] == {"acc": 0.9}
    assert listed[0]["data"]["params"] == {"C": "9.0"}


def test_list_pages_through_more_runs_than_one_page(weir, client, experiment_id, monkeypatch):
    import weir.cli._output as output

    monkeypatch.setattr(output, "PAGE_SIZE", 2)
    run_ids = {_finished_run(client, experiment_id, f"r{i}", 0.5, start=START + i) for i in range(5)}

    assert set(_ids(weir("runs", "list", "-x", experiment_id).output)) == run_ids


def test_list_of_an_unknown_experiment_fails_with_one_line(weir_fails):
    result = weir_fails("runs", "list", "--experiment-id", "424242")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "424242" in result.stderr


def test_list_of_an_unknown_experiment_name_fails(weir_fails):
    result = weir_fails("runs", "list", "--experiment-name", "nope")

    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: Experiment with name 'nope' not found"


def test_list_without_an_experiment_is_a_usage_error(weir_fails):
    result = weir_fails("runs", "list")

    assert result.exit_code == 2
    assert "--experiment-id" in result.stderr


def test_list_with_a_bad_filter_fails_with_one_line(weir_fails, client, experiment_id):
    result = weir_fails("runs", "list", "-x", experiment_id, "--filter", "metrics.acc >>> 1")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


def test_describe_prints_info_params_latest_metrics_and_tags(weir, client, experiment_id):
    run_id = _finished_run(client, experiment_id, "good", 0.9)

    output = weir("runs", "describe", "--run-id", run_id).output

    assert output.splitlines()[0] == f"Run {run_id}"
    for expected in ("name", "good", "status", "FINISHED", "1.5s", format_timestamp(START)):
        assert expected in output
    params = output.split("Params:")[1].split("Metrics")[0]
    metrics = output.split("Metrics (latest):")[1].split("Tags:")[0]
    tags = output.split("Tags:")[1]
    assert params.split() == ["C", "9.0"]
    assert metrics.split() == ["acc", "0.9"]  # the latest value, not the first
    assert "team" in tags and "vision" in tags


def test_describe_marks_empty_sections(weir, client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id

    output = weir("runs", "describe", "-r", run_id).output

    assert output.split("Params:")[1].split("Metrics")[0].strip() == "(none)"


def test_describe_json_is_the_run_dictionary(weir, client, experiment_id):
    run_id = _finished_run(client, experiment_id, "good", 0.9)

    described = json.loads(weir("runs", "describe", "--run-id", run_id, "--json").output)

    assert described["info"]["run_id"] == run_id
    assert described["info"]["status"] == RunStatus.FINISHED
    assert described["data"]["metrics"] == {"acc": 0.9}
    assert described["data"]["params"] == {"C": "9.0"}
    assert described["data"]["tags"]["team"] == "vision"


def test_delete_and_restore_a_run(weir, client, experiment_id):
    run_id = _finished_run(client, experiment_id, "good", 0.9)

    deleted = weir("runs", "delete", "--run-id", run_id)
    stage = client.get_run(run_id).info.lifecycle_stage
    restored = weir("runs", "restore", "--run-id", run_id)

    assert deleted.output.strip() == f"Run with id {run_id} has been deleted."
    assert stage == LifecycleStage.DELETED
    assert restored.output.strip() == f"Run with id {run_id} has been restored."
    assert client.get_run(run_id).info.lifecycle_stage == LifecycleStage.ACTIVE


@pytest.mark.parametrize("command", ["describe", "delete", "restore"])
def test_commands_on_an_unknown_run_fail_with_one_line(weir_fails, command):
    result = weir_fails("runs", command, "--run-id", "0123456789abcdef0123456789abcdef")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Run with id=0123456789abcdef0123456789abcdef not found")
    assert result.stderr.count("\n") == 1
