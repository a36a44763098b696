"""Small PyTorch models and data for the weir-pytorch tests (built in milliseconds)."""

from __future__ import annotations

import pytest
import torch
from torch import nn


class TinyRegressor(nn.Module):
    """4 features -> 1 output, with dropout so eval mode matters."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


class TokenModel(nn.Module):
    """Integer token ids in, one float per row out (int input must stay int)."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(10, 3)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.embed(ids).sum(dim=(1, 2)).unsqueeze(1)


@pytest.fixture
def regressor() -> TinyRegressor:
    torch.manual_seed(0)
    return TinyRegressor()


@pytest.fixture
def token_model() -> TokenModel:
    torch.manual_seed(0)
    return TokenModel()


@pytest.fixture(scope="session")
def features():
    import numpy as np

    return np.random.default_rng(0).normal(size=(20, 4)).astype("float32")


@pytest.fixture
def expected(regressor, features):
    """What the regressor predicts in eval mode."""
    regressor.eval()
    with torch.no_grad():
        out = regressor(torch.from_numpy(features)).numpy()
    regressor.train()
    return out
