"""Model signatures: what a model takes (inputs, params) and returns (outputs).

>>> from weir.models.signature import infer_signature
>>> sig = infer_signature(train_df, model.predict(train_df), params={"threshold": 0.5})
>>> sig.to_dict()   # the MLmodel form: each part a JSON string
"""

from __future__ import annotations

from typing import Any

from weir.exceptions import WeirException
from weir.types.schema import ParamSchema, Schema

__all__ = ["ModelSignature", "infer_signature"]


class ModelSignature:
    """Input schema, optional output schema and optional params schema of a model."""

    def __init__(
        self,
        inputs: Schema | None = None,
        outputs: Schema | None = None,
        params: ParamSchema | None = None,
    ) -> None:
        for label, value, cls in (("inputs", inputs, Schema), ("outputs", outputs, Schema)):
            if value is not None and not isinstance(value, cls):
                raise WeirException.invalid_parameter_value(
                    f"ModelSignature {label} must be a weir.types.Schema, got {type(value).__name__}"
                )
        if params is not None and not isinstance(params, ParamSchema):
            raise WeirException.invalid_parameter_value(
                f"ModelSignature params must be a ParamSchema, got {type(params).__name__}"
            )
        if inputs is None and outputs is None and params is None:
            raise WeirException.invalid_parameter_value("A ModelSignature needs inputs, outputs or params")
        self.inputs = inputs
        self.outputs = outputs
        self.params = params

    def to_dict(self) -> dict[str, str | None]:
        """The MLmodel form: ``{"inputs": json, "outputs": json or None, "params": json or None}``."""
        return {
            "inputs": self.inputs.to_json() if self.inputs is not None else None,
            "outputs": self.outputs.to_json() if self.outputs is not None else None,
            "params": self.params.to_json() if self.params is not None else None,
        }

    @classmethod
    def from_dict(cls, signature_dict: dict[str, Any]) -> ModelSignature:
        if not isinstance(signature_dict, dict):
            raise WeirException.invalid_parameter_value(
                f"A signature must be a mapping with inputs/outputs/params, got {signature_dict!r}"
            )
        inputs = signature_dict.get("inputs")
        outputs = signature_dict.get("outputs")
        params = signature_dict.get("params")
        return cls(
            Schema.from_json(inputs) if inputs else None,
            Schema.from_json(outputs) if outputs else None,
            ParamSchema.from_json(params) if params else None,
        )

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ModelSignature)
            and self.inputs == other.inputs
            and self.outputs == other.outputs
            and self.params == other.params
        )

    def __repr__(self) -> str:
        return f"inputs: \n  {self.inputs!r}\noutputs: \n  {self.outputs!r}\nparams: \n  {self.params!r}\n"


def infer_signature(
    model_input: Any = None,
    model_output: Any = None,
    params: dict[str, Any] | None = None,
) -> ModelSignature:
    """Infer a signature from example data (DataFrame, Series, ndarray, dict, list or scalar)."""
    from weir.types.inference import infer_param_schema, infer_schema

    inputs = infer_schema(model_input) if model_input is not None else None
    outputs = infer_schema(model_output) if model_output is not None else None
    param_schema = infer_param_schema(params) if params else None
    return ModelSignature(inputs, outputs, param_schema)
