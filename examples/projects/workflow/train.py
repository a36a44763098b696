"""Step 2: train on the CSV logged by the prepare run, log the fitted model as model/model.pkl."""

import argparse
import os
import pickle
import tempfile

import weir
from common import download, read_csv
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

parser = argparse.ArgumentParser()
parser.add_argument("--data-run-id", required=True)
parser.add_argument("--C", type=float, default=1.0)
args = parser.parse_args()

X, y = read_csv(download(args.data_run_id, "data/train.csv"))
model = make_pipeline(StandardScaler(), LogisticRegression(C=args.C, max_iter=1000)).fit(X, y)
with weir.start_run():
    weir.log_metric("train_accuracy", model.score(X, y))
    path = os.path.join(tempfile.mkdtemp(), "model.pkl")
    with open(path, "wb") as handle:
        pickle.dump(model, handle)
    weir.log_artifact(path, artifact_path="model")
