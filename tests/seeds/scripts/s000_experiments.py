"""Seed 000_ddb88c1a4d57db56.txt, code blocks [0, 1] in order, verbatim except: snippets dedented, `mlflow` imports
mapped to `weir`, http://127.0.0.1:5000/ replaced by the local store "weirruns"."""

# [seed block 0]
import weir as mlflow
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn import datasets

# [seed block 1]
# Creating an experiment
exp_id = mlflow.create_experiment(name="test")

# Select an existing experiment
mlflow.set_experiment(experiment_name="test")

# Delete an experiment
mlflow.delete_experiment(experiment_id=exp_id)
