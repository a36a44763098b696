"""Predictions -> JSON the way MLflow's scoring server encodes them."""

from __future__ import annotations

import datetime
import json

import numpy as np
import pandas as pd
from weir.serving.encoding import encode_predictions


def decoded(predictions):
    return json.loads(encode_predictions(predictions))


def test_ndarray_becomes_a_list():
    assert decoded(np.array([[1, 2], [3, 4]], dtype=np.int64)) == {"predictions": [[1, 2], [3, 4]]}


def test_dataframe_becomes_records():
    frame = pd.DataFrame({"label": ["a", "b"], "score": [0.25, 0.75]})
    assert decoded(frame) == {"predictions": [{"label": "a", "score": 0.25}, {"label": "b", "score": 0.75}]}


def test_series_becomes_the_records_of_its_frame_as_in_mlflow():
    assert decoded(pd.Series([1.5, 2.5], name="y")) == {"predictions": [{"y": 1.5}, {"y": 2.5}]}


def test_dict_of_arrays_and_numpy_scalars_are_converted_inside_containers():
    out = decoded({"probs": np.array([0.5, 0.5]), "n": np.int32(3), "when": datetime.date(2024, 1, 2)})
    assert out == {"predictions": {"probs": [0.5, 0.5], "n": 3, "when": "2024-01-02"}}


def test_bytes_are_base64_encoded():
    assert decoded([b"hi"]) == {"predictions": ["aGk="]}


def test_timestamps_in_frames_use_iso_format():
    frame = pd.DataFrame({"t": pd.to_datetime(["2024-05-06 07:08:09"])})
    assert decoded(frame) == {"predictions": [{"t": "2024-05-06T07:08:09"}]}
