"""Train one LogisticRegression and log params, metrics and the model into the project's run."""

import argparse

import weir
from sklearn import datasets
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def log_model(model) -> None:
    flavor = getattr(weir, "sklearn", None)  # the weir-sklearn plugin, when installed
    if flavor is None:
        print("weir-sklearn is not installed: the model is not logged")
        return
    flavor.log_model(sk_model=model, artifact_path="model")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alpha", type=float, default=1.0)
    parser.add_argument("--max-iter", type=int, default=1000)
    args = parser.parse_args()

    data = datasets.load_breast_cancer()
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, stratify=data.target, random_state=42
    )
    scaler = StandardScaler().fit(X_train)  # scaled features let lbfgs converge quickly
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    # weir run created the run and passed its id in MLFLOW_RUN_ID: start_run() resumes it.
    with weir.start_run():
        model = LogisticRegression(C=1.0 / args.alpha, max_iter=args.max_iter)
        model.fit(X_train, y_train)
        weir.log_param("C", model.C)
        weir.log_metric("train_accuracy", model.score(X_train, y_train))
        weir.log_metric("test_accuracy", model.score(X_test, y_test))
        log_model(model)
        print(f"test accuracy: {model.score(X_test, y_test):.3f}")


if __name__ == "__main__":
    main()
