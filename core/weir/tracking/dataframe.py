"""Runs to a pandas DataFrame with MLflow's ``search_runs`` columns, built column by column."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from weir.entities import Run

INFO_COLUMNS = ("run_id", "experiment_id", "status", "artifact_uri", "start_time", "end_time")


def _key_union(dicts: list[dict]) -> list[str]:
    keys: dict[str, None] = {}
    for d in dicts:
        for key in d:
            keys[key] = None
    return sorted(keys)


def runs_to_dataframe(runs: Sequence[Run]) -> Any:
    """``run_id, experiment_id, status, artifact_uri, start_time, end_time`` (UTC datetimes), then
    ``metrics.*`` (float, NaN when missing), ``params.*`` and ``tags.*`` (None when missing)."""
    import numpy as np
    import pandas as pd

    infos = [run.info for run in runs]
    datas = [run.data for run in runs]
    columns: dict[str, Any] = {
        "run_id": [i.run_id for i in infos],
        "experiment_id": [i.experiment_id for i in infos],
        "status": [i.status for i in infos],
        "artifact_uri": [i.artifact_uri for i in infos],
    }
    for name in ("start_time", "end_time"):
        millis = np.array(
            [np.nan if getattr(i, name) is None else getattr(i, name) for i in infos], dtype="float64"
        )
        columns[name] = pd.to_datetime(millis, unit="ms", utc=True)

    metrics = [d.metrics for d in datas]
    for key in _key_union(metrics):
        columns["metrics." + key] = np.array([m.get(key, np.nan) for m in metrics], dtype="float64")
    params = [d.params for d in datas]
    for key in _key_union(params):
        columns["params." + key] = [p.get(key) for p in params]
    tags = [d.tags for d in datas]
    for key in _key_union(tags):
        columns["tags." + key] = [t.get(key) for t in tags]
    return pd.DataFrame(columns, copy=False)
