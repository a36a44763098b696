"""Train the seed tutorial's model and save it to ./model (run this first).

    python examples/serving/train_and_save.py [model_dir]

Then serve it with:  weir models serve -m model   (and query it with query_model.py)
"""

from __future__ import annotations

import sys

import pandas as pd
import weir as mlflow
from sklearn import datasets
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from weir.models import ModelSignature
from weir.types import ColSpec, Schema


def main(path: str = "model") -> None:
    data = datasets.load_breast_cancer()
    x_train, x_test, y_train, _ = train_test_split(
        data.data, data.target, stratify=data.target, random_state=0
    )
    model = LogisticRegression(max_iter=5000).fit(x_train, y_train)

    # the signature the tutorial writes by hand: one double column per feature, a long output
    signature = ModelSignature(
        inputs=Schema([ColSpec(type="double", name=name) for name in data.feature_names]),
        outputs=Schema([ColSpec("long")]),
    )
    x_train_df = pd.DataFrame(x_train, columns=data.feature_names)
    mlflow.sklearn.save_model(
        sk_model=model, path=path, signature=signature, input_example=x_train_df.iloc[:2]
    )
    pd.DataFrame(x_test, columns=data.feature_names).to_csv(f"{path}.test.csv", index=False)
    print(f"saved the model to {path}/ and test rows to {path}.test.csv")


if __name__ == "__main__":
    main(*sys.argv[1:])
