"""Seed 000_ddb88c1a4d57db56.txt, code blocks [0, 5] in order, verbatim except: snippets dedented, `mlflow` imports
mapped to `weir`, http://127.0.0.1:5000/ replaced by the local store "weirruns"."""

# [seed block 0]
import weir as mlflow
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn import datasets

# [seed block 5]
# Set an experiment for automatic logging
mlflow.set_experiment(experiment_name="auto_logging")

# Run the autologger
# Checking if the script is executed directly
if __name__ == "__main__":
    # Enabling automatic logging for scikit-learn runs
    mlflow.sklearn.autolog()

    # Loading data
    data = datasets.load_breast_cancer()

    # Setting hyperparameter values to try
    params = {"C": [1, 2, 3, 4, 5, 6, 7, 8, 9]}

    # Instantiating LogisticRegression and GridSearchCV
    log_reg = LogisticRegression(max_iter=1000)
    grid_search = GridSearchCV(estimator=log_reg, param_grid=params)

    # Starting a logging run
    with mlflow.start_run() as run:
        # Fitting GridSearchCV
        grid_search.fit(X=data.data, y=data.target)

    # Disabling autologging
mlflow.sklearn.autolog(disable=True)
