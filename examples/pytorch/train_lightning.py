"""Train a small Lightning model; weir logs params, per-epoch metrics, early stopping and the model.

    python examples/pytorch/train_lightning.py

Only `import weir` and `weir.autolog()` are weir's; everything else is ordinary Lightning.
"""

import lightning as L
import numpy as np
import torch
import weir
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

weir.autolog()

torch.manual_seed(0)
X = torch.randn(512, 4)
y = (3 * X[:, :1] - 2 * X[:, 1:2]) + 0.1 * torch.randn(512, 1)
train = DataLoader(TensorDataset(X[:400], y[:400]), batch_size=32, shuffle=True)
val = DataLoader(TensorDataset(X[400:], y[400:]), batch_size=112)


class Regressor(L.LightningModule):
    def __init__(self, lr: float = 0.01):
        super().__init__()
        self.lr = lr
        self.net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = nn.functional.mse_loss(self(x), y)
        self.log("train_loss", loss, on_epoch=True)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        self.log("val_loss", nn.functional.mse_loss(self(x), y))

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


model = Regressor()
trainer = L.Trainer(
    max_epochs=30,
    callbacks=[L.pytorch.callbacks.EarlyStopping(monitor="val_loss", patience=3)],
    enable_progress_bar=False,
    logger=False,
)
trainer.fit(model, train, val)

run = weir.last_active_run()
loaded = weir.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
with torch.no_grad():
    expected = model(X[400:]).numpy()
np.testing.assert_allclose(loaded.predict(X[400:].numpy()), expected, rtol=1e-5)
print(f"run {run.info.run_id}: {run.data.metrics} ; the logged model predicts the same values")
