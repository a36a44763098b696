"""Files of a LightGBM model directory: the native Booster text file, or a serialized estimator.

A ``Booster`` is always written with its own ``save_model`` (``model.lgb``). A scikit-learn API
model (``LGBMClassifier``...) is written as ``cloudpickle`` (weir's default, ``model.pkl``),
``pickle`` (``model.pkl``) or ``skops`` (``model.skops``, MLflow 3.17's default). All three are
read back, so the skops files MLflow writes load too.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from weir.exceptions import WeirException

CLOUDPICKLE = "cloudpickle"
PICKLE = "pickle"
SKOPS = "skops"
SERIALIZATION_FORMATS: tuple[str, ...] = (CLOUDPICKLE, PICKLE, SKOPS)
BOOSTER_FILE = "model.lgb"
BOOSTER_CLASS = "lightgbm.basic.Booster"
# The LightGBM types a scikit-learn API model holds; MLflow records the same list.
LIGHTGBM_TRUSTED_TYPES: frozenset[str] = frozenset(
    {
        "collections.OrderedDict",
        "lightgbm.basic.Booster",
        "lightgbm.sklearn.LGBMClassifier",
        "lightgbm.sklearn.LGBMRegressor",
    }
)


def check_format(serialization_format: str) -> str:
    """Return the format if weir can write it, else raise listing the valid ones."""
    if serialization_format not in SERIALIZATION_FORMATS:
        raise WeirException.invalid_parameter_value(
            f"Unrecognized serialization format: {serialization_format!r}. "
            f"Use one of {', '.join(SERIALIZATION_FORMATS)}."
        )
    return serialization_format


def file_name(is_booster: bool, serialization_format: str) -> str:
    """``model.lgb`` for a Booster, else ``model.skops`` or ``model.pkl`` (MLflow's names)."""
    if is_booster:
        return BOOSTER_FILE
    return "model.skops" if serialization_format == SKOPS else "model.pkl"


def write_estimator(
    model: Any, target: Path, serialization_format: str, trusted: list[str] | None
) -> list[str] | None:
    """Serialize a scikit-learn API model to ``target``; returns the skops trusted types (else None).

    For skops the recorded list is LightGBM's own types, the caller's, and whatever else the file
    references (the saver vouches for its own model).
    """
    if serialization_format != SKOPS:
        module: Any = pickle
        if serialization_format == CLOUDPICKLE:
            import cloudpickle as module
        with open(target, "wb") as out:
            module.dump(model, out, protocol=pickle.DEFAULT_PROTOCOL)
        return None
    sio = _skops()
    sio.dump(model, target)
    return sorted(LIGHTGBM_TRUSTED_TYPES | set(trusted or ()) | set(sio.get_untrusted_types(file=target)))


def read_estimator(source: Path, serialization_format: str, trusted: list[str] | None) -> Any:
    """Deserialize a scikit-learn API model; skops loads only ``trusted`` types (plus its own safe set)."""
    check_format(serialization_format)
    if serialization_format == SKOPS:
        sio = _skops()
        from skops.io.exceptions import UntrustedTypesFoundException

        try:
            return sio.load(source, trusted=list(trusted or ()))
        except UntrustedTypesFoundException as exc:
            raise WeirException.invalid_parameter_value(
                f"The skops model references types that are not trusted: {exc}. Pass "
                "skops_trusted_types=[...] to load_model if loading them is safe."
            ) from exc
    with open(source, "rb") as f:
        if serialization_format == PICKLE:
            return pickle.load(f)
        import cloudpickle

        return cloudpickle.load(f)


def _skops() -> Any:
    try:
        import skops.io as sio
    except ImportError as exc:
        raise WeirException.invalid_parameter_value(
            "The skops serialization format needs the skops package: pip install weir-lightgbm[skops]"
        ) from exc
    return sio


__all__ = [
    "BOOSTER_CLASS",
    "BOOSTER_FILE",
    "CLOUDPICKLE",
    "LIGHTGBM_TRUSTED_TYPES",
    "PICKLE",
    "SERIALIZATION_FORMATS",
    "SKOPS",
    "check_format",
    "file_name",
    "read_estimator",
    "write_estimator",
]
