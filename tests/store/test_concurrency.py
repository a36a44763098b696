"""Several processes and threads writing one database: nothing lost, no 'database is locked'."""

from __future__ import annotations

import multiprocessing
import os
import threading

from weir.entities import Metric, Param

WORKERS = 4
POINTS = 2000


def _log_from_process(db_path: str, run_id: str, worker: int) -> None:
    from weir.store.tracking.sqlite import SqliteTrackingStore

    store = SqliteTrackingStore(db_path)
    key = f"w{worker}"
    for start in range(0, POINTS, 100):
        store.log_batch(
            run_id,
            metrics=[Metric(key, float(i), 1000 + i, i) for i in range(start, start + 100)],
            params=[Param(f"{key}.p{start}", str(start))],
        )
        store.log_batch(run_id, params=[Param("shared", "same")])  # contended same-value param
    store.close()


def test_processes_writing_concurrently_lose_nothing(tmp_path):
    from weir.store.tracking.sqlite import SqliteTrackingStore

    db_path = str(tmp_path / "shared.db")
    store = SqliteTrackingStore(db_path)
    run_id = store.create_run("0", "u", 1, [], "shared").info.run_id
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_log_from_process, args=(db_path, run_id, w)) for w in range(WORKERS)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * WORKERS
    run = store.get_run(run_id)
    for worker in range(WORKERS):
        history = store.get_metric_history(run_id, f"w{worker}")
        assert [m.step for m in history] == list(range(POINTS))
        assert run.data.metrics[f"w{worker}"] == float(POINTS - 1)
    assert len(run.data.params) == WORKERS * POINTS // 100 + 1
    store.close()


def test_threads_share_a_store(store, run_id):
    errors = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                store.log_batch(run_id, metrics=[Metric(f"t{n}", float(i), i, i)])
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(len(store.get_metric_history(run_id, f"t{n}")) == 50 for n in range(4))


def test_store_keeps_working_in_a_forked_child(store, run_id):
    if not hasattr(os, "fork"):
        return
    store.get_run(run_id)  # opens a connection in the parent
    context = multiprocessing.get_context("fork")
    child = context.Process(
        target=store.log_batch, args=(run_id,), kwargs={"params": [Param("from", "child")]}
    )
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    assert store.get_run(run_id).data.params == {"from": "child"}
