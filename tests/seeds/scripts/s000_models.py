"""Seed 000_ddb88c1a4d57db56.txt, code blocks [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18] in order, verbatim except: snippets dedented, `mlflow` imports
mapped to `weir`, http://127.0.0.1:5000/ replaced by the local store "weirruns"."""

# --- harness prelude (not in the seed): names the tutorial uses without importing them ---
import numpy as np
# --- end of prelude ---

# [seed block 8]
# import dependencies
import weir as mlflow
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn import datasets
import pandas as pd
from weir.models import infer_signature, ModelSignature
from weir.types import Schema, ColSpec

# Loading data
data = datasets.load_breast_cancer()

# Splitting the data into train and test sets
X_train, X_test, y_train, y_test = train_test_split(data.data, 
                                                    data.target,
                                                    stratify=data.target)

# Instantiating and fitting the model
model = LogisticRegression(max_iter=1000)            
model.fit(X=X_train, y=y_train)

# [seed block 9]
# Convert train features into a DataFrame
X_train_df = pd.DataFrame(data=X_train, columns=data.feature_names)

# Inferthe input signature
signature = infer_signature(model_input=X_train_df, 
                        model_output=model.predict(X_test))
# Inspect the signature
print(signature)

# [seed block 10]
# Example input schema for the Iris dataset
input_schema = Schema(inputs=[
    ColSpec(type="double", name="sepal length (cm)"),
    ColSpec(type="double", name="sepal width (cm)"),
    ColSpec(type="double", name="petal length (cm)"),
    ColSpec(type="double", name="petal width (cm)"),
])

# Example input schema for the Iris dataset
output_schema = Schema(inputs=[ColSpec(type="long")])

# [seed block 11]
# Create an input schema for the breast cancer dataset
input_schema = Schema(inputs=[ColSpec(type="double", name=feature_name) 
                              for feature_name in data.feature_names])

# Create an output schema for the breast cancer dataset
output_schema = Schema(inputs=[ColSpec("long")])

# View the input schema
print(input_schema)

# View the output schema
print("\n", output_schema)

# Create a signature from our schemas
signature = ModelSignature(inputs=input_schema, outputs=output_schema)

# [seed block 12]
# Create an input example from our feature DataFrame
input_example = X_train_df.iloc[:2]

# [seed block 13]
# Specifying a conda environment
conda_env = {
    "channels": ["default"],
    "dependencies": ["pip"],
    "pip": ["mlflow", "cloudpickle==1.6.0"],
    "name": "mlflow-env"}

# Specifying pip requirements
pip_requirements = ["mlflow"]

# [seed block 14]
# Save the model 
mlflow.sklearn.save_model(sk_model=model, 
                          path="model", 
                          conda_env=conda_env, 
                          signature=signature,
                          input_example=input_example)

# [seed block 15]
# Save the model as an artifact during a run
with mlflow.start_run() as run:
    # Obtaining the ID of this run
    run_id = run.info.run_id

    # Logging our model
    mlflow.sklearn.log_model(sk_model=model, 
                             artifact_path="model", 
                             conda_env=conda_env, 
                             signature=signature,
                             input_example=input_example)

# [seed block 16]
# Path to the model saved with log_model
model_uri_logged = "runs:/{run_id}/model"

# Path to the model saved with save_model
model_uri_saved = "model"

# Load the model as a Python function
pyfunc_model = mlflow.pyfunc.load_model(model_uri=model_uri_saved)

# Load the model as a scikit-learn model
sklearn_model = mlflow.sklearn.load_model(model_uri=model_uri_saved)

# [seed block 17]
# Inference with the scikit-learn model
sklearn_predictions = sklearn_model.predict(X_test)

# Create a DataFrame from our test features
X_test_df = pd.DataFrame(X_test, columns=data.feature_names)

# Inferece with the Python function
pyfunc_predictions = pyfunc_model.predict(X_test_df)

# [seed block 18]
# Inspect the predictions
print(sklearn_predictions, 
      "\n\n", 
      np.equal(pyfunc_predictions, sklearn_predictions).all())
