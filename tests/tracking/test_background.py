"""Background work registered by plugins is waited for before a run ends."""

from __future__ import annotations

import threading

import pytest
import weir
from weir.tracking import background


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setattr(background, "_waiters", [])
    return background.register_waiter


def test_end_run_waits_for_registered_background_work(weir_store, registered, tmp_path):
    done = threading.Event()
    source = tmp_path / "plot.txt"
    source.write_text("drawn later")

    def draw_and_log(run_id: str) -> None:
        weir.MlflowClient().log_artifact(run_id, str(source))
        done.set()

    with weir.start_run() as run:
        threading.Timer(0.2, draw_and_log, args=(run.info.run_id,)).start()
        registered(lambda: done.wait(5))

    assert done.is_set()
    assert [f.path for f in weir.MlflowClient().list_artifacts(run.info.run_id)] == ["plot.txt"]


def test_a_failing_waiter_is_a_warning_not_an_error(weir_store, registered):
    def broken() -> None:
        raise OSError("disk full")

    registered(broken)
    with pytest.warns(UserWarning, match="disk full"):
        weir.flush()
