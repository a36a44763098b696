"""Stages (with weir's stage history) and aliases through WeirClient."""

from __future__ import annotations

import datetime
import time

import pytest
from weir.exceptions import WeirException


@pytest.fixture
def churn(client):
    client.create_registered_model("churn")
    for index in range(3):
        client.create_model_version("churn", f"file:///m/{index + 1}")
    return "churn"


def stages(client, name):
    return {v.version: v.current_stage for v in client.search_model_versions(f"name = '{name}'")}


def test_transition_moves_a_version_and_returns_it(client, churn):
    version = client.transition_model_version_stage(churn, 1, "Staging")

    assert (version.version, version.current_stage) == ("1", "Staging")
    assert stages(client, churn) == {"1": "Staging", "2": "None", "3": "None"}


@pytest.mark.parametrize("spelling", ["production", "PRODUCTION", "Production", " production "])
def test_stage_names_are_case_insensitive_in_and_canonical_out(client, churn, spelling):
    version = client.transition_model_version_stage(churn, "2", spelling)

    assert version.current_stage == "Production"
    assert [v.version for v in client.get_latest_versions(churn, [spelling])] == ["2"]


def test_unknown_stage_raises_naming_it(client, churn):
    with pytest.raises(WeirException, match="Prod'") as info:
        client.transition_model_version_stage(churn, 1, "Prod")
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"


def test_transition_of_unknown_version_or_model_raises(client, churn):
    with pytest.raises(WeirException, match="version=9"):
        client.transition_model_version_stage(churn, 9, "Staging")
    with pytest.raises(WeirException, match="ghost"):
        client.transition_model_version_stage("ghost", 1, "Staging")


def test_without_archive_several_versions_share_a_stage(client, churn):
    client.transition_model_version_stage(churn, 1, "Production")
    client.transition_model_version_stage(churn, 2, "Production")

    assert stages(client, churn) == {"1": "Production", "2": "Production", "3": "None"}
    assert [v.version for v in client.get_latest_versions(churn, ["Production"])] == ["2"]


def test_archive_existing_versions_archives_the_others_in_that_stage_only(client, churn):
    client.transition_model_version_stage(churn, 1, "Production")
    client.transition_model_version_stage(churn, 2, "Staging")

    client.transition_model_version_stage(churn, 3, "Production", archive_existing_versions=True)

    assert stages(client, churn) == {"1": "Archived", "2": "Staging", "3": "Production"}


def test_archive_existing_versions_only_for_staging_or_production(client, churn):
    with pytest.raises(WeirException, match="archive_existing_versions"):
        client.transition_model_version_stage(churn, 1, "Archived", archive_existing_versions=True)


def test_get_latest_versions_gives_the_newest_per_stage(client, churn):
    client.transition_model_version_stage(churn, 1, "Production")
    client.transition_model_version_stage(churn, 2, "Staging")

    latest = {v.current_stage: v.version for v in client.get_latest_versions(churn)}
    assert latest == {"Production": "1", "Staging": "2", "None": "3"}
    assert [v.version for v in client.get_latest_versions(churn, stages=["None"])] == ["3"]
    assert [v.version for v in client.get_latest_versions(churn, stages="Staging")] == ["2"]
    assert client.get_latest_versions(churn, stages=["Archived"]) == []
    with pytest.raises(WeirException, match="ghost"):
        client.get_latest_versions("ghost")


def test_stage_history_records_every_transition_oldest_first(client, churn):
    client.transition_model_version_stage(churn, 1, "Staging")
    client.transition_model_version_stage(churn, 1, "Production")
    client.transition_model_version_stage(churn, 2, "Production", archive_existing_versions=True)

    history = [(h.version, h.from_stage, h.to_stage) for h in client.get_model_version_stage_history(churn)]
    assert history == [
        ("1", "None", "Staging"),
        ("1", "Staging", "Production"),
        ("2", "None", "Production"),
        ("1", "Production", "Archived"),
    ]
    one = client.get_model_version_stage_history(churn, version=1)
    assert [h.to_stage for h in one] == ["Staging", "Production", "Archived"]
    assert all(h.user_id and h.timestamp > 0 for h in one)
    assert client.get_model_version_stage_history(churn, "3") == []


def test_stage_history_outlives_a_deleted_version(client, churn):
    client.transition_model_version_stage(churn, 1, "Production")
    client.delete_model_version(churn, 1)

    assert [h.version for h in client.get_model_version_stage_history(churn)] == ["1"]


def test_stage_history_of_unknown_model_raises(client):
    with pytest.raises(WeirException, match="ghost"):
        client.get_model_version_stage_history("ghost")


def _tick() -> None:
    time.sleep(0.005)  # distinct millisecond timestamps between transitions


def test_version_in_stage_at_a_timestamp(client, churn):
    before = int(time.time() * 1000) - 1
    _tick()
    client.transition_model_version_stage(churn, 1, "Production")
    _tick()
    client.transition_model_version_stage(churn, 2, "Production", archive_existing_versions=True)
    _tick()
    client.transition_model_version_stage(churn, 2, "Archived")
    first, second, third = _transition_times(client, churn)

    assert client.get_model_version_in_stage_at(churn, "Production", before) is None
    assert client.get_model_version_in_stage_at(churn, "production", first) == "1"
    assert client.get_model_version_in_stage_at(churn, "Production", second) == "2"
    assert client.get_model_version_in_stage_at(churn, "Archived", second) == "1"
    assert client.get_model_version_in_stage_at(churn, "Production", third) is None
    assert client.get_model_version_in_stage_at(churn, "Archived", third) == "2"


def _transition_times(client, name):
    return sorted({h.timestamp for h in client.get_model_version_stage_history(name)})


def test_version_in_stage_at_accepts_datetimes_and_dates(client, churn):
    client.transition_model_version_stage(churn, 3, "Production")
    now = datetime.datetime.now()

    assert (
        client.get_model_version_in_stage_at(churn, "Production", now + datetime.timedelta(seconds=1)) == "3"
    )
    assert client.get_model_version_in_stage_at(churn, "Production", datetime.date.today()) == "3"
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    assert client.get_model_version_in_stage_at(churn, "Production", yesterday) is None
    with pytest.raises(WeirException, match="timestamp"):
        client.get_model_version_in_stage_at(churn, "Production", "yesterday")
    with pytest.raises(WeirException, match="Live"):
        client.get_model_version_in_stage_at(churn, "Live", now)


def test_versions_never_moved_count_as_in_stage_none(client, churn):
    later = int(time.time() * 1000) + 1000

    assert client.get_model_version_in_stage_at(churn, "None", later) == "3"


def test_alias_points_at_a_version_and_moves(client, churn):
    client.set_registered_model_alias(churn, "champion", 1)
    assert client.get_model_version_by_alias(churn, "champion").version == "1"
    assert client.get_registered_model(churn).aliases == {"champion": "1"}
    assert client.get_model_version(churn, 1).aliases == ["champion"]

    client.set_registered_model_alias(churn, "champion", "3")

    assert client.get_model_version_by_alias(churn, "champion").version == "3"
    assert client.get_model_version(churn, 1).aliases == []


def test_deleting_an_alias(client, churn):
    client.set_registered_model_alias(churn, "champion", 2)

    client.delete_registered_model_alias(churn, "champion")

    with pytest.raises(WeirException, match="champion") as info:
        client.get_model_version_by_alias(churn, "champion")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(WeirException, match="champion"):
        client.delete_registered_model_alias(churn, "champion")


def test_alias_on_unknown_version_or_model_raises(client, churn):
    with pytest.raises(WeirException, match="version=8"):
        client.set_registered_model_alias(churn, "champion", 8)
    with pytest.raises(WeirException, match="ghost"):
        client.set_registered_model_alias("ghost", "champion", 1)


@pytest.mark.parametrize("alias", ["latest", "v3", "has space", ""])
def test_reserved_or_malformed_aliases_are_rejected(client, churn, alias):
    with pytest.raises(WeirException, match="alias") as info:
        client.set_registered_model_alias(churn, alias, 1)
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"


def test_deleting_a_version_drops_its_aliases(client, churn):
    client.set_registered_model_alias(churn, "champion", 1)

    client.delete_model_version(churn, 1)

    assert client.get_registered_model(churn).aliases == {}


def test_get_model_version_stages_lists_the_four_stages(client, churn):
    assert client.get_model_version_stages(churn, 1) == ["None", "Staging", "Production", "Archived"]
    with pytest.raises(WeirException, match="version=9"):
        client.get_model_version_stages(churn, 9)
