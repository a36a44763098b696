"""Writing and reading the serialized estimator file of an sklearn model directory.

    path = dump_estimator(model, model_dir, "skops")          # -> "model.skops"
    trusted = recorded_trusted_types(model_dir / path)       # what save time trusted
    model = load_estimator(model_dir, path, "skops", trusted)

Three formats, as in MLflow's sklearn flavor: ``cloudpickle`` (default, ``model.pkl``), ``pickle``
(``model.pkl``) and ``skops`` (``model.skops``; loads only the types on a trusted list).
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

from weir.exceptions import WeirException

CLOUDPICKLE = "cloudpickle"
PICKLE = "pickle"
SKOPS = "skops"
SERIALIZATION_FORMATS: tuple[str, ...] = (CLOUDPICKLE, PICKLE, SKOPS)

_FILE_NAMES = {CLOUDPICKLE: "model.pkl", PICKLE: "model.pkl", SKOPS: "model.skops"}
_INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE"


def check_format(serialization_format: str) -> str:
    """Return the format if weir knows it, else raise a clear error listing the known ones."""
    if serialization_format not in SERIALIZATION_FORMATS:
        raise WeirException(
            f"Unrecognized serialization format: {serialization_format!r}. "
            f"Use one of {', '.join(SERIALIZATION_FORMATS)}.",
            _INVALID_PARAMETER_VALUE,
        )
    return serialization_format


def file_name(serialization_format: str) -> str:
    """The model file name MLflow uses for a format (``model.pkl`` or ``model.skops``)."""
    return _FILE_NAMES[check_format(serialization_format)]


def dump_estimator(
    estimator: Any,
    model_dir: str | os.PathLike,
    serialization_format: str,
    skops_trusted_types: list[str] | None = None,
) -> tuple[str, list[str] | None]:
    """Serialize ``estimator`` into ``model_dir``.

    Returns ``(file name, trusted types)``. For skops the trusted types are the ones the user gave,
    or else the types of the estimator being saved (the saver vouches for its own model); the file
    is checked to load with that list before returning. Other formats return ``None``.
    """
    name = file_name(serialization_format)
    target = Path(model_dir) / name
    if serialization_format == SKOPS:
        return name, _dump_skops(estimator, target, skops_trusted_types)
    import cloudpickle

    module = cloudpickle if serialization_format == CLOUDPICKLE else pickle
    try:
        with open(target, "wb") as out:
            # The default protocol, not the newest: models stay loadable by older Pythons.
            module.dump(estimator, out, protocol=pickle.DEFAULT_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        target.unlink(missing_ok=True)
        hint = " Try serialization_format='cloudpickle'." if serialization_format == PICKLE else ""
        raise WeirException(
            f"Could not serialize {type(estimator).__name__} with {serialization_format}: {exc}.{hint}",
            _INVALID_PARAMETER_VALUE,
        ) from exc
    return name, None


def _dump_skops(estimator: Any, target: Path, trusted: list[str] | None) -> list[str]:
    try:
        import skops.io as sio
    except ImportError as exc:
        raise WeirException(
            "serialization_format='skops' needs the skops package: pip install skops",
            _INVALID_PARAMETER_VALUE,
        ) from exc
    try:
        sio.dump(estimator, target)
    except Exception as exc:
        target.unlink(missing_ok=True)
        raise WeirException(
            f"skops cannot serialize {type(estimator).__name__} ({exc}); skops does not support "
            "functions or classes defined outside a module's top level. Use "
            "serialization_format='cloudpickle' for such models.",
            _INVALID_PARAMETER_VALUE,
        ) from exc
    if trusted is None:
        trusted = sorted(sio.get_untrusted_types(file=target))
    else:
        trusted = sorted({str(t) for t in trusted})
        missing = sorted(set(sio.get_untrusted_types(file=target)) - set(trusted))
        if missing:
            target.unlink(missing_ok=True)
            raise WeirException(
                f"The model references types not in skops_trusted_types: {', '.join(missing)}. "
                "Add them to skops_trusted_types if loading them is safe.",
                _INVALID_PARAMETER_VALUE,
            )
    return trusted


def resolve_model_file(model_dir: str | os.PathLike, relative: str) -> Path:
    """``model_dir / relative``, refusing names that point outside the model directory."""
    root = Path(model_dir).resolve()
    if not relative or os.path.isabs(relative):
        raise WeirException(
            f"The model file {relative!r} must be a relative path inside the model directory.",
            _INVALID_PARAMETER_VALUE,
        )
    candidate = (root / relative).resolve()
    if candidate != root and root not in candidate.parents:
        raise WeirException(
            f"The model file {relative!r} points outside the model directory {str(root)!r}; "
            "refusing to load it.",
            _INVALID_PARAMETER_VALUE,
        )
    if not candidate.is_file():
        raise WeirException(
            f"The model file {relative!r} does not exist in {str(root)!r}.", "RESOURCE_DOES_NOT_EXIST"
        )
    return candidate


def load_estimator(
    model_file: str | os.PathLike, serialization_format: str, skops_trusted_types: list[str] | None = None
) -> Any:
    """Deserialize an estimator file written in ``serialization_format``.

    skops files load only the types in ``skops_trusted_types`` (plus skops' own safe defaults);
    pickle and cloudpickle run arbitrary code, so load models only from sources you trust.
    """
    check_format(serialization_format)
    if serialization_format == SKOPS:
        import skops.io as sio
        from skops.io.exceptions import UntrustedTypesFoundException

        try:
            return sio.load(model_file, trusted=list(skops_trusted_types or []))
        except UntrustedTypesFoundException as exc:
            raise WeirException(
                f"The skops model holds types that are not trusted: {exc}. Pass "
                "skops_trusted_types=[...] to load_model if loading them is safe.",
                _INVALID_PARAMETER_VALUE,
            ) from exc
    with open(model_file, "rb") as f:
        if serialization_format == PICKLE:
            return pickle.load(f)
        import cloudpickle

        return cloudpickle.load(f)


__all__ = [
    "CLOUDPICKLE",
    "PICKLE",
    "SERIALIZATION_FORMATS",
    "SKOPS",
    "check_format",
    "dump_estimator",
    "file_name",
    "load_estimator",
    "resolve_model_file",
]
