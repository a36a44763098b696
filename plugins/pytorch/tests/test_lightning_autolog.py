"""What autologging records from a Lightning ``Trainer.fit``, and that it never breaks training."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import torch
import weir
from torch import nn

L = pytest.importorskip("lightning")
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")


class LitRegressor(L.LightningModule):
    def __init__(self, fail_at_epoch: int | None = None) -> None:
        super().__init__()
        self.layer = nn.Linear(3, 1)
        self.fail_at_epoch = fail_at_epoch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layer(x)

    def training_step(self, batch, batch_idx):
        if self.fail_at_epoch is not None and self.current_epoch == self.fail_at_epoch:
            raise KeyError("user bug in training_step")
        x, y = batch
        loss = nn.functional.mse_loss(self(x), y)
        self.log("train_loss", loss, on_step=True, on_epoch=True)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        self.log("val_loss", nn.functional.mse_loss(self(x), y))

    def test_step(self, batch, batch_idx):
        x, y = batch
        self.log("test_loss", nn.functional.mse_loss(self(x), y))

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.05, momentum=0.9)


@pytest.fixture
def loader():
    torch.manual_seed(0)
    x = torch.randn(32, 3)
    data = torch.utils.data.TensorDataset(x, x.sum(1, keepdim=True))
    return torch.utils.data.DataLoader(data, batch_size=8)


def _trainer(tmp_path, epochs=3, callbacks=()):
    return L.Trainer(
        max_epochs=epochs,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        default_root_dir=str(tmp_path),
        callbacks=list(callbacks),
    )


def _history(run_id: str, key: str) -> list[tuple[int, float]]:
    return [(m.step, m.value) for m in weir.MlflowClient().get_metric_history(run_id, key)]


def _only_run(weir_client):
    (run,) = weir_client.search_runs(experiment_ids=["0"])
    return run


def test_fit_logs_params_epoch_metrics_summary_and_model(
    weir_autolog, weir_client, run_data, tmp_path, loader
):
    weir.pytorch.autolog(checkpoint=False)
    model = LitRegressor()
    _trainer(tmp_path).fit(model, loader, loader)
    run = _only_run(weir_client)
    logged = run_data(run.info.run_id)
    assert logged.status == "FINISHED" and logged.tags["mlflow.autologging"] == "lightning"
    assert logged.tags["Mode"] == "training"
    assert logged.params["epochs"] == "3" and logged.params["optimizer_name"] == "SGD"
    assert logged.params["lr"] == "0.05" and logged.params["momentum"] == "0.9"
    assert [s for s, _ in _history(run.info.run_id, "val_loss")] == [0, 1, 2]
    assert [s for s, _ in _history(run.info.run_id, "train_loss_epoch")] == [0, 1, 2]
    assert {"model_summary.txt", "model/MLmodel", "model/data/model.pth"} <= set(logged.artifacts)
    x = torch.randn(4, 3)
    with torch.no_grad():
        expected = model(x).numpy()
    pyfunc = weir.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
    np.testing.assert_allclose(pyfunc.predict(x.numpy()), expected, rtol=1e-5)
    signature = weir.models.Model.load(weir_client.download_artifacts(run.info.run_id, "model")).signature
    assert signature.inputs.to_dict()[0]["tensor-spec"]["shape"] == [-1, 3]
    assert "forward" not in vars(model)  # the signature capture is gone


def test_metric_values_are_the_trainers_callback_metrics(weir_autolog, weir_client, tmp_path, loader):
    weir.pytorch.autolog(log_models=False, checkpoint=False)
    trainer = _trainer(tmp_path, epochs=2)
    trainer.fit(LitRegressor(), loader, loader)
    run = _only_run(weir_client)
    assert _history(run.info.run_id, "val_loss")[-1][1] == pytest.approx(
        float(trainer.callback_metrics["val_loss"])
    )


def test_early_stopping_params_and_results(weir_autolog, weir_client, run_data, tmp_path, loader):
    weir.pytorch.autolog(log_models=False, checkpoint=False)
    early = L.pytorch.callbacks.EarlyStopping("val_loss", patience=1, min_delta=100.0)  # stops quickly
    _trainer(tmp_path, epochs=20, callbacks=[early]).fit(LitRegressor(), loader, loader)
    logged = run_data(_only_run(weir_client).info.run_id)
    assert logged.params["monitor"] == "val_loss" and logged.params["patience"] == "1"
    assert logged.params["mode"] == "min" and "min_delta" in logged.params
    assert logged.metrics["stopped_epoch"] == early.stopped_epoch > 0
    assert logged.metrics["restored_epoch"] == early.stopped_epoch - 1
    assert logged.metrics["best_score"] == pytest.approx(float(early.best_score))
    assert "wait_count" in logged.metrics


def test_log_every_n_step_logs_step_metrics(weir_autolog, weir_client, tmp_path, loader):
    weir.pytorch.autolog(log_models=False, checkpoint=False, log_every_n_step=2)
    _trainer(tmp_path, epochs=2).fit(LitRegressor(), loader, loader)
    steps = [s for s, _ in _history(_only_run(weir_client).info.run_id, "train_loss_step")]
    assert steps == [2, 4, 6, 8]


def test_test_metrics_after_fit_go_to_the_fit_run(weir_autolog, weir_client, run_data, tmp_path, loader):
    weir.pytorch.autolog(log_models=False, checkpoint=False)
    trainer = _trainer(tmp_path, epochs=1)
    model = LitRegressor()
    trainer.fit(model, loader, loader)
    trainer.test(model, loader, verbose=False)
    logged = run_data(_only_run(weir_client).info.run_id)
    assert "test_loss" in logged.metrics and logged.tags["Mode"] == "testing"


def test_best_checkpoint_is_logged_with_its_metrics(weir_autolog, weir_client, run_data, tmp_path, loader):
    weir.pytorch.autolog(log_models=False)
    _trainer(tmp_path, epochs=2).fit(LitRegressor(), loader, loader)
    run = _only_run(weir_client)
    logged = run_data(run.info.run_id)
    assert {"checkpoints/latest_checkpoint.pth", "checkpoints/latest_checkpoint_metrics.json"} <= set(
        logged.artifacts
    )
    assert logged.tags["mlflow.latest_checkpoint_artifact"] == "checkpoints/latest_checkpoint.pth"
    with open(
        weir_client.download_artifacts(run.info.run_id, "checkpoints/latest_checkpoint_metrics.json")
    ) as f:
        metrics = json.load(f)
    assert {"val_loss", "epoch", "global_step"} <= set(metrics)
    checkpoint = torch.load(
        weir_client.download_artifacts(run.info.run_id, "checkpoints/latest_checkpoint.pth"),
        weights_only=False,
    )
    assert "state_dict" in checkpoint


def test_user_exception_passes_through_and_the_run_fails(weir_autolog, weir_client, tmp_path, loader):
    weir.pytorch.autolog(checkpoint=False)
    with pytest.raises(KeyError, match="user bug in training_step") as info:
        _trainer(tmp_path).fit(LitRegressor(fail_at_epoch=1), loader, loader)
    assert type(info.value) is KeyError
    assert _only_run(weir_client).info.status == "FAILED"


def test_broken_store_is_a_warning_and_fit_still_trains(weir_autolog, monkeypatch, tmp_path, loader):
    from weir.plugins.safety import AutologgingWarning
    from weir.tracking.client import WeirClient

    monkeypatch.delenv("WEIR_AUTOLOG_STRICT", raising=False)
    weir.pytorch.autolog(checkpoint=False)
    store_class = type(WeirClient().store)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    model = LitRegressor()
    before = model.layer.weight.detach().clone()
    trainer = _trainer(tmp_path, epochs=2)
    with monkeypatch.context() as patched, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        patched.setattr(store_class, "log_batch", broken)
        assert trainer.fit(model, loader, loader) is None
    assert trainer.current_epoch == 2 and not torch.equal(before, model.layer.weight)
    assert any(issubclass(w.category, AutologgingWarning) and "disk full" in str(w.message) for w in caught)


def test_disable_restores_trainer_fit(weir_autolog, assert_unpatched):
    original = vars(L.Trainer)["fit"]
    weir.pytorch.autolog()
    assert vars(L.Trainer)["fit"] is not original
    weir.pytorch.autolog(disable=True)
    assert vars(L.Trainer)["fit"] is original
    assert_unpatched(L.Trainer)


def test_unsupported_lightning_version_is_skipped_with_a_warning(weir_autolog, monkeypatch):
    from weir.plugins.safety import AutologgingWarning
    from weir_pytorch._autolog import LightningAutologger

    monkeypatch.delenv("WEIR_AUTOLOG_STRICT", raising=False)
    monkeypatch.setattr(LightningAutologger, "supported", ("lightning >= 99",))
    original = vars(L.Trainer)["fit"]
    with pytest.warns(AutologgingWarning, match="lightning >= 99"):
        weir.pytorch.autolog()
    assert vars(L.Trainer)["fit"] is original
