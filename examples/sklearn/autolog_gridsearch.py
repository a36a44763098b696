"""The MLflow tutorial's GridSearchCV autolog example, on weir.

    python examples/sklearn/autolog_gridsearch.py [--tracking-uri file:///tmp/weir-example]

The parent run gets params (with ``best_C``), ``best_cv_score``, training metrics, the three
training plots, ``cv_results.csv`` and two models (``model``: the fitted search, ``best_estimator``);
the 5 best candidates become child runs.
"""

from __future__ import annotations

import argparse
import tempfile
import warnings

import weir
from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracking-uri", default=f"file://{tempfile.mkdtemp(prefix='weir-example-')}/runs")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=ConvergenceWarning)  # the tutorial's max_iter=1000
    weir.set_tracking_uri(args.tracking_uri)
    weir.set_experiment(experiment_name="auto_logging")

    weir.autolog()  # every installed integration; weir.sklearn.autolog() for scikit-learn only

    data = datasets.load_breast_cancer()
    params = {"C": [1, 2, 3, 4, 5, 6, 7, 8, 9]}
    log_reg = LogisticRegression(max_iter=1000)
    grid_search = GridSearchCV(estimator=log_reg, param_grid=params)

    with weir.start_run() as run:
        grid_search.fit(X=data.data, y=data.target)
    weir.sklearn.wait_for_artifacts()  # the training plots are drawn on a background thread
    weir.autolog(disable=True)

    client = weir.MlflowClient()
    logged = client.get_run(run.info.run_id)
    print(f"tracking URI: {args.tracking_uri}")
    print(f"parent run:   {run.info.run_id}")
    print(f"best_C={logged.data.params['best_C']}  best_cv_score={logged.data.metrics['best_cv_score']:.4f}")
    print("artifacts:   ", ", ".join(sorted(f.path for f in client.list_artifacts(run.info.run_id))))
    children = client.search_runs(
        [run.info.experiment_id], filter_string=f"tags.mlflow.parentRunId = '{run.info.run_id}'"
    )
    print(f"child runs:   {len(children)}")
    model = weir.pyfunc.load_model(f"runs:/{run.info.run_id}/best_estimator")
    print("best_estimator predicts:", model.predict(data.data[:5]))


if __name__ == "__main__":
    main()
