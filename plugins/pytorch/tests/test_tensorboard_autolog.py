"""What autologging records from a vanilla loop's SummaryWriter, and that it never gets in the way."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import torch
import weir

pytest.importorskip("tensorboard")
from torch.utils.tensorboard import SummaryWriter  # noqa: E402
from torch.utils.tensorboard import writer as writer_module  # noqa: E402


def _history(run_id: str, key: str) -> list[tuple[int, float]]:
    return [(m.step, m.value) for m in weir.MlflowClient().get_metric_history(run_id, key)]


def _runs(weir_client) -> list:
    return weir_client.search_runs(experiment_ids=["0"])


def test_scalars_go_to_the_active_run_with_their_global_step(weir_autolog, run_data, tmp_path):
    weir.pytorch.autolog()
    writer = SummaryWriter(tmp_path / "tb")
    with weir.start_run() as run:
        for step in range(3):
            writer.add_scalar("Loss/train", torch.tensor(1.0 / (step + 1), requires_grad=True) * 1, step)
        writer.add_scalar("lr", 0.1)  # no global_step: step 0
    writer.close()
    assert _history(run.info.run_id, "Loss/train") == [(0, 1.0), (1, 0.5), (2, pytest.approx(1 / 3))]
    assert _history(run.info.run_id, "lr") == [(0, pytest.approx(0.1))]
    assert "mlflow.autologging" not in run_data(run.info.run_id).tags  # the user's own run


def test_without_an_active_run_each_writer_gets_one_run_ended_on_close(weir_autolog, weir_client, tmp_path):
    weir.pytorch.autolog(extra_tags={"team": "vision"})
    train, val = SummaryWriter(tmp_path / "train"), SummaryWriter(tmp_path / "val")
    for step in range(2):
        train.add_scalar("loss", 1.0 - step, step)
        val.add_scalar("loss", 2.0 - step, step)
    assert weir.active_run() is None  # the writers' runs never become the active run
    running = {r.info.run_name: r for r in _runs(weir_client)}
    assert set(running) == {"train", "val"} and {r.info.status for r in running.values()} == {"RUNNING"}
    train.close()
    val.close()
    runs = {r.info.run_name: r for r in _runs(weir_client)}
    assert {r.info.status for r in runs.values()} == {"FINISHED"}
    assert (
        runs["train"].data.tags["mlflow.autologging"] == "pytorch"
        and runs["train"].data.tags["team"] == "vision"
    )
    assert _history(runs["val"].info.run_id, "loss") == [(0, 2.0), (1, 1.0)]


def test_writer_runs_still_open_at_exit_are_ended(tmp_path):
    script = textwrap.dedent(
        f"""
        import weir
        weir.set_tracking_uri({(tmp_path / "runs").as_uri()!r})
        weir.autolog()
        from torch.utils.tensorboard import SummaryWriter
        SummaryWriter({str(tmp_path / "tb")!r}).add_scalar("loss", 0.5, 7)
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, timeout=120)
    weir.set_tracking_uri((tmp_path / "runs").as_uri())
    try:
        (run,) = weir.search_runs(output_format="list")
    finally:
        weir.set_tracking_uri(None)
    assert run.info.status == "FINISHED" and run.data.metrics == {"loss": 0.5}


def test_add_scalars_logs_one_metric_per_tag(weir_autolog, tmp_path):
    weir.pytorch.autolog()
    writer = SummaryWriter(tmp_path / "tb")
    with weir.start_run() as run:
        writer.add_scalars("accuracy", {"train": 0.9, "val": 0.8}, global_step=4)
    writer.close()
    assert _history(run.info.run_id, "accuracy/train") == [(4, pytest.approx(0.9))]
    assert _history(run.info.run_id, "accuracy/val") == [(4, pytest.approx(0.8))]


def test_add_hparams_logs_params_and_metrics_once(weir_autolog, run_data, tmp_path):
    weir.pytorch.autolog()
    writer = SummaryWriter(tmp_path / "tb")
    with weir.start_run() as run:
        writer.add_hparams({"lr": 0.01, "optimizer": "adam"}, {"hparam/accuracy": 0.75})
    writer.close()
    logged = run_data(run.info.run_id)
    assert logged.params == {"lr": "0.01", "optimizer": "adam"}
    assert _history(run.info.run_id, "hparam/accuracy") == [
        (0, 0.75)
    ]  # torch's inner add_scalar not logged again


def test_log_every_n_step_keeps_every_nth_step(weir_autolog, tmp_path):
    weir.pytorch.autolog(log_every_n_step=2)
    writer = SummaryWriter(tmp_path / "tb")
    with weir.start_run() as run:
        for step in range(5):
            writer.add_scalar("loss", float(step), step)
    writer.close()
    assert [s for s, _ in _history(run.info.run_id, "loss")] == [0, 2, 4]


def test_tags_with_characters_weir_refuses_are_cleaned(weir_autolog, run_data, tmp_path):
    weir.pytorch.autolog()
    writer = SummaryWriter(tmp_path / "tb")
    with weir.start_run() as run:
        writer.add_scalar("top@5 (val)", 0.5, 0)
    writer.close()
    assert "top_5 _val_" in run_data(run.info.run_id).metrics


def test_exclusive_does_not_log_into_the_users_run(weir_autolog, run_data, tmp_path):
    weir.pytorch.autolog(exclusive=True)
    writer = SummaryWriter(tmp_path / "tb")
    with weir.start_run() as run:
        writer.add_scalar("loss", 1.0, 0)
    writer.close()
    assert run_data(run.info.run_id).metrics == {}


def test_user_exception_passes_through_unchanged(weir_autolog, tmp_path):
    weir.pytorch.autolog()
    writer = SummaryWriter(tmp_path / "tb")
    with weir.start_run(), pytest.raises(NotImplementedError, match="numpy array or torch tensor") as info:
        writer.add_scalar("loss", object(), 0)  # torch itself refuses it, before weir sees the value
    assert type(info.value) is NotImplementedError
    writer.close()


def test_broken_store_is_a_warning_and_the_loop_goes_on(weir_autolog, monkeypatch, tmp_path):
    from weir.plugins.safety import AutologgingWarning

    monkeypatch.delenv("WEIR_AUTOLOG_STRICT", raising=False)
    weir.pytorch.autolog()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    writer = SummaryWriter(tmp_path / "tb")
    store_class = type(weir.MlflowClient().store)
    with monkeypatch.context() as patched:
        patched.setattr(store_class, "create_run", broken)
        with pytest.warns(AutologgingWarning, match="disk full"):
            assert writer.add_scalar("loss", 1.0, 0) is None
        calls = []
        patched.setattr(store_class, "create_run", lambda *a, **k: calls.append(1))
        for step in range(1, 4):  # the loop goes on, and weir does not retry the store every step
            assert writer.add_scalar("loss", 1.0, step) is None
        writer.add_hparams({"lr": 0.1}, {"m": 1.0})
        assert calls == []
    writer.close()


def test_disable_restores_the_original_methods(weir_autolog, assert_unpatched):
    names = ("add_scalar", "add_scalars", "add_hparams", "close")
    originals = {name: vars(SummaryWriter)[name] for name in names}
    weir.pytorch.autolog()
    assert all(vars(SummaryWriter)[name] is not originals[name] for name in names)
    weir.pytorch.autolog(disable=True)
    assert all(vars(SummaryWriter)[name] is originals[name] for name in names)
    assert_unpatched(SummaryWriter, writer_module)


def test_autolog_disabled_writer_logs_nothing(weir_autolog, weir_client, tmp_path):
    weir.pytorch.autolog()
    weir.autolog(disable=True)
    writer = SummaryWriter(tmp_path / "tb")
    writer.add_scalar("loss", 1.0, 0)
    writer.close()
    assert _runs(weir_client) == []


@pytest.mark.parametrize("order", ["autolog_first", "torch_first"])
def test_import_order_does_not_matter(tmp_path, order):
    script = textwrap.dedent(
        f"""
        import weir
        weir.set_tracking_uri({(tmp_path / "runs").as_uri()!r})
        if {order!r} == "autolog_first":
            weir.autolog()
        from torch.utils.tensorboard import SummaryWriter
        if {order!r} == "torch_first":
            weir.autolog()
        with weir.start_run() as run:
            writer = SummaryWriter({str(tmp_path / "tb")!r})
            writer.add_scalar("loss", 0.25, 3)
            writer.close()
        print(weir.get_run(run.info.run_id).data.metrics)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "{'loss': 0.25}"


def test_unsupported_torch_version_is_skipped_with_a_warning(weir_autolog, monkeypatch):
    from weir.plugins.safety import AutologgingWarning
    from weir_pytorch._autolog import TensorBoardAutologger

    monkeypatch.delenv("WEIR_AUTOLOG_STRICT", raising=False)
    monkeypatch.setattr(TensorBoardAutologger, "supported", ("torch >= 99",))
    original = vars(SummaryWriter)["add_scalar"]
    with pytest.warns(AutologgingWarning, match="torch >= 99"):
        weir.pytorch.autolog()
    assert vars(SummaryWriter)["add_scalar"] is original
