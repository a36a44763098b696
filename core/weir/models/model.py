"""The ``MLmodel`` file: a model directory's manifest of flavors, signature and metadata.

    >>> from weir.models import Model
    >>> m = Model.load("path/to/model")          # a model dir or the MLmodel file itself
    >>> m.flavors["python_function"]["loader_module"]
    'mlflow.sklearn'

Flavors build one while saving (``Model().add_flavor("sklearn", ...)``, then ``save``), and
``Model.log`` saves a flavor into a temp dir and uploads it to the active run.
The YAML keys are exactly MLflow's, so MLflow reads weir's files and the other way round.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import tempfile
import uuid
from typing import Any

import yaml

from weir.exceptions import WeirException
from weir.version import __version__ as weir_version

__all__ = ["MLMODEL_FILE_NAME", "MLFLOW_FORMAT_VERSION", "Model", "ModelInfo", "get_model_info"]

MLMODEL_FILE_NAME = "MLmodel"
# The MLflow release whose MLmodel layout weir writes; stored as ``mlflow_version`` so MLflow
# tooling that reads the key keeps working. weir's own version goes under ``weir_version``.
MLFLOW_FORMAT_VERSION = "3.17.2"
LOG_MODEL_HISTORY_TAG = "mlflow.log-model.history"

# Keys Model.__init__ understands; anything else in an MLmodel file is kept verbatim.
_KNOWN_KEYS = (
    "artifact_path",
    "run_id",
    "utc_time_created",
    "flavors",
    "signature",
    "saved_input_example_info",
    "model_uuid",
    "model_size_bytes",
    "metadata",
    "mlflow_version",
    "model_id",
)


def _now_utc() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


class Model:
    """An MLmodel: flavors, signature, input-example info and metadata of one saved model."""

    def __init__(
        self,
        artifact_path: str | None = None,
        run_id: str | None = None,
        utc_time_created: str | _dt.datetime | None = None,
        flavors: dict[str, dict[str, Any]] | None = None,
        signature: Any = None,
        saved_input_example_info: dict[str, Any] | None = None,
        model_uuid: str | None = None,
        mlflow_version: str | None = MLFLOW_FORMAT_VERSION,
        metadata: dict[str, Any] | None = None,
        model_size_bytes: int | None = None,
        model_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.artifact_path = artifact_path
        self.run_id = run_id
        if isinstance(utc_time_created, _dt.datetime):
            utc_time_created = utc_time_created.strftime("%Y-%m-%d %H:%M:%S.%f")
        self.utc_time_created = str(utc_time_created or _now_utc())
        self.flavors = dict(flavors) if flavors else {}
        self.signature = signature
        self.saved_input_example_info = saved_input_example_info
        self.model_uuid = model_uuid or uuid.uuid4().hex
        self.mlflow_version = mlflow_version
        self.metadata = metadata
        self.model_size_bytes = model_size_bytes
        self.model_id = model_id
        self.__dict__.update(kwargs)

    # --- building -------------------------------------------------------------------------------
    def add_flavor(self, name: str, **params: Any) -> Model:
        """Record how to load the model in one format (``python_function``, ``sklearn``...)."""
        self.flavors[name] = params
        return self

    def get_input_schema(self):
        return self.signature.inputs if self.signature is not None else None

    def get_output_schema(self):
        return self.signature.outputs if self.signature is not None else None

    def get_params_schema(self):
        return self.signature.params if self.signature is not None else None

    # --- input example --------------------------------------------------------------------------
    def load_input_example(self, path: str | None = None) -> Any:
        """The saved input example, read from model dir ``path`` (None when there is none)."""
        if self.saved_input_example_info is None:
            return None
        from weir.models.input_example import read_input_example

        return read_input_example(self._model_dir(path), self.saved_input_example_info)[0]

    def load_input_example_params(self, path: str | None = None) -> dict[str, Any] | None:
        if self.saved_input_example_info is None:
            return None
        from weir.models.input_example import read_input_example

        return read_input_example(self._model_dir(path), self.saved_input_example_info)[1]

    def get_serving_input(self, path: str | None = None) -> str | None:
        """The text of ``serving_input_example.json`` (a valid /invocations body), if saved."""
        info = self.saved_input_example_info or {}
        name = info.get("serving_input_path")
        if not name:
            return None
        file = os.path.join(self._model_dir(path), name)
        if not os.path.exists(file):
            return None
        with open(file, encoding="utf-8") as f:
            return f.read()

    def _model_dir(self, path: str | None) -> str:
        path = path or getattr(self, "_source_dir", None)
        if path is None:
            raise WeirException.invalid_parameter_value(
                "This Model was not loaded from a directory; pass the model directory path"
            )
        return path

    # --- (de)serialisation ----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The MLmodel mapping, with the signature as MLflow's JSON strings."""
        out: dict[str, Any] = {
            key: value
            for key, value in self.__dict__.items()
            if not key.startswith("_") and key not in ("signature", "saved_input_example_info")
        }
        if out.get("artifact_path") is None:
            out.pop("artifact_path", None)
        if out.get("run_id") is None:
            out.pop("run_id", None)
        for optional in ("metadata", "model_size_bytes"):
            if out.get(optional) is None:
                out.pop(optional, None)
        out.setdefault("prompts", None)
        out.setdefault("weir_version", weir_version)
        if self.signature is not None:
            out["signature"] = self.signature.to_dict()
            out.setdefault("is_signature_from_type_hint", False)
            out.setdefault("type_hint_from_example", False)
        if self.saved_input_example_info is not None:
            out["saved_input_example_info"] = self.saved_input_example_info
        return out

    def to_yaml(self, stream: Any = None) -> str | None:
        return yaml.safe_dump(self.to_dict(), stream=stream, default_flow_style=False)

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    def save(self, path: str | os.PathLike) -> None:
        """Write the MLmodel file at ``path`` (fills ``model_size_bytes`` from its directory)."""
        path = os.fspath(path)
        model_dir = os.path.dirname(os.path.abspath(path))
        if self.model_size_bytes is None and os.path.isdir(model_dir):
            self.model_size_bytes = _dir_size(model_dir, exclude=os.path.abspath(path))
        with open(path, "w", encoding="utf-8") as f:
            self.to_yaml(f)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Model:
        """Read an MLmodel from a model directory or the file itself (local paths and file: URIs)."""
        path = os.fspath(path)
        if path.startswith("file:"):
            from weir.models.uri import local_path_from_file_uri

            path = local_path_from_file_uri(path)
        file = os.path.join(path, MLMODEL_FILE_NAME) if os.path.isdir(path) else path
        if not os.path.exists(file):
            raise WeirException(
                f'Could not find an "{MLMODEL_FILE_NAME}" configuration file at "{path}"',
                "RESOURCE_DOES_NOT_EXIST",
            )
        with open(file, encoding="utf-8") as f:
            text = f.read()
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise WeirException.invalid_parameter_value(f"{file} is not valid YAML: {exc}") from None
        model = cls.from_dict(data, source=file)
        model._source_dir = os.path.dirname(os.path.abspath(file))
        return model

    @classmethod
    def from_dict(cls, model_dict: Any, source: str = "MLmodel") -> Model:
        if not isinstance(model_dict, dict):
            raise WeirException.invalid_parameter_value(
                f"{source} must be a YAML mapping of MLmodel keys, got {type(model_dict).__name__}"
            )
        data = dict(model_dict)
        flavors = data.get("flavors")
        if not isinstance(flavors, dict) or not flavors:
            raise WeirException.invalid_parameter_value(
                f"{source} has no 'flavors' mapping; every MLmodel must list at least one flavor"
            )
        bad = [name for name, conf in flavors.items() if not isinstance(conf, dict)]
        if bad:
            raise WeirException.invalid_parameter_value(f"{source}: flavor(s) {bad} must be mappings")
        if data.get("signature") is not None:
            from weir.models.signature import ModelSignature

            try:
                data["signature"] = ModelSignature.from_dict(data["signature"])
            except (WeirException, ValueError, TypeError, KeyError) as exc:
                message = getattr(exc, "message", str(exc))
                raise WeirException.invalid_parameter_value(
                    f"{source} has an invalid signature: {message}"
                ) from None
        return cls(**data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Model) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return f"<Model flavors={sorted(self.flavors)} uuid={self.model_uuid}>"

    def get_model_info(self) -> ModelInfo:
        return ModelInfo(
            artifact_path=self.artifact_path,
            flavors=self.flavors,
            model_uri=f"runs:/{self.run_id}/{self.artifact_path}" if self.run_id else None,
            model_uuid=self.model_uuid,
            run_id=self.run_id,
            saved_input_example_info=self.saved_input_example_info,
            signature=self.signature,
            utc_time_created=self.utc_time_created,
            mlflow_version=self.mlflow_version,
            metadata=self.metadata,
            model_size_bytes=self.model_size_bytes,
        )

    # --- logging into a run ---------------------------------------------------------------------
    @classmethod
    def log(
        cls,
        artifact_path: str | None = None,
        flavor: Any = None,
        registered_model_name: str | None = None,
        await_registration_for: int = 300,
        metadata: dict[str, Any] | None = None,
        run_id: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> ModelInfo:
        """Save the model with ``flavor.save_model`` and upload it to the active run.

        ``flavor`` is a module (or object) with ``save_model(path, mlflow_model=..., **kwargs)``.
        A run is started when none is active, as MLflow does. ``name`` is MLflow 3's alias of
        ``artifact_path``.
        """
        artifact_path = _resolve_artifact_path(artifact_path, name)
        if flavor is None or not hasattr(flavor, "save_model"):
            raise WeirException.invalid_parameter_value(
                "Model.log needs a flavor with a save_model(path, mlflow_model=..., ...) function"
            )
        import weir

        if run_id is None:
            run = weir.active_run() or weir.start_run()
            run_id = run.info.run_id
        model = cls(artifact_path=artifact_path, run_id=run_id, metadata=metadata)
        with tempfile.TemporaryDirectory(prefix="weir-model-") as tmp:
            local_path = os.path.join(tmp, "model")
            flavor.save_model(path=local_path, mlflow_model=model, **kwargs)
            client = weir.WeirClient()
            client.log_artifacts(run_id, local_path, artifact_path)
            _append_log_model_history(client, run_id, model)
        info = model.get_model_info()
        if registered_model_name is not None:
            from weir.registry.fluent import register_model

            version = register_model(
                info.model_uri,
                registered_model_name,
                await_registration_for=await_registration_for,
            )
            info.registered_model_version = getattr(version, "version", None)
        return info


def _resolve_artifact_path(artifact_path: str | None, name: str | None) -> str:
    if artifact_path is not None and name is not None and artifact_path != name:
        raise WeirException.invalid_parameter_value(
            f"Give either name= or artifact_path= (its older spelling), not both: {name!r} vs {artifact_path!r}"
        )
    chosen = name if name is not None else artifact_path
    if not chosen:
        chosen = "model"
    chosen = chosen.strip("/")
    if not chosen or chosen.startswith("..") or os.path.isabs(chosen) or "/../" in f"/{chosen}/":
        raise WeirException.invalid_parameter_value(f"Invalid model artifact path {chosen!r}")
    return chosen


def _append_log_model_history(client: Any, run_id: str, model: Model) -> None:
    """Append this model to the run's ``mlflow.log-model.history`` tag (MLflow 2.x JSON list)."""
    entry = model.to_dict()
    entry.pop("signature", None)
    if model.signature is not None:
        entry["signature"] = model.signature.to_dict()
    try:
        existing = client.get_run(run_id).data.tags.get(LOG_MODEL_HISTORY_TAG)
        history = json.loads(existing) if existing else []
        if not isinstance(history, list):
            history = []
    except (ValueError, TypeError):
        history = []
    history.append(entry)
    client.set_tag(run_id, LOG_MODEL_HISTORY_TAG, json.dumps(history, default=str), synchronous=True)


def _dir_size(path: str, exclude: str | None = None) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            file = os.path.join(root, name)
            if file != exclude and not os.path.islink(file):
                total += os.path.getsize(file)
    return total


class ModelInfo:
    """What ``log_model`` returns: where the model went and its metadata."""

    def __init__(
        self,
        artifact_path: str | None,
        flavors: dict[str, Any],
        model_uri: str | None,
        model_uuid: str,
        run_id: str | None,
        saved_input_example_info: dict[str, Any] | None,
        signature: Any,
        utc_time_created: str,
        mlflow_version: str | None,
        metadata: dict[str, Any] | None = None,
        model_size_bytes: int | None = None,
        registered_model_version: int | None = None,
    ) -> None:
        self.artifact_path = artifact_path
        self.flavors = flavors
        self.model_uri = model_uri
        self.model_uuid = model_uuid
        self.run_id = run_id
        self.saved_input_example_info = saved_input_example_info
        self.signature = signature
        self.utc_time_created = utc_time_created
        self.mlflow_version = mlflow_version
        self.metadata = metadata
        self.model_size_bytes = model_size_bytes
        self.registered_model_version = registered_model_version

    @property
    def signature_dict(self) -> dict[str, Any] | None:
        return self.signature.to_dict() if self.signature is not None else None

    @property
    def name(self) -> str | None:
        return self.artifact_path

    def __repr__(self) -> str:
        return f"<ModelInfo model_uri={self.model_uri!r} flavors={sorted(self.flavors)}>"


def get_model_info(model_uri: str) -> ModelInfo:
    """ModelInfo of the model at ``model_uri`` (reads only its MLmodel file)."""
    from weir.models.uri import download_model

    model = Model.load(download_model(model_uri))
    info = model.get_model_info()
    info.model_uri = model_uri
    return info
