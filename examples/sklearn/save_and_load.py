"""Save, log and load a scikit-learn model with weir, as the MLflow tutorial does.

    python examples/sklearn/save_and_load.py

Shows ``save_model`` to a directory, ``log_model`` to a run, loading both back as the native
estimator and as a pyfunc model (``predict`` and, with ``pyfunc_predict_fn``, ``predict_proba``).
"""

from __future__ import annotations

import os
import tempfile

import numpy as np
import pandas as pd
import weir as mlflow
from sklearn import datasets
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split


def main() -> None:
    workdir = tempfile.mkdtemp(prefix="weir-example-")
    mlflow.set_tracking_uri(f"file://{workdir}/runs")

    data = datasets.load_breast_cancer()
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, stratify=data.target, random_state=0
    )
    X_train_df = pd.DataFrame(X_train, columns=data.feature_names)
    X_test_df = pd.DataFrame(X_test, columns=data.feature_names)
    model = LogisticRegression(max_iter=5000).fit(X_train_df, y_train)

    signature = mlflow.models.infer_signature(X_train_df, model.predict(X_train_df))
    input_example = X_train_df.iloc[:3]

    # save_model: a model directory on disk
    saved_path = os.path.join(workdir, "model")
    mlflow.sklearn.save_model(
        sk_model=model, path=saved_path, signature=signature, input_example=input_example
    )

    # log_model: the same directory, as artifact "model" of a run
    with mlflow.start_run() as run:
        mlflow.sklearn.log_model(
            sk_model=model, artifact_path="model", signature=signature, input_example=input_example
        )
        mlflow.sklearn.log_model(model, artifact_path="proba_model", pyfunc_predict_fn="predict_proba")
    model_uri_logged = f"runs:/{run.info.run_id}/model"

    for uri in (saved_path, model_uri_logged):
        pyfunc_model = mlflow.pyfunc.load_model(model_uri=uri)
        sklearn_model = mlflow.sklearn.load_model(model_uri=uri)
        sklearn_predictions = sklearn_model.predict(X_test_df)
        pyfunc_predictions = np.asarray(pyfunc_model.predict(X_test_df))
        print(f"{uri}: predictions equal: {np.equal(pyfunc_predictions, sklearn_predictions).all()}")

    proba = mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/proba_model").predict(X_test_df)
    print("class probabilities of the first test rows:\n", np.round(np.asarray(proba)[:3], 3))
    print("predict_proba kept on the native model:", sklearn_model.predict_proba(X_test_df)[:1].round(3))


if __name__ == "__main__":
    main()
