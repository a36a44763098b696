import os
import sys

import pytest

pyspark = pytest.importorskip("pyspark")

import pandas as pd  # noqa: E402
import weir.pyfunc  # noqa: E402
from weir.models import ModelSignature  # noqa: E402
from weir.types import ColSpec, Schema  # noqa: E402


class SumModel(weir.pyfunc.PythonModel):
    def predict(self, model_input, params=None):
        return model_input["a"] + model_input["b"]


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # Spark's Python workers must run this interpreter (the one with weir installed), not "python3".
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)

    session = (
        SparkSession.builder.master("local[1]")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    try:
        yield session
    finally:
        session.stop()


@pytest.mark.slow
def test_spark_udf_scores_named_columns_and_structs(spark, tmp_path):
    from pyspark.sql.functions import struct

    signature = ModelSignature(Schema([ColSpec("double", "a"), ColSpec("double", "b")]))
    weir.pyfunc.save_model(tmp_path / "m", python_model=SumModel(), signature=signature)
    udf = weir.pyfunc.spark_udf(spark, str(tmp_path / "m"), result_type="double")
    df = spark.createDataFrame(pd.DataFrame({"a": [1.0, 2.0], "b": [10.0, 20.0]}))
    by_args = [row[0] for row in df.select(udf("a", "b")).collect()]
    by_struct = [row[0] for row in df.select(udf(struct("a", "b"))).collect()]
    assert by_args == by_struct == [11.0, 22.0]
