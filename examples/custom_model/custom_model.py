"""A custom PythonModel with an artifact: logged into a run, then loaded back and scored.

python examples/custom_model/custom_model.py [tracking dir]
"""

import sys
import tempfile
from pathlib import Path

import pandas as pd
import weir


class PriceWithTax(weir.pyfunc.PythonModel):
    """Adds the tax rate read from an artifact file to every price."""

    def load_context(self, context):
        self.rate = float(Path(context.artifacts["tax_rate"]).read_text())

    def predict(self, context, model_input, params=None):
        discount = (params or {}).get("discount", 0.0)
        return model_input["price"] * (1 + self.rate) - discount


def main(tracking_dir: str) -> None:
    weir.set_tracking_uri(tracking_dir)
    weir.set_experiment("custom-model-example")
    with tempfile.TemporaryDirectory() as tmp:
        rate_file = Path(tmp) / "tax_rate.txt"
        rate_file.write_text("0.2")
        example = pd.DataFrame({"price": [10.0, 20.0]})
        signature = weir.models.infer_signature(example, params={"discount": 0.0})
        with weir.start_run() as run:
            info = weir.pyfunc.log_model(
                name="price_model",
                python_model=PriceWithTax(),
                artifacts={"tax_rate": str(rate_file)},
                signature=signature,
                input_example=example,
            )
    print("logged", info.model_uri, "in run", run.info.run_id)
    model = weir.pyfunc.load_model(info.model_uri)
    print(model.predict(pd.DataFrame({"price": [100.0]})).tolist())  # [120.0]
    print(model.predict(pd.DataFrame({"price": [100.0]}), params={"discount": 5.0}).tolist())  # [115.0]


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "weirruns")
