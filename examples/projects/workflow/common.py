"""Helpers shared by the workflow steps: CSV data sets passed between runs as artifacts."""

import csv
import tempfile

import numpy as np
import weir


def write_csv(path: str, X, y) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([f"x{i}" for i in range(X.shape[1])] + ["label"])
        for features, label in zip(X, y, strict=True):
            writer.writerow([*features, label])


def read_csv(path: str):
    rows = np.loadtxt(path, delimiter=",", skiprows=1)
    return rows[:, :-1], rows[:, -1].astype(int)


def download(run_id: str, artifact_path: str) -> str:
    """A local copy of another run's artifact (the way steps hand data to each other)."""
    return weir.WeirClient().download_artifacts(run_id, artifact_path, tempfile.mkdtemp())
