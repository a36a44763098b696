"""The newcomer's example in examples/tensorflow runs and its model loads back and predicts the same."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "tensorflow" / "train.py"


def test_example_trains_logs_and_reloads_the_model(weir_autolog, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [str(EXAMPLE), "--tracking-uri", weir_autolog, "--epochs", "3"])
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    assert "(FINISHED)" in out and "'epochs': '3'" in out
    assert "predicts the same probabilities as the trained model: OK" in out
