"""The metric buffer: batches, order, durability at end_run/flush, failures, sync mode, fork."""

import os
import threading

import pytest
from weir.exceptions import WeirException
from weir.tracking import batching
from weir.tracking.uri import get_store


class RecordingStore:
    """Wraps a real store, recording log_batch calls and failing on demand."""

    def __init__(self, inner):
        self.inner = inner
        self.batches = []
        self.fail_with = None

    def log_batch(self, run_id, metrics=(), params=(), tags=()):
        if self.fail_with is not None:
            raise self.fail_with
        self.batches.append(len(metrics))
        self.inner.log_batch(run_id, metrics=metrics, params=params, tags=tags)

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.fixture
def recording(store):
    run = store.start_run()
    recorder = RecordingStore(get_store())
    object.__setattr__(run, "_store", recorder)
    yield store, run, recorder
    store.end_run()


def test_everything_logged_before_end_run_is_stored(store):
    with store.start_run() as run:
        for i in range(5000):
            store.log_metric("loss", float(i), step=i)
    history = store.MlflowClient().get_metric_history(run.info.run_id, "loss")
    assert [m.step for m in history] == list(range(5000))
    assert [m.value for m in history] == [float(i) for i in range(5000)]


def test_points_are_written_in_chunks_of_at_most_1000(recording):
    store, run, recorder = recording
    writer = batching.get_writer()
    with writer._write_lock:  # hold the background writer so everything lands in one flush
        for i in range(2500):
            store.log_metric("m", float(i), step=i)
    store.flush()
    assert sum(recorder.batches) == 2500
    assert max(recorder.batches) <= 1000


def test_flush_makes_points_visible_without_ending_the_run(recording):
    store, run, recorder = recording
    store.log_metric("m", 1.0)
    store.flush()
    assert batching.get_writer().pending() == 0
    assert recorder.inner.get_run(run.info.run_id).data.metrics == {"m": 1.0}


def test_a_failed_background_write_warns_keeps_points_and_raises_at_flush(recording):
    store, run, recorder = recording
    recorder.fail_with = RuntimeError("disk on fire")
    writer = batching.get_writer()
    with pytest.warns(UserWarning, match="disk on fire"):
        store.log_metric("m", 1.0, step=0)
        writer._write(background=True)
    store.log_metric("m", 2.0, step=1)  # queued behind the failed point
    writer._write(background=True)
    assert writer.pending() == 2
    with pytest.raises(WeirException, match="disk on fire") as info:
        store.flush()
    assert "2 metric point(s)" in info.value.message and run.info.run_id in info.value.message
    assert writer.pending() == 2  # transient error: kept for the next flush
    recorder.fail_with = None
    store.flush()
    history = store.MlflowClient().get_metric_history(run.info.run_id, "m")
    assert [(m.step, m.value) for m in history] == [(0, 1.0), (1, 2.0)]


def test_a_permanent_failure_is_reported_once_then_dropped(recording):
    store, run, recorder = recording
    recorder.fail_with = WeirException("run is gone", "RESOURCE_DOES_NOT_EXIST")
    store.log_metric("m", 1.0)
    with pytest.raises(WeirException, match="discarded"):
        store.flush()
    recorder.fail_with = None
    store.flush()  # nothing left to fail
    assert batching.get_writer().pending() == 0


def test_end_run_raises_a_write_failure_after_ending_the_run(store):
    run = store.start_run()
    recorder = RecordingStore(get_store())
    object.__setattr__(run, "_store", recorder)
    recorder.fail_with = RuntimeError("nope")
    store.log_metric("m", 1.0)
    with pytest.raises(WeirException, match="nope"):
        store.end_run()
    assert store.active_run() is None
    assert store.get_run(run.info.run_id).info.status == "FINISHED"
    recorder.fail_with = None
    store.flush()
    assert store.get_run(run.info.run_id).data.metrics == {"m": 1.0}


def test_synchronous_mode_writes_at_the_call(recording, monkeypatch):
    store, run, recorder = recording
    store.log_metric("a", 1.0, synchronous=True)
    assert recorder.batches == [1]
    monkeypatch.setenv("WEIR_ASYNC_LOGGING", "false")
    assert not batching.async_logging_enabled()
    store.log_metric("b", 2.0)
    assert recorder.batches == [1, 1]
    assert batching.get_writer().pending() == 0
    monkeypatch.setenv("WEIR_ASYNC_LOGGING", "true")
    assert batching.async_logging_enabled()


def test_synchronous_write_keeps_order_behind_buffered_points(recording):
    store, run, recorder = recording
    store.log_metric("m", 1.0, step=0)
    store.log_metric("m", 2.0, step=1, synchronous=True)
    history = recorder.inner.get_metric_history(run.info.run_id, "m")
    assert [m.value for m in history] == [1.0, 2.0]


def test_points_from_many_threads_are_all_stored(store):
    with store.start_run() as run:
        run_id = run.info.run_id

        def worker(n):
            for i in range(500):
                store.log_metric(f"k{n}", float(i), step=i, run_id=run_id)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    client = store.MlflowClient()
    for n in range(4):
        assert [m.value for m in client.get_metric_history(run_id, f"k{n}")] == [float(i) for i in range(500)]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_starts_with_a_fresh_writer(store):
    writer = batching.get_writer()
    with store.start_run():
        store.log_metric("m", 1.0)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            ok = writer._thread is None and writer.pending() == 0 and not writer._write_lock.locked()
            os.write(write, b"1" if ok else b"0")
            os._exit(0)
        os.waitpid(pid, 0)
        assert os.read(read, 1) == b"1"
