"""``weir experiments``: create, list/search, delete, restore, rename."""

from __future__ import annotations

import json

from weir.entities import LifecycleStage


def _rows(output: str) -> list[list[str]]:
    """Table body rows split on runs of two or more spaces (header and rule dropped)."""
    import re

    lines = output.strip().splitlines()
    return [re.split(r"\s{2,}", line.strip()) for line in lines[2:]]


def test_create_prints_the_new_id_and_stores_the_experiment(weir, client):
    result = weir("experiments", "create", "--experiment-name", "alpha")

    experiment = client.get_experiment_by_name("alpha")
    assert result.output.strip() == f"Created experiment 'alpha' with id {experiment.experiment_id}"


def test_create_accepts_short_name_flag_and_artifact_location(weir, client, tmp_path):
    location = (tmp_path / "elsewhere").as_uri()

    result = weir("experiments", "create", "-n", "beta", "--artifact-location", location, "--json")

    created = json.loads(result.output)
    assert created["name"] == "beta"
    assert client.get_experiment(created["experiment_id"]).artifact_location == location


def test_create_with_a_taken_name_fails_with_one_line(weir, weir_fails):
    weir("experiments", "create", "-n", "alpha")

    result = weir_fails("experiments", "create", "-n", "alpha")

    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: ") and "alpha" in result.stderr


def test_list_shows_an_aligned_table_of_active_experiments(weir, client):
    alpha = client.create_experiment("alpha")
    gone = client.create_experiment("gone")
    client.delete_experiment(gone)

    result = weir("experiments", "list")

    header = result.output.splitlines()[0].split()
    assert header[:2] == ["Experiment", "Id"]
    rows = _rows(result.output)
    names = [row[1] for row in rows]
    assert "alpha" in names and "gone" not in names
    assert [row for row in rows if row[1] == "alpha"][0][0] == alpha
    # columns line up: every "Name" cell starts at the same offset
    lines = result.output.splitlines()
    offset = lines[0].index("Name")
    assert all(line[offset - 2 : offset] == "  " for line in lines[2:])


def test_list_views_select_deleted_or_all(weir, client):
    client.create_experiment("alpha")
    gone = client.create_experiment("gone")
    client.delete_experiment(gone)

    deleted = [row[1] for row in _rows(weir("experiments", "list", "--view", "deleted_only").output)]
    everything = [row[1] for row in _rows(weir("experiments", "list", "-v", "all").output)]

    assert deleted == ["gone"]
    assert {"alpha", "gone"} <= set(everything)


def test_search_is_an_alias_of_list(weir, client):
    client.create_experiment("alpha")

    assert weir("experiments", "search").output == weir("experiments", "list").output


def test_list_json_has_every_experiment_field(weir, client):
    experiment_id = client.create_experiment("alpha", tags={"team": "vision"})

    listed = json.loads(weir("experiments", "list", "--json").output)

    entry = next(e for e in listed if e["experiment_id"] == experiment_id)
    assert entry["name"] == "alpha"
    assert entry["lifecycle_stage"] == LifecycleStage.ACTIVE
    assert entry["tags"]["team"] == "vision"
    assert entry["artifact_location"]


def test_list_orders_by_id_numerically_and_honours_max_results(weir, client):
    for i in range(12):
        client.create_experiment(f"e{i}")

    listed = json.loads(weir("experiments", "list", "--json").output)
    ids = [e["experiment_id"] for e in listed]
    limited = json.loads(weir("experiments", "list", "--json", "--max-results", "3").output)

    assert ids == sorted(ids, key=int)
    assert len(limited) == 3


def test_list_filter_and_order_by_go_to_the_store(weir, client):
    for name in ("prod-a", "prod-b", "dev-c"):
        client.create_experiment(name)

    listed = json.loads(
        weir(
            "experiments", "list", "--json", "--filter", "name LIKE 'prod-%'", "--order-by", "name DESC"
        ).output
    )

    assert [e["name"] for e in listed] == ["prod-b", "prod-a"]


def test_list_with_a_bad_filter_fails_with_one_line(weir_fails):
    result = weir_fails("experiments", "list", "--filter", "name ===")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


def test_list_rejects_an_unknown_view(weir_fails):
    result = weir_fails("experiments", "list", "--view", "sometimes")

    assert result.exit_code == 2
    assert "sometimes" in result.stderr


def test_delete_then_restore_round_trips_the_lifecycle_stage(weir, client):
    experiment_id = client.create_experiment("alpha")

    deleted = weir("experiments", "delete", "--experiment-id", experiment_id)
    stage_after_delete = client.get_experiment(experiment_id).lifecycle_stage
    restored = weir("experiments", "restore", "-x", experiment_id)

    assert deleted.output.strip() == f"Experiment with id {experiment_id} has been deleted."
    assert stage_after_delete == LifecycleStage.DELETED
    assert restored.output.strip() == f"Experiment with id {experiment_id} has been restored."
    assert client.get_experiment(experiment_id).lifecycle_stage == LifecycleStage.ACTIVE


def test_rename_changes_the_name(weir, client):
    experiment_id = client.create_experiment("alpha")

    result = weir("experiments", "rename", "-x", experiment_id, "--new-name", "omega")

    assert result.output.strip() == f"Experiment with id {experiment_id} has been renamed to 'omega'."
    assert client.get_experiment(experiment_id).name == "omega"


def test_commands_on_an_unknown_experiment_fail_with_one_line(weir_fails):
    for command in (["delete"], ["restore"], ["rename", "--new-name", "x"]):
        result = weir_fails("experiments", *command, "--experiment-id", "987654")

        assert result.exit_code == 1, command
        assert result.stderr.startswith("Error: "), command
        assert result.stderr.count("\n") == 1, command
        assert "987654" in result.stderr, command


def test_missing_required_option_is_a_usage_error(weir_fails):
    result = weir_fails("experiments", "create")

    assert result.exit_code == 2
    assert "--experiment-name" in result.stderr


def test_tracking_uri_defaults_to_the_environment(client, tracking_uri, monkeypatch):
    from click.testing import CliRunner
    from weir.cli import cli

    client.create_experiment("from-env")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", tracking_uri)

    result = CliRunner().invoke(cli, ["experiments", "list"], catch_exceptions=False)

    assert "from-env" in result.output
