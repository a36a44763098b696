"""Manual logging with weir: a LogisticRegression for a few C values, one nested child run each.

Run it from any folder: results go to ./weirruns (or to WEIR_TRACKING_URI when set).

    python examples/tracking/manual_logging.py
"""

import os
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import weir as mlflow
from sklearn import datasets
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def main() -> None:
    mlflow.set_experiment("manual_logging")
    data = datasets.load_breast_cancer()
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, stratify=data.target, random_state=42
    )
    c_values = [0.01, 0.1, 1.0, 10.0]
    scores = []
    with mlflow.start_run(run_name="PARENT_RUN", description="LogisticRegression over C") as parent:
        mlflow.log_param("dataset", "breast_cancer")
        for c in c_values:
            with mlflow.start_run(run_name=f"C={c}", nested=True):
                model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=1000))
                model.fit(X_train, y_train)
                accuracy = model.score(X_test, y_test)
                mlflow.log_param("C", c)
                mlflow.log_metric("accuracy", accuracy)
                mlflow.log_metric("f1", f1_score(y_test, model.predict(X_test)))
                # a loss curve: one point per step, buffered and written in batches
                for step, fraction in enumerate((0.25, 0.5, 0.75, 1.0)):
                    n = int(len(X_train) * fraction)
                    mlflow.log_metric("train_accuracy", model.score(X_train[:n], y_train[:n]), step=step)
                scores.append(accuracy)

        best = c_values[scores.index(max(scores))]
        mlflow.log_metric("best_accuracy", max(scores))
        mlflow.log_param("best_C", best)
        with tempfile.TemporaryDirectory() as tmp:
            summary = os.path.join(tmp, "summary.txt")
            with open(summary, "w") as handle:
                for c, score in zip(c_values, scores, strict=True):
                    handle.write(f"C={c}: accuracy={score:.4f}\n")
            mlflow.log_artifact(summary, artifact_path="reports")
        mlflow.log_dict({"c_values": c_values, "accuracy": scores}, "reports/scores.json")
        fig, ax = plt.subplots(figsize=(5, 3))
        ax.semilogx(c_values, scores, marker="o")
        ax.set_xlabel("C")
        ax.set_ylabel("test accuracy")
        mlflow.log_figure(fig, "plots/accuracy_vs_C.png")
        plt.close(fig)

    print(f"Logged parent run {parent.info.run_id} with {len(c_values)} child runs (best C={best}).")
    print(f"Tracking URI: {mlflow.get_tracking_uri()}")
    print("Look at the results with:")
    print("  weir runs list --experiment-name manual_logging")
    print("  weir ui            # then open http://127.0.0.1:5000")


if __name__ == "__main__":
    main()
