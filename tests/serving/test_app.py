"""The ASGI scoring app in-process: every input format, the health routes, and every error path."""

from __future__ import annotations

import json
import threading
import time

import pandas as pd
import pytest
from serving_support import FEATURES, expected, make_test_client
from weir.version import __version__

JSON_HEADERS = {"Content-Type": "application/json"}
CSV_HEADERS = {"Content-Type": "text/csv"}


def invoke(client, body, headers=JSON_HEADERS):
    payload = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post("/invocations", content=payload, headers=headers)


def assert_still_serving(client, frame):
    response = invoke(client, {"dataframe_split": frame.to_dict(orient="split")})
    assert response.status_code == 200
    assert response.json() == {"predictions": expected(frame)}


# ------------------------------------------------------------------------------------- health routes


@pytest.mark.parametrize("path", ["/ping", "/health"])
def test_health_routes_answer_200_with_a_newline(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.content == b"\n"
    assert response.headers["content-type"] == "application/json"


def test_version_returns_the_weir_version(client):
    response = client.get("/version")
    assert response.status_code == 200
    assert response.text == __version__


def test_unknown_path_is_a_json_404(client):
    response = client.get("/nope")
    assert response.status_code == 404
    assert response.json()["error_code"] == "ENDPOINT_NOT_FOUND"


def test_get_on_invocations_is_405(client):
    response = client.get("/invocations")
    assert response.status_code == 405
    assert "POST" in response.json()["message"]


# ------------------------------------------------------------------------------------- input formats


def test_dataframe_split_is_scored(client, frame):
    response = invoke(client, {"dataframe_split": frame.to_dict(orient="split")})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"predictions": expected(frame)}


def test_dataframe_records_is_scored(client, frame):
    response = invoke(client, {"dataframe_records": frame.to_dict(orient="records")})
    assert response.json() == {"predictions": expected(frame)}


def test_instances_rows_of_named_values_are_scored(client, frame):
    response = invoke(client, {"instances": frame.to_dict(orient="records")})
    assert response.json() == {"predictions": expected(frame)}


def test_inputs_columns_are_scored(client, frame):
    response = invoke(client, {"inputs": frame.to_dict(orient="list")})
    assert response.json() == {"predictions": expected(frame)}


def test_params_are_passed_to_predict(client, model, frame):
    response = invoke(client, {"dataframe_split": frame.to_dict(orient="split"), "params": {"scale": 10}})
    assert response.json() == {"predictions": expected(frame, scale=10)}
    assert model.calls[-1][1] == {"scale": 10}


def test_integers_in_double_columns_are_accepted(client):
    response = invoke(client, {"dataframe_split": {"columns": FEATURES, "data": [[1, 2, 3]]}})
    assert response.json() == {"predictions": [14.0]}


def test_raw_to_json_records_payload_as_the_seed_posts_it(client, frame):
    response = invoke(client, frame.to_json(orient="records"))
    assert response.status_code == 200
    assert response.json() == {"predictions": expected(frame)}


def test_raw_to_json_split_payload_as_the_seed_posts_it(client, frame):
    payload = frame.to_json(orient="split")
    assert set(json.loads(payload)) == {"columns", "index", "data"}
    response = invoke(client, payload)
    assert response.status_code == 200
    assert response.json() == {"predictions": expected(frame)}


def test_to_csv_with_its_index_column_as_the_seed_posts_it(client, model, frame):
    response = invoke(client, frame.to_csv(), CSV_HEADERS)
    assert response.status_code == 200
    assert response.json() == {"predictions": expected(frame)}
    scored = model.calls[-1][0]
    assert list(scored.columns) == FEATURES  # the index did not become an "Unnamed: 0" feature
    assert list(scored.index) == [7, 9]


def test_csv_without_an_index_column_is_scored(client, frame):
    response = invoke(client, frame.to_csv(index=False), CSV_HEADERS)
    assert response.json() == {"predictions": expected(frame)}


def test_utf8_charset_parameter_is_accepted(client, frame):
    headers = {"Content-Type": "application/json; charset=UTF-8"}
    response = invoke(client, {"dataframe_split": frame.to_dict(orient="split")}, headers)
    assert response.status_code == 200


# ---------------------------------------------------------------------------- errors keep the server up


def error_of(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error_code", "message"}
    return body


def test_bad_json_is_400_then_serving_continues(client, frame):
    body = error_of(invoke(client, '{"dataframe_split": '), 400)
    assert body["error_code"] == "BAD_REQUEST"
    assert "not valid JSON" in body["message"]
    assert_still_serving(client, frame)


def test_unknown_top_level_key_is_400_naming_it(client, frame):
    body = error_of(invoke(client, {"dataframe_split": frame.to_dict(orient="split"), "extra": 1}), 400)
    assert "'extra'" in body["message"]
    assert_still_serving(client, frame)


def test_several_format_keys_at_once_are_400(client, frame):
    payload = {"dataframe_records": [], "inputs": {"a": [1.0]}}
    body = error_of(invoke(client, payload), 400)
    assert "'dataframe_records', 'inputs'" in body["message"]
    assert_still_serving(client, frame)


def test_no_format_key_is_400(client, frame):
    body = error_of(invoke(client, {"params": {"scale": 1}}), 400)
    assert "exactly one of" in body["message"]


def test_params_that_are_not_an_object_are_400(client, frame):
    body = error_of(invoke(client, {"inputs": frame.to_dict(orient="list"), "params": [1]}), 400)
    assert "'params' must be a JSON object" in body["message"]


def test_schema_mismatch_is_400_naming_the_column(client, frame):
    payload = {"dataframe_split": frame.drop(columns=["c"]).to_dict(orient="split")}
    body = error_of(invoke(client, payload), 400)
    assert body["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "'c'" in body["message"]
    assert_still_serving(client, frame)


def test_oversize_body_is_413_then_serving_continues(client, frame):
    big = pd.DataFrame({name: [1.5] * 5000 for name in FEATURES})
    body = error_of(invoke(client, {"dataframe_split": big.to_dict(orient="split")}), 413)
    assert "65536 bytes" in body["message"]
    assert_still_serving(client, frame)


def test_oversize_streamed_body_without_content_length_is_413(client, frame):
    def chunks():
        yield b'{"inputs": ['
        for _ in range(3000):
            yield b"1.5, 1.5, 1.5, 1.5, 1.5, 1.5,"
        yield b"1.5]}"

    response = client.post("/invocations", content=chunks(), headers=JSON_HEADERS)
    error_of(response, 413)
    assert_still_serving(client, frame)


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/xml",
        "application/json; format=pandas-split",
        "application/json; charset=latin-1",
    ],
)
def test_unsupported_content_type_is_415_then_serving_continues(client, frame, content_type):
    response = invoke(client, frame.to_json(orient="split"), {"Content-Type": content_type})
    body = error_of(response, 415)
    assert "charset" in body["message"] or "Content-Type" in body["message"]
    assert_still_serving(client, frame)


def test_missing_content_type_is_415(client, frame):
    response = client.post("/invocations", content=frame.to_json(orient="split"))
    assert error_of(response, 415)["message"].startswith("Missing Content-Type")


def test_model_raising_is_500_with_its_message_then_serving_continues(client, frame):
    bad = frame.assign(a=-1.0)
    body = error_of(invoke(client, {"dataframe_split": bad.to_dict(orient="split")}), 500)
    assert body["error_code"] == "INTERNAL_ERROR"
    assert "ValueError: negative a is not supported" in body["message"]
    assert_still_serving(client, frame)


def test_unparseable_csv_is_400(client, frame):
    response = invoke(client, b"\xff\xfe", CSV_HEADERS)
    body = error_of(response, 400)
    assert "UTF-8" in body["message"]
    assert_still_serving(client, frame)


def test_csv_values_that_do_not_fit_the_schema_are_400_naming_the_column(client, frame):
    body = error_of(invoke(client, "a,b,c\n1.0,x,2.0\n", CSV_HEADERS), 400)
    assert "column 'b'" in body["message"]
    assert_still_serving(client, frame)


# --------------------------------------------------------------------------------------- concurrency


def test_slow_prediction_times_out_with_504(frame):
    from weir.serving.app import ScoringApp

    class Slow:
        def predict(self, data, params=None):
            time.sleep(0.5)
            return [1]

    with make_test_client(ScoringApp(Slow(), timeout=0.05)) as slow_client:
        response = invoke(slow_client, {"inputs": [1.0]})
        assert response.status_code == 504
        assert response.json()["error_code"] == "DEADLINE_EXCEEDED"


def test_ping_answers_while_a_prediction_is_running(frame):
    from weir.serving.app import ScoringApp

    started, release = threading.Event(), threading.Event()

    class Blocking:
        def predict(self, data, params=None):
            started.set()
            release.wait(5)
            return [0]

    with make_test_client(ScoringApp(Blocking(), timeout=10)) as blocking_client:
        worker = threading.Thread(target=invoke, args=(blocking_client, {"inputs": [1.0]}))
        worker.start()
        try:
            assert started.wait(5)
            assert blocking_client.get("/ping").status_code == 200  # answered while predict() blocks
        finally:
            release.set()
            worker.join(5)


def test_fast_small_requests_are_scored_on_the_event_loop_after_a_few():
    from weir.serving.app import ScoringApp

    threads: list[str] = []

    class Fast:
        def predict(self, data, params=None):
            threads.append(threading.current_thread().name)
            return [0]

    with make_test_client(ScoringApp(Fast())) as fast_client:
        for _ in range(8):
            assert invoke(fast_client, {"inputs": [1.0]}).status_code == 200
    assert threads[0].startswith("weir-scoring")  # unknown cost: the first one goes to the pool
    assert not threads[-1].startswith("weir-scoring")


def test_models_waiting_on_io_stay_in_the_thread_pool():
    from weir.serving.app import ScoringApp

    threads: list[str] = []

    class Waiting:
        def predict(self, data, params=None):
            threads.append(threading.current_thread().name)
            time.sleep(0.015)  # little CPU, but it would hold up the event loop
            return [0]

    with make_test_client(ScoringApp(Waiting())) as waiting_client:
        for _ in range(6):
            assert invoke(waiting_client, {"inputs": [1.0]}).status_code == 200
    assert all(name.startswith("weir-scoring") for name in threads)
