"""Train a small PyTorch regressor the usual way, with TensorBoard, and let weir record it.

    python examples/pytorch/train.py            # then: weir ui  (or look in ./weirruns)

Nothing below is weir-specific except `import weir` and `weir.autolog()`: the loop, the SummaryWriter
and the model are plain PyTorch. weir turns the writer's scalars and hparams into metrics and
params, and we log the trained model so it can be loaded back anywhere with pyfunc.
"""

import numpy as np
import torch
import weir
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.tensorboard import SummaryWriter

weir.autolog()

# data: y = 3*x0 - 2*x1 + noise
torch.manual_seed(0)
X = torch.randn(512, 4)
y = (3 * X[:, :1] - 2 * X[:, 1:2]) + 0.1 * torch.randn(512, 1)
train = DataLoader(TensorDataset(X[:400], y[:400]), batch_size=32, shuffle=True)
X_val, y_val = X[400:], y[400:]


class Net(nn.Module):
    def __init__(self, hidden: int = 16):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(4, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, x):
        return self.layers(x)


lr, epochs = 0.01, 20
model = Net()
optimizer = torch.optim.Adam(model.parameters(), lr=lr)
loss_fn = nn.MSELoss()

with weir.start_run() as run:
    writer = SummaryWriter()  # ./runs/<date>_<host>, as usual
    step = 0
    for epoch in range(epochs):
        model.train()
        for xb, yb in train:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            writer.add_scalar("Loss/train_batch", loss.item(), step)  # per-step metric
            step += 1
        model.eval()
        with torch.no_grad():
            val_loss = loss_fn(model(X_val), y_val).item()
        writer.add_scalars("Loss", {"val": val_loss}, epoch)  # per-epoch metric "Loss/val"
    writer.add_hparams({"lr": lr, "epochs": epochs, "hidden": 16}, {"hparam/val_loss": val_loss})
    writer.close()

    example = X_val[:5].numpy()
    info = weir.pytorch.log_model(model, name="model", input_example=example)

# load it back the framework-agnostic way and check it predicts what the model does
loaded = weir.pyfunc.load_model(info.model_uri)
with torch.no_grad():
    expected = model(X_val).numpy()
np.testing.assert_allclose(loaded.predict(X_val.numpy()), expected, rtol=1e-5)
print(f"run {run.info.run_id}: val_loss={val_loss:.4f}; model at {info.model_uri} predicts the same values")
