"""pytest fixtures for weir and for third-party plugin authors (registered through ``pytest11``).

Installed with weir, so every test suite can use them; none is autouse, so suites that do not ask
for them are unaffected. Disable with ``pytest -p no:weir``.

- ``weir_store``: a fresh, empty store in a temp dir set as the tracking URI for one test; yields
  its URI. Experiment and run ids inherited from the environment are cleared for the test. Active runs are ended and the previous URI restored afterwards.
- ``weir_client``: a ``WeirClient`` bound to ``weir_store``.
- ``weir_strict_autolog``: ``WEIR_AUTOLOG_STRICT=1``: autolog's "warn instead of raise" safety net
  raises instead, so a plugin test cannot hide a logging failure.
- ``weir_autolog``: ``weir_strict_autolog`` + ``weir_store``; autolog configuration is reset before the
  test, and after it every integration is disabled and checked to be unpatched (the usual fixture
  for autolog tests).
- ``assert_unpatched``: ``assert_unpatched(*owners)`` fails if a weir patch is still installed on
  the given classes/modules (all patched ones when called without arguments).
- ``run_data``: ``run_data(run_id)`` -> ``LoggedRun`` (params, metrics, tags, status, artifacts).
- ``weir_register_plugin``: ``weir_register_plugin(obj, name)`` registers a plugin object for one test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

# Variables that point new runs elsewhere. MLflow's own set_experiment exports MLFLOW_EXPERIMENT_ID,
# so a suite that also drives the mlflow client would otherwise leak an experiment id into later tests.
_STORE_ENV_VARS = tuple(
    f"{prefix}_{name}"
    for prefix in ("WEIR", "MLFLOW")
    for name in ("TRACKING_URI", "REGISTRY_URI", "EXPERIMENT_ID", "EXPERIMENT_NAME", "RUN_ID")
)


@pytest.fixture
def weir_store(tmp_path, monkeypatch) -> Iterator[str]:
    import weir

    for var in _STORE_ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    uri = (tmp_path / "weirruns").as_uri()
    previous = weir.get_tracking_uri() if "WEIR_TRACKING_URI" in os.environ else None
    weir.set_tracking_uri(uri)
    try:
        yield uri
    finally:
        while weir.active_run() is not None:
            weir.end_run()
        weir.flush()
        weir.set_tracking_uri(previous)


@pytest.fixture
def weir_client(weir_store):
    from weir.tracking.client import WeirClient

    return WeirClient(tracking_uri=weir_store)


@pytest.fixture
def weir_strict_autolog(monkeypatch) -> None:
    monkeypatch.setenv("WEIR_AUTOLOG_STRICT", "1")


def _check_unpatched(*owners: Any) -> None:
    from weir.plugins.patching import find_weir_patches

    left = find_weir_patches(list(owners) if owners else None)
    assert not left, f"weir patches still installed: {', '.join(left)}"


@pytest.fixture
def assert_unpatched() -> Callable[..., None]:
    """``assert_unpatched(*owners)``: no weir proxy on these classes/modules (or on any patched one)."""
    return _check_unpatched


@pytest.fixture
def weir_autolog(weir_store, weir_strict_autolog) -> Iterator[str]:
    """Strict mode and a fresh store; afterwards autologging is disabled and nothing stays patched."""
    from weir.plugins import autolog

    autolog._reset_for_tests()  # start clean: no configuration left over from earlier tests
    owners: list[Any] = []
    try:
        yield weir_store
    finally:
        owners = autolog._all_patch_owners()
        for autologger in autolog.get_autologgers().values():
            autologger.uninstrument()
        autolog._reset_for_tests()
    if owners:
        _check_unpatched(*owners)


@dataclass
class LoggedRun:
    """What a run holds, read back from the store: for assertions in tests."""

    run_id: str
    status: str
    params: dict[str, str]
    metrics: dict[str, float]
    tags: dict[str, str]
    artifacts: list[str] = field(default_factory=list)

    @property
    def user_tags(self) -> dict[str, str]:
        """Tags without weir/MLflow system tags (``mlflow.*``)."""
        return {k: v for k, v in self.tags.items() if not k.startswith("mlflow.")}


def _artifact_paths(client: Any, run_id: str, path: str | None = None) -> list[str]:
    paths = []
    for info in client.list_artifacts(run_id, path):
        if info.is_dir:
            paths.extend(_artifact_paths(client, run_id, info.path))
        else:
            paths.append(info.path)
    return paths


@pytest.fixture
def run_data(weir_store) -> Callable[[str], LoggedRun]:
    """``run_data(run_id)`` -> ``LoggedRun`` with params, latest metrics, tags, status and artifact paths."""
    import weir
    from weir.tracking.client import WeirClient

    def read(run_id: str) -> LoggedRun:
        weir.flush()
        client = WeirClient(tracking_uri=weir_store)
        run = client.get_run(run_id)
        return LoggedRun(
            run_id=run.info.run_id,
            status=run.info.status,
            params=dict(run.data.params),
            metrics=dict(run.data.metrics),
            tags=dict(run.data.tags),
            artifacts=sorted(_artifact_paths(client, run_id)),
        )

    return read


@pytest.fixture
def weir_register_plugin() -> Iterator[Callable[[Any, str], None]]:
    """``weir_register_plugin(obj, name)``: register a plugin for this test only."""
    from weir.plugins.manager import register_plugin, unregister_plugin

    names: list[str] = []

    def register(plugin: Any, name: str) -> None:
        register_plugin(plugin, name)
        names.append(name)

    try:
        yield register
    finally:
        for name in reversed(names):
            unregister_plugin(name)
        from weir.plugins.autolog import get_autologgers

        get_autologgers()  # integrations of removed plugins are uninstrumented here
