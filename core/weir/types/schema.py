"""Column, tensor and parameter specifications, serialised exactly as MLflow's MLmodel signatures.

    >>> from weir.types import Schema, ColSpec
    >>> Schema([ColSpec("double", "x"), ColSpec("long", "y")])
    ['x': double (required), 'y': long (required)]

numpy is imported only by the methods that return numpy dtypes, so importing this module is cheap.
"""

from __future__ import annotations

import builtins
import datetime as _dt
import enum
import json
from collections.abc import Iterator, Sequence
from typing import Any

from weir.exceptions import WeirException

__all__ = [
    "AnyType",
    "Array",
    "ColSpec",
    "DataType",
    "Map",
    "Object",
    "ParamSchema",
    "ParamSpec",
    "Property",
    "Schema",
    "TensorSpec",
]


class DataType(enum.Enum):
    """Scalar column types, with MLflow's names and numeric values."""

    boolean = 1
    integer = 2
    long = 3
    float = 4
    double = 5
    string = 6
    binary = 7
    datetime = 8

    def __repr__(self) -> str:
        return self.name

    def to_numpy(self):
        import numpy as np

        return np.dtype(_NUMPY_NAMES[self])

    def to_pandas(self):
        import numpy as np

        if self in (DataType.string, DataType.binary):
            return np.dtype(object)
        return np.dtype(_NUMPY_NAMES[self])

    def to_python(self) -> type:
        return _PYTHON_TYPES[self]

    def to_spark(self):
        from pyspark.sql import types

        return getattr(types, _SPARK_NAMES[self])()

    @classmethod
    def from_name(cls, name: str | DataType) -> DataType:
        if isinstance(name, DataType):
            return name
        try:
            return cls[str(name)]
        except KeyError:
            raise WeirException.invalid_parameter_value(
                f"Unsupported type {name!r}; expected one of {[t.name for t in cls]}"
            ) from None

    @classmethod
    def check_type(cls, data_type: DataType, value: Any) -> bool:
        """Whether a Python scalar is a valid value of ``data_type`` (used for params)."""
        if data_type is cls.boolean:
            return isinstance(value, bool) or _is_numpy_kind(value, "b")
        if isinstance(value, bool):
            return False
        if data_type in (cls.integer, cls.long):
            return isinstance(value, int) or _is_numpy_kind(value, "iu")
        if data_type in (cls.float, cls.double):
            return isinstance(value, (int, builtins.float)) or _is_numpy_kind(value, "iuf")
        if data_type is cls.string:
            return isinstance(value, str)
        if data_type is cls.binary:
            return isinstance(value, (bytes, bytearray))
        return isinstance(value, (_dt.datetime, _dt.date)) or type(value).__name__ in (
            "datetime64",
            "Timestamp",
        )


_NUMPY_NAMES = {
    DataType.boolean: "bool",
    DataType.integer: "int32",
    DataType.long: "int64",
    DataType.float: "float32",
    DataType.double: "float64",
    DataType.string: "str",
    DataType.binary: "bytes",
    DataType.datetime: "datetime64[ns]",
}
_PYTHON_TYPES = {
    DataType.boolean: bool,
    DataType.integer: int,
    DataType.long: int,
    DataType.float: builtins.float,
    DataType.double: builtins.float,
    DataType.string: str,
    DataType.binary: bytes,
    DataType.datetime: _dt.datetime,
}
_SPARK_NAMES = {
    DataType.boolean: "BooleanType",
    DataType.integer: "IntegerType",
    DataType.long: "LongType",
    DataType.float: "FloatType",
    DataType.double: "DoubleType",
    DataType.string: "StringType",
    DataType.binary: "BinaryType",
    DataType.datetime: "TimestampType",
}


def _is_numpy_kind(value: Any, kinds: str) -> bool:
    dtype = getattr(value, "dtype", None)
    return dtype is not None and getattr(value, "ndim", 1) == 0 and dtype.kind in kinds


# --- nested types (MLflow 2.10+): array, object, map, any -------------------------------------


class Array:
    """A list whose items all have one type: ``{"type": "array", "items": {...}}``."""

    def __init__(self, dtype: DataType | str | Array | Object | Map | AnyType) -> None:
        self.dtype = _as_type(dtype)

    def to_dict(self) -> dict:
        return {"type": "array", "items": _type_to_dict(self.dtype)}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Array) and self.dtype == other.dtype

    def __hash__(self) -> int:
        return hash(("array", repr(self.dtype)))

    def __repr__(self) -> str:
        return f"Array({self.dtype!r})"


class Property:
    """One named field of an :class:`Object`."""

    def __init__(self, name: str, dtype: Any, required: bool = True) -> None:
        self.name = name
        self.dtype = _as_type(dtype)
        self.required = required

    def to_dict(self) -> dict:
        return {self.name: {**_type_to_dict(self.dtype), "required": self.required}}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Property) and (self.name, self.dtype, self.required) == (
            other.name,
            other.dtype,
            other.required,
        )

    def __hash__(self) -> int:
        return hash((self.name, repr(self.dtype), self.required))

    def __repr__(self) -> str:
        return f"{self.name}: {self.dtype!r}{'' if self.required else ' (optional)'}"


class Object:
    """A dict with named, typed fields: ``{"type": "object", "properties": {...}}``."""

    def __init__(self, properties: Sequence[Property]) -> None:
        self.properties = sorted(properties, key=lambda p: p.name)

    def to_dict(self) -> dict:
        props: dict[str, Any] = {}
        for prop in self.properties:
            props.update(prop.to_dict())
        return {"type": "object", "properties": props}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Object) and self.properties == other.properties

    def __hash__(self) -> int:
        return hash(tuple(self.properties))

    def __repr__(self) -> str:
        return "{" + ", ".join(repr(p) for p in self.properties) + "}"


class Map:
    """A dict from strings to values of one type: ``{"type": "map", "values": {...}}``."""

    def __init__(self, value_type: Any) -> None:
        self.value_type = _as_type(value_type)

    def to_dict(self) -> dict:
        return {"type": "map", "values": _type_to_dict(self.value_type)}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Map) and self.value_type == other.value_type

    def __hash__(self) -> int:
        return hash(("map", repr(self.value_type)))

    def __repr__(self) -> str:
        return f"Map(str -> {self.value_type!r})"


class AnyType:
    """Any value: ``{"type": "any"}``."""

    def to_dict(self) -> dict:
        return {"type": "any"}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AnyType)

    def __hash__(self) -> int:
        return hash("any")

    def __repr__(self) -> str:
        return "Any"


_NestedType = (Array, Object, Map, AnyType)


def _as_type(dtype: Any) -> Any:
    if isinstance(dtype, _NestedType):
        return dtype
    return DataType.from_name(dtype)


def _type_to_dict(dtype: Any) -> dict:
    if isinstance(dtype, DataType):
        return {"type": dtype.name}
    return dtype.to_dict()


def _type_from_dict(item: dict) -> Any:
    kind = item.get("type")
    if kind == "array":
        return Array(_type_from_dict(item["items"]))
    if kind == "object":
        return Object(
            [
                Property(name, _type_from_dict(spec), spec.get("required", True))
                for name, spec in item.get("properties", {}).items()
            ]
        )
    if kind == "map":
        return Map(_type_from_dict(item["values"]))
    if kind == "any":
        return AnyType()
    return DataType.from_name(kind)


# --- column and tensor specs --------------------------------------------------------------------


class ColSpec:
    """One column: a type, an optional name, and whether it is required.

    ``ColSpec("long")``, ``ColSpec(type="double", name="x")``, ``ColSpec("string", "s", required=False)``.
    """

    def __init__(
        self,
        type: DataType | str | Array | Object | Map | AnyType,  # noqa: A002 - MLflow's keyword
        name: str | None = None,
        optional: bool | None = None,
        required: bool = True,
    ) -> None:
        self._type = _as_type(type)
        self._name = name
        self._required = (not optional) if optional is not None else bool(required)

    @property
    def type(self) -> Any:
        return self._type

    @property
    def name(self) -> str | None:
        return self._name

    @property
    def required(self) -> bool:
        return self._required

    @property
    def optional(self) -> bool:
        return not self._required

    def to_dict(self) -> dict:
        out = _type_to_dict(self._type)
        if self._name is not None:
            out["name"] = self._name
        out["required"] = self._required
        return out

    @classmethod
    def from_json_dict(cls, **kwargs: Any) -> ColSpec:
        required = kwargs.get("required", not kwargs.get("optional", False))
        return cls(_type_from_dict(kwargs), kwargs.get("name"), required=required)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ColSpec) and (self._name, self._type, self._required) == (
            other._name,
            other._type,
            other._required,
        )

    def __hash__(self) -> int:
        return hash((self._name, repr(self._type), self._required))

    def __repr__(self) -> str:
        kind = f"{self._type!r} ({'required' if self._required else 'optional'})"
        return kind if self._name is None else f"{self._name!r}: {kind}"


class TensorSpec:
    """A tensor: numpy dtype, shape (``-1`` for a variable dimension) and optional name."""

    def __init__(self, type: Any, shape: Sequence[int], name: str | None = None) -> None:  # noqa: A002
        self._dtype_name = _dtype_name(type)
        if not isinstance(shape, (list, tuple)):
            raise WeirException.invalid_parameter_value(
                f"TensorSpec shape must be a list or tuple, got {shape!r}"
            )
        self._shape = tuple(int(dim) for dim in shape)
        self._name = name

    @property
    def type(self):
        """The numpy dtype (imports numpy)."""
        import numpy as np

        return np.dtype(self._dtype_name)

    @property
    def dtype_name(self) -> str:
        return self._dtype_name

    @property
    def shape(self) -> tuple[int, ...]:
        return self._shape

    @property
    def name(self) -> str | None:
        return self._name

    @property
    def required(self) -> bool:
        return True

    @property
    def optional(self) -> bool:
        return False

    def to_dict(self) -> dict:
        spec = {"type": "tensor", "tensor-spec": {"dtype": self._dtype_name, "shape": list(self._shape)}}
        return spec if self._name is None else {"name": self._name, **spec}

    @classmethod
    def from_json_dict(cls, **kwargs: Any) -> TensorSpec:
        spec = kwargs.get("tensor-spec")
        if not isinstance(spec, dict) or "dtype" not in spec or "shape" not in spec:
            raise WeirException.invalid_parameter_value(
                f"A tensor spec needs 'tensor-spec' with 'dtype' and 'shape', got {kwargs!r}"
            )
        return cls(spec["dtype"], spec["shape"], kwargs.get("name"))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TensorSpec) and (self._name, self._dtype_name, self._shape) == (
            other._name,
            other._dtype_name,
            other._shape,
        )

    def __hash__(self) -> int:
        return hash((self._name, self._dtype_name, self._shape))

    def __repr__(self) -> str:
        tensor = f"Tensor({self._dtype_name!r}, {self._shape!r})"
        return tensor if self._name is None else f"{self._name!r}: {tensor}"


def _dtype_name(dtype: Any) -> str:
    if isinstance(dtype, str):
        name = dtype
    elif hasattr(dtype, "name") and not isinstance(dtype, DataType):
        name = dtype.name  # numpy dtype
    elif isinstance(dtype, type) and dtype.__module__ == "numpy":
        name = dtype.__name__
    else:
        raise WeirException.invalid_parameter_value(
            f"TensorSpec type must be a numpy dtype or its name, got {dtype!r}"
        )
    if name in ("str", "str_", "<U0", "object", "O"):
        return "str" if name.startswith(("s", "<U")) else "object"
    return name


class Schema:
    """An ordered list of ColSpecs or of TensorSpecs (never both), all named or all unnamed."""

    def __init__(self, inputs: Sequence[ColSpec | TensorSpec]) -> None:
        inputs = list(inputs)
        if not all(isinstance(spec, (ColSpec, TensorSpec)) for spec in inputs):
            raise WeirException.invalid_parameter_value(
                f"Schema inputs must be ColSpec or TensorSpec objects, got {inputs!r}"
            )
        if inputs and len({type(spec) for spec in inputs}) > 1:
            raise WeirException.invalid_parameter_value(
                "A Schema must contain only ColSpecs or only TensorSpecs, not both"
            )
        names = [spec.name for spec in inputs]
        if any(n is None for n in names) and any(n is not None for n in names):
            raise WeirException.invalid_parameter_value(
                f"A Schema cannot mix named and unnamed inputs; got names {names}"
            )
        if any(n is None for n in names) and len(inputs) > 1 and isinstance(inputs[0], TensorSpec):
            raise WeirException.invalid_parameter_value(
                "A Schema with several tensors must name each of them"
            )
        duplicates = sorted({n for n in names if n is not None and names.count(n) > 1})
        if duplicates:
            raise WeirException.invalid_parameter_value(f"Duplicate names in Schema: {duplicates}")
        self._inputs = inputs

    @property
    def inputs(self) -> list[ColSpec | TensorSpec]:
        return self._inputs

    def __len__(self) -> int:
        return len(self._inputs)

    def __iter__(self) -> Iterator[ColSpec | TensorSpec]:
        return iter(self._inputs)

    def is_tensor_spec(self) -> bool:
        return bool(self._inputs) and isinstance(self._inputs[0], TensorSpec)

    def has_input_names(self) -> bool:
        return bool(self._inputs) and self._inputs[0].name is not None

    def input_names(self) -> list[str | int]:
        return [spec.name if spec.name is not None else i for i, spec in enumerate(self._inputs)]

    def required_input_names(self) -> list[str | int]:
        return [n for n, spec in zip(self.input_names(), self._inputs, strict=False) if spec.required]

    def optional_input_names(self) -> list[str | int]:
        return [n for n, spec in zip(self.input_names(), self._inputs, strict=False) if not spec.required]

    def input_types(self) -> list[Any]:
        return [spec.type for spec in self._inputs]

    def input_types_dict(self) -> dict[str, Any]:
        return {spec.name: spec.type for spec in self._inputs}

    def numpy_types(self) -> list[Any]:
        if self.is_tensor_spec():
            return [spec.type for spec in self._inputs]
        return [spec.type.to_numpy() if isinstance(spec.type, DataType) else None for spec in self._inputs]

    def pandas_types(self) -> list[Any]:
        return [spec.type.to_pandas() if isinstance(spec.type, DataType) else None for spec in self._inputs]

    def as_spark_schema(self):
        from pyspark.sql.types import StructField, StructType

        if self.is_tensor_spec():
            raise WeirException("A tensor-based schema cannot be converted to a Spark schema")
        if not self.has_input_names():
            if len(self._inputs) == 1 and isinstance(self._inputs[0].type, DataType):
                return self._inputs[0].type.to_spark()
            raise WeirException("Only a named schema (or a single unnamed column) maps to a Spark schema")
        return StructType(
            [StructField(spec.name, spec.type.to_spark(), not spec.required) for spec in self._inputs]
        )

    def to_dict(self) -> list[dict]:
        return [spec.to_dict() for spec in self._inputs]

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, json_str: str | list) -> Schema:
        items = json.loads(json_str) if isinstance(json_str, str) else json_str
        if not isinstance(items, list):
            raise WeirException.invalid_parameter_value(f"A schema must be a JSON list, got {json_str!r}")
        specs: list[ColSpec | TensorSpec] = []
        for item in items:
            if not isinstance(item, dict) or "type" not in item:
                raise WeirException.invalid_parameter_value(f"Invalid schema entry {item!r}: no 'type'")
            if item["type"] == "tensor":
                specs.append(TensorSpec.from_json_dict(**item))
            else:
                specs.append(ColSpec.from_json_dict(**item))
        return cls(specs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schema) and self._inputs == other._inputs

    def __hash__(self) -> int:
        return hash(tuple(self._inputs))

    def __repr__(self) -> str:
        return repr(self._inputs)


# --- params ------------------------------------------------------------------------------------


class ParamSpec:
    """An inference parameter: name, type, default and shape (None for a scalar, ``(-1,)`` for a list)."""

    def __init__(
        self,
        name: str,
        dtype: DataType | str,
        default: Any,
        shape: Sequence[int] | None = None,
    ) -> None:
        self._name = str(name)
        self._dtype = DataType.from_name(dtype)
        self._shape = tuple(shape) if shape is not None else None
        self._default = self.validate_value(self._name, self._dtype, self._shape, default)

    @property
    def name(self) -> str:
        return self._name

    @property
    def dtype(self) -> DataType:
        return self._dtype

    @property
    def type(self) -> DataType:
        return self._dtype

    @property
    def default(self) -> Any:
        return self._default

    @property
    def shape(self) -> tuple[int, ...] | None:
        return self._shape

    @staticmethod
    def validate_value(name: str, dtype: DataType, shape: tuple[int, ...] | None, value: Any) -> Any:
        """Return ``value`` converted for ``dtype`` and ``shape``, or raise naming the param."""
        if value is None:
            return None
        if shape is None:
            if isinstance(value, (list, tuple)):
                raise WeirException.invalid_parameter_value(
                    f"Param {name!r} is a scalar of type {dtype.name}, but got a list {value!r}"
                )
            return _convert_param_scalar(name, dtype, value)
        if shape != (-1,):
            raise WeirException.invalid_parameter_value(
                f"Param {name!r}: only scalars (shape None) and 1-D lists (shape (-1,)) are supported, got {shape}"
            )
        if hasattr(value, "tolist"):
            value = value.tolist()
        if not isinstance(value, (list, tuple)):
            raise WeirException.invalid_parameter_value(
                f"Param {name!r} has shape (-1,) and needs a list, got {value!r}"
            )
        return [_convert_param_scalar(name, dtype, item) for item in value]

    def to_dict(self) -> dict:
        default = self._default
        if isinstance(default, (_dt.datetime, _dt.date)):
            default = default.isoformat()
        return {
            "name": self._name,
            "default": default,
            "shape": list(self._shape) if self._shape is not None else None,
            "type": self._dtype.name,
        }

    @classmethod
    def from_json_dict(cls, **kwargs: Any) -> ParamSpec:
        missing = {"name", "type", "default"} - set(kwargs)
        if missing:
            raise WeirException.invalid_parameter_value(
                f"A param spec needs {sorted(missing)}; got {kwargs!r}"
            )
        return cls(kwargs["name"], kwargs["type"], kwargs["default"], kwargs.get("shape"))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ParamSpec) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True, default=str))

    def __repr__(self) -> str:
        shape = f" (shape: {self._shape})" if self._shape is not None else ""
        return f"{self._name!r}: {self._dtype!r} (default: {self._default}){shape}"


def _convert_param_scalar(name: str, dtype: DataType, value: Any) -> Any:
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
        value = value.item()  # numpy scalar -> Python
    if dtype is DataType.datetime and isinstance(value, str):
        try:
            return _dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    # a param typed float accepts ints (widening), as MLflow does
    if dtype in (DataType.float, DataType.double) and isinstance(value, int) and not isinstance(value, bool):
        return builtins.float(value)
    if not DataType.check_type(dtype, value):
        raise WeirException.invalid_parameter_value(
            f"Param {name!r} must be of type {dtype.name}, got {type(value).__name__} value {value!r}"
        )
    return value


class ParamSchema:
    """The inference parameters a model accepts in ``predict(data, params=...)``."""

    def __init__(self, params: Sequence[ParamSpec]) -> None:
        params = list(params)
        if not all(isinstance(p, ParamSpec) for p in params):
            raise WeirException.invalid_parameter_value(
                f"ParamSchema takes ParamSpec objects, got {params!r}"
            )
        names = [p.name for p in params]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise WeirException.invalid_parameter_value(f"Duplicate param names in ParamSchema: {duplicates}")
        self._params = params

    @property
    def params(self) -> list[ParamSpec]:
        return self._params

    def __len__(self) -> int:
        return len(self._params)

    def __iter__(self) -> Iterator[ParamSpec]:
        return iter(self._params)

    def to_dict(self) -> list[dict]:
        return [p.to_dict() for p in self._params]

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, json_str: str | list) -> ParamSchema:
        items = json.loads(json_str) if isinstance(json_str, str) else json_str
        if not isinstance(items, list):
            raise WeirException.invalid_parameter_value(
                f"A param schema must be a JSON list, got {json_str!r}"
            )
        return cls([ParamSpec.from_json_dict(**item) for item in items])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ParamSchema) and self._params == other._params

    def __hash__(self) -> int:
        return hash(tuple(self._params))

    def __repr__(self) -> str:
        return repr(self._params)
