"""Artifacts that plugins log from a worker thread: reads in the same process wait for them."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import weir
from weir.tracking import background


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setattr(background, "_waiters", [])
    return background.register_waiter


@pytest.fixture
def slow_plot(weir_store, registered, tmp_path):
    """Start a run whose artifact ``plot.txt`` is logged 0.2 s later by a background thread."""
    done = threading.Event()
    source = tmp_path / "plot.txt"
    source.write_text("drawn later")

    def draw_and_log(run_id: str) -> None:
        weir.MlflowClient().log_artifact(run_id, str(source))
        done.set()

    def start(run_id: str) -> threading.Event:
        threading.Timer(0.2, draw_and_log, args=(run_id,)).start()
        registered(lambda: done.wait(5))
        return done

    return start


def test_end_run_does_not_wait_for_background_work(slow_plot):
    with weir.start_run() as run:
        done = slow_plot(run.info.run_id)
    assert not done.is_set()  # the fit's caller does not pay for the plots
    weir.flush()
    assert done.is_set()


def test_listing_artifacts_waits_for_background_work(slow_plot):
    with weir.start_run() as run:
        slow_plot(run.info.run_id)
    assert [f.path for f in weir.MlflowClient().list_artifacts(run.info.run_id)] == ["plot.txt"]


def test_downloading_artifacts_waits_for_background_work(slow_plot, tmp_path):
    with weir.start_run() as run:
        slow_plot(run.info.run_id)
    local = weir.artifacts.download_artifacts(run_id=run.info.run_id, dst_path=str(tmp_path / "out"))
    assert Path(local, "plot.txt").read_text() == "drawn later"


def test_a_failing_waiter_is_a_warning_not_an_error(weir_store, registered):
    def broken() -> None:
        raise OSError("disk full")

    registered(broken)
    with pytest.warns(UserWarning, match="disk full"):
        weir.flush()
