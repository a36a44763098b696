"""The tutorial's manual logger: one child run per value of C under the project's run."""

import argparse

import weir
from sklearn import datasets
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-iter", type=int, default=1000)
    parser.add_argument("--alpha", type=float, default=1.0)
    args = parser.parse_args()

    data = datasets.load_breast_cancer()
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, stratify=data.target, random_state=42
    )
    scaler = StandardScaler().fit(X_train)  # scaled features let lbfgs converge quickly
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    best_model, best_score = None, -1.0
    with weir.start_run():
        for C in range(1, 10):
            with weir.start_run(run_name="CHILD_RUN", nested=True):
                model = LogisticRegression(C=C / args.alpha, max_iter=args.max_iter)
                model.fit(X=X_train, y=y_train)
                score = model.score(X_test, y_test)
                weir.log_param(key="C", value=C)
                weir.log_metric(key="Score", value=score)
            if score > best_score:
                best_model, best_score = model, score
        weir.log_metric("best_score", best_score)
        flavor = getattr(weir, "sklearn", None)  # the weir-sklearn plugin, when installed
        if flavor is not None:
            flavor.log_model(sk_model=best_model, artifact_path="model")
    print(f"best score: {best_score:.3f}")


if __name__ == "__main__":
    main()
