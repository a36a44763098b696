"""Step 3: score the trained model on the prepared test split."""

import argparse
import pickle

import weir
from common import download, read_csv

parser = argparse.ArgumentParser()
parser.add_argument("--data-run-id", required=True)
parser.add_argument("--model-run-id", required=True)
args = parser.parse_args()

X, y = read_csv(download(args.data_run_id, "data/test.csv"))
with open(download(args.model_run_id, "model/model.pkl"), "rb") as handle:
    model = pickle.load(handle)
with weir.start_run():
    weir.log_metric("test_accuracy", model.score(X, y))
