"""Model versions through WeirClient: numbering, reads, updates, tags, search, deletes, waiting."""

from __future__ import annotations

import pytest
from weir.entities import ModelVersion
from weir.exceptions import WeirException


@pytest.fixture
def churn(client):
    client.create_registered_model("churn")
    return "churn"


def test_versions_are_numbered_1_2_3_per_model_as_strings(client, churn):
    client.create_registered_model("other")

    numbers = [client.create_model_version(churn, f"file:///m/{i}").version for i in range(3)]
    other = client.create_model_version("other", "file:///o").version

    assert numbers == ["1", "2", "3"]
    assert other == "1"


def test_version_numbers_are_not_reused_after_a_delete(client, churn):
    for _ in range(2):
        client.create_model_version(churn, "file:///m")
    client.delete_model_version(churn, 2)

    assert client.create_model_version(churn, "file:///m").version == "3"


def test_create_model_version_keeps_source_run_tags_link_and_description(client, churn, log_model_dir):
    run_id = log_model_dir()

    version = client.create_model_version(
        churn,
        "s3://bucket/model",
        run_id=run_id,
        tags={"stage": "candidate", "n": 5},
        run_link="http://ui/#/runs/x",
        description="first",
    )

    assert isinstance(version, ModelVersion)
    assert (version.name, version.version, version.current_stage, version.status) == (
        churn,
        "1",
        "None",
        "READY",
    )
    assert version.source == "s3://bucket/model"
    assert version.run_id == run_id
    assert version.run_link == "http://ui/#/runs/x"
    assert version.description == "first"
    assert version.tags == {"stage": "candidate", "n": "5"}
    assert version.user_id
    assert client.get_model_version(churn, "1") == version


def test_create_model_version_for_unknown_model_raises_naming_it(client):
    with pytest.raises(WeirException, match="ghost") as info:
        client.create_model_version("ghost", "file:///m")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


@pytest.mark.parametrize("source", ["", None])
def test_create_model_version_needs_a_source(client, churn, source):
    with pytest.raises(WeirException, match="source"):
        client.create_model_version(churn, source)


def test_versions_are_accepted_as_int_or_str(client, churn):
    client.create_model_version(churn, "file:///m")

    assert client.get_model_version(churn, 1).version == "1"
    assert client.get_model_version(churn, "1").version == "1"
    assert client.get_model_version(churn, " 1 ").version == "1"


@pytest.mark.parametrize("bad", [0, -1, "x", "1.5", True, None])
def test_invalid_versions_raise_naming_the_value(client, churn, bad):
    with pytest.raises(WeirException, match="Invalid model version") as info:
        client.get_model_version(churn, bad)
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"


def test_unknown_version_raises_naming_model_and_version(client, churn):
    client.create_model_version(churn, "file:///m")

    with pytest.raises(WeirException, match=r"churn.*7") as info:
        client.get_model_version(churn, 7)
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_update_model_version_sets_description(client, churn):
    client.create_model_version(churn, "file:///m")

    updated = client.update_model_version(churn, 1, description="better")

    assert updated.description == "better"
    assert client.get_model_version(churn, "1").description == "better"


def test_delete_model_version_removes_only_that_version(client, churn):
    for _ in range(2):
        client.create_model_version(churn, "file:///m")

    client.delete_model_version(churn, "1")

    with pytest.raises(WeirException, match="not found"):
        client.get_model_version(churn, 1)
    assert client.get_model_version(churn, 2).version == "2"
    with pytest.raises(WeirException):
        client.delete_model_version(churn, 1)


def test_model_version_tags_by_version(client, churn):
    client.create_model_version(churn, "file:///m")

    client.set_model_version_tag(churn, 1, "validated", True)
    client.set_model_version_tag(churn, "1", "owner", "ana")
    assert client.get_model_version(churn, 1).tags == {"validated": "True", "owner": "ana"}

    client.delete_model_version_tag(churn, 1, "owner")
    assert client.get_model_version(churn, 1).tags == {"validated": "True"}
    with pytest.raises(WeirException, match="owner"):
        client.delete_model_version_tag(churn, 1, "owner")


def test_model_version_tags_by_stage_pick_the_newest_version_in_it(client, churn):
    for _ in range(3):
        client.create_model_version(churn, "file:///m")
    client.transition_model_version_stage(churn, 1, "Staging")
    client.transition_model_version_stage(churn, 2, "Staging")

    client.set_model_version_tag(churn, key="qa", value="passed", stage="staging")

    assert client.get_model_version(churn, 2).tags == {"qa": "passed"}
    assert client.get_model_version(churn, 1).tags == {}
    client.delete_model_version_tag(churn, key="qa", stage="Staging")
    assert client.get_model_version(churn, 2).tags == {}


def test_model_version_tag_needs_exactly_one_of_version_and_stage(client, churn):
    client.create_model_version(churn, "file:///m")

    with pytest.raises(WeirException, match="exactly one of version or stage"):
        client.set_model_version_tag(churn, key="k", value="v")
    with pytest.raises(WeirException, match="exactly one of version or stage"):
        client.set_model_version_tag(churn, 1, "k", "v", stage="Staging")
    with pytest.raises(WeirException, match="Production"):
        client.set_model_version_tag(churn, key="k", value="v", stage="Production")
    with pytest.raises(WeirException, match="needs a key"):
        client.set_model_version_tag(churn, 1)


def test_search_model_versions_filters_and_pages(client, churn, log_model_dir):
    run_id = log_model_dir()
    client.create_registered_model("other")
    client.create_model_version(churn, "file:///a", run_id=run_id)
    client.create_model_version(churn, "file:///b", tags={"k": "v"})
    client.create_model_version("other", "file:///c", run_id=run_id)

    by_name = client.search_model_versions(f"name = '{churn}'")
    assert sorted(v.version for v in by_name) == ["1", "2"]
    by_run = client.search_model_versions(f"run_id = '{run_id}'")
    assert sorted((v.name, v.version) for v in by_run) == [("churn", "1"), ("other", "1")]
    assert [v.source for v in client.search_model_versions("tags.k = 'v'")] == ["file:///b"]

    page = client.search_model_versions(max_results=2)
    assert len(page) == 2 and page.token
    assert len(client.search_model_versions(max_results=2, page_token=page.token)) == 1


def test_download_uri_is_the_source(client, churn):
    client.create_model_version(churn, "s3://bucket/path/model")

    assert client.get_model_version_download_uri(churn, 1) == "s3://bucket/path/model"
    with pytest.raises(WeirException, match="not found"):
        client.get_model_version_download_uri(churn, 2)


def test_await_creation_for_must_be_a_non_negative_number(client, churn):
    with pytest.raises(WeirException, match="await_creation_for"):
        client.create_model_version(churn, "file:///m", await_creation_for=-1)


class _SlowRegistry:
    """A registry store that reports new versions PENDING_REGISTRATION for the first reads."""

    def __init__(self, inner, pending_reads: int, final_status: str = "READY") -> None:
        self.inner = inner
        self.pending_reads = pending_reads
        self.final_status = final_status
        self.reads = 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def _with_status(self, version, status):
        fields = dict(version)
        fields["status"] = status
        fields["status_message"] = "copy failed" if status == "FAILED_REGISTRATION" else None
        return ModelVersion(**fields)

    def create_model_version(self, *args, **kwargs):
        return self._with_status(self.inner.create_model_version(*args, **kwargs), "PENDING_REGISTRATION")

    def get_model_version(self, name, version):
        self.reads += 1
        status = "PENDING_REGISTRATION" if self.reads <= self.pending_reads else self.final_status
        return self._with_status(self.inner.get_model_version(name, version), status)


def _client_on(store):
    from weir.tracking.client import WeirClient

    class SlowClient(WeirClient):
        @property
        def _registry_store(self):
            return store

    return SlowClient()


def test_create_model_version_waits_for_an_asynchronous_store(client, churn, monkeypatch):
    from weir.registry import client as registry_client

    monkeypatch.setattr(registry_client, "_POLL_SECONDS", 0.001)
    slow = _SlowRegistry(client._registry_store, pending_reads=3)

    version = _client_on(slow).create_model_version(churn, "file:///m", await_creation_for=5)

    assert version.status == "READY"
    assert slow.reads == 4


def test_create_model_version_reports_a_failed_registration(client, churn, monkeypatch):
    from weir.registry import client as registry_client

    monkeypatch.setattr(registry_client, "_POLL_SECONDS", 0.001)
    slow = _SlowRegistry(client._registry_store, pending_reads=1, final_status="FAILED_REGISTRATION")

    with pytest.raises(WeirException, match="copy failed"):
        _client_on(slow).create_model_version(churn, "file:///m")


def test_create_model_version_times_out_naming_the_version(client, churn, monkeypatch):
    from weir.registry import client as registry_client

    monkeypatch.setattr(registry_client, "_POLL_SECONDS", 0.001)
    slow = _SlowRegistry(client._registry_store, pending_reads=10**9)

    with pytest.raises(WeirException, match=r"churn.*version 1.*not READY"):
        _client_on(slow).create_model_version(churn, "file:///m", await_creation_for=0.05)


def test_no_wait_returns_the_pending_version(client, churn):
    slow = _SlowRegistry(client._registry_store, pending_reads=10**9)

    version = _client_on(slow).create_model_version(churn, "file:///m", await_creation_for=0)

    assert version.status == "PENDING_REGISTRATION"
    assert slow.reads == 0


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.update_registered_model("ghost", "d"),
        lambda c: c.delete_registered_model_tag("ghost", "k"),
        lambda c: c.get_model_version("ghost", 1),
        lambda c: c.update_model_version("ghost", 1, "d"),
        lambda c: c.delete_model_version("ghost", 1),
        lambda c: c.set_model_version_tag("ghost", 1, "k", "v"),
        lambda c: c.delete_model_version_tag("ghost", 1, "k"),
        lambda c: c.get_model_version_download_uri("ghost", 1),
        lambda c: c.get_model_version_by_alias("ghost", "champion"),
        lambda c: c.delete_registered_model_alias("ghost", "champion"),
        lambda c: c.get_model_version_in_stage_at("ghost", "Production", 0),
        lambda c: c.set_model_version_tag("ghost", key="k", value="v", stage="Production"),
    ],
)
def test_every_method_on_an_unknown_model_raises_naming_it(client, call):
    with pytest.raises(WeirException, match="ghost") as info:
        call(client)
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.update_model_version("churn", 4, "d"),
        lambda c: c.delete_model_version("churn", 4),
        lambda c: c.set_model_version_tag("churn", 4, "k", "v"),
        lambda c: c.delete_model_version_tag("churn", 4, "k"),
        lambda c: c.get_model_version_stage_history("churn", "x"),
    ],
)
def test_every_method_on_an_unknown_or_invalid_version_raises_naming_it(client, churn, call):
    with pytest.raises(WeirException, match=r"4|'x'"):
        call(client)
