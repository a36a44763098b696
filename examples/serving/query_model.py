"""Query a served model exactly as the seed tutorial does: records JSON, split JSON and CSV.

weir models serve -m model &           # port 5000 by default
python examples/serving/query_model.py [model.test.csv] [http://127.0.0.1:5000/invocations]
"""

from __future__ import annotations

import sys

import pandas as pd
import requests


def query(url, payload, headers={"Content-Type": "application/json"}):  # noqa: B006 (as in the tutorial)
    return requests.post(url=url, data=payload, headers=headers, timeout=30)


def main(test_csv: str = "model.test.csv", url: str = "http://127.0.0.1:5000/invocations") -> None:
    x_test_df = pd.read_csv(test_csv).head(5)

    # the tutorial posts the bare pandas JSON (no dataframe_records / dataframe_split wrapper)
    for orient in ("records", "split"):
        response = query(url=url, payload=x_test_df.to_json(orient=orient))
        print(f"to_json(orient={orient!r}) ->", response.status_code, response.json())

    # CSV, index column included (DataFrame.to_csv() writes it by default)
    response = query(url=url, payload=x_test_df.to_csv(), headers={"Content-Type": "text/csv"})
    print("to_csv() ->", response.status_code, response.json())

    # MLflow 2+/3 protocol, with the wrapper key
    payload = '{"dataframe_split": ' + x_test_df.to_json(orient="split") + "}"
    print("dataframe_split ->", query(url=url, payload=payload).json())

    # a request that does not match the signature gets a 400 naming the column
    response = query(url=url, payload=x_test_df.drop(columns=["mean radius"]).to_json(orient="split"))
    print("missing a column ->", response.status_code, response.json())


if __name__ == "__main__":
    main(*sys.argv[1:])
