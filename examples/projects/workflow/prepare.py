"""Step 1: split the breast cancer data set and log it as CSV artifacts (data/train.csv, data/test.csv)."""

import argparse
import os
import tempfile

import weir
from common import write_csv
from sklearn import datasets
from sklearn.model_selection import train_test_split

parser = argparse.ArgumentParser()
parser.add_argument("--test-size", type=float, default=0.25)
args = parser.parse_args()

data = datasets.load_breast_cancer()
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=args.test_size, stratify=data.target, random_state=0
)
with weir.start_run():
    folder = tempfile.mkdtemp()
    write_csv(os.path.join(folder, "train.csv"), X_train, y_train)
    write_csv(os.path.join(folder, "test.csv"), X_test, y_test)
    weir.log_artifacts(folder, artifact_path="data")
    weir.log_metrics({"train_rows": len(y_train), "test_rows": len(y_test)})
