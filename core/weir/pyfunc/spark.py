"""Scoring Spark DataFrames with any pyfunc model, as a pandas UDF.

    >>> predict = weir.pyfunc.spark_udf(spark, "runs:/<run_id>/model", result_type="double")
    >>> df.withColumn("prediction", predict("x1", "x2"))          # or predict(struct("x1", "x2"))

The model directory is shipped to the executors with ``SparkContext.addFile`` and loaded once
per Python worker. Columns are named after the model's input signature when the counts match.
"""

from __future__ import annotations

import os
from typing import Any

from weir.exceptions import WeirException

__all__ = ["spark_udf"]

_SCALAR_TYPES = {
    "double": "float64",
    "float": "float32",
    "long": "int64",
    "bigint": "int64",
    "integer": "int32",
    "int": "int32",
    "boolean": "bool",
    "string": "object",
}


def _input_frame(args: tuple[Any, ...], names: list[Any] | None):
    import pandas as pd

    if len(args) == 1 and isinstance(args[0], pd.DataFrame):
        return args[0]
    columns = names if names and len(names) == len(args) else list(range(len(args)))
    return pd.DataFrame(
        {name: series.reset_index(drop=True) for name, series in zip(columns, args, strict=True)}
    )


def _as_result(output: Any, result_type: Any):
    import numpy as np
    import pandas as pd

    if isinstance(output, pd.DataFrame):
        output = output.iloc[:, 0] if isinstance(result_type, str) else output
    elif not isinstance(output, pd.Series):
        output = pd.Series(np.asarray(output).tolist() if np.ndim(output) > 1 else np.asarray(output))
    dtype = _SCALAR_TYPES.get(result_type.lower()) if isinstance(result_type, str) else None
    if dtype and dtype != "object":
        output = output.astype(dtype)
    elif dtype == "object":
        output = output.astype(str)
    return output.reset_index(drop=True)


def spark_udf(
    spark: Any,
    model_uri: str,
    result_type: Any = "double",
    env_manager: str | None = "local",
    params: dict[str, Any] | None = None,
) -> Any:
    """A Spark pandas UDF that runs ``model.predict`` on batches of rows."""
    if env_manager not in (None, "local"):
        raise WeirException.invalid_parameter_value(
            f"env_manager={env_manager!r} is not supported; weir's spark_udf uses the current environment ('local')"
        )
    from pyspark import SparkFiles
    from pyspark.sql.functions import pandas_udf

    from weir.models.model import Model
    from weir.models.uri import download_model

    local_path = os.path.abspath(download_model(model_uri))
    meta = Model.load(local_path)
    schema = meta.get_input_schema()
    names = schema.input_names() if schema is not None and not schema.is_tensor_spec() else None
    spark.sparkContext.addFile(local_path, recursive=True)
    shipped_name = os.path.basename(local_path.rstrip(os.sep))
    cache: dict[str, Any] = {}

    def _model():
        if "model" not in cache:
            from weir.pyfunc.loader import load_model

            shipped = SparkFiles.get(shipped_name)
            cache["model"] = load_model(
                shipped if os.path.isdir(shipped) else local_path, suppress_warnings=True
            )
        return cache["model"]

    def predict(*args):
        frame = _input_frame(args, names)
        return _as_result(_model().predict(frame, params=params), result_type)

    return pandas_udf(predict, result_type)
