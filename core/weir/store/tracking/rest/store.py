"""The REST store: weir's tracking and registry interfaces over an MLflow-compatible server.

Used for ``http://`` and ``https://`` tracking URIs. Every call is one (or, for paged reads,
several) MLflow REST request(s); see ``weir.store.tracking.rest.http`` for retries and auth.

Retried writes never duplicate data: params and tags are idempotent, and the server's store
keeps a metric point (key, value, timestamp, step) once even when a retried log-batch delivers
it twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from weir.entities import (
    Experiment,
    Metric,
    ModelVersion,
    ModelVersionStages,
    ModelVersionStageTransition,
    PagedList,
    Param,
    RegisteredModel,
    Run,
    RunInfo,
    RunTag,
    ViewType,
)
from weir.entities.logged_model import LoggedModel
from weir.exceptions import ResourceDoesNotExist, WeirException
from weir.store.registry.base import (
    SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT,
    SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT,
    AbstractRegistryStore,
)
from weir.store.tracking.base import SEARCH_MAX_RESULTS_DEFAULT, AbstractTrackingStore
from weir.store.tracking.rest import codec
from weir.store.tracking.rest.http import HttpClient, RetryPolicy

HISTORY_PAGE_SIZE = 25000


def _view_type_name(view_type: int | str) -> str:
    if isinstance(view_type, str):
        return ViewType.to_string(ViewType.from_string(view_type))
    try:
        return ViewType.to_string(int(view_type))
    except KeyError:
        raise WeirException.invalid_parameter_value(
            f"Invalid view type {view_type!r}; expected ACTIVE_ONLY (1), DELETED_ONLY (2) or ALL (3)"
        ) from None


def _version(version: str | int) -> str:
    return str(version)


def _not_empty(value: Any) -> bool:
    return value is not None and value != "" and value != []


def _payload(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if _not_empty(value)}


class RestStore(AbstractTrackingStore, AbstractRegistryStore):
    """Tracking + model registry store for a server at ``http(s)://host[:port][/prefix]``.

    Thread-safe: each thread uses its own keep-alive connection.
    """

    def __init__(self, store_uri: str, policy: RetryPolicy | None = None) -> None:
        self.http = HttpClient(store_uri, policy)
        self.store_uri = self.http.base_uri

    def __repr__(self) -> str:
        return f"RestStore({self.store_uri!r})"

    def close(self) -> None:
        self.http.close()

    def _get(self, endpoint: str, **params: Any) -> dict[str, Any]:
        return self.http.call("GET", endpoint, _payload(**params))

    def _post(self, endpoint: str, **body: Any) -> dict[str, Any]:
        return self.http.call("POST", endpoint, _payload(**body))

    def _patch(self, endpoint: str, **body: Any) -> dict[str, Any]:
        return self.http.call("PATCH", endpoint, _payload(**body))

    def _delete(self, endpoint: str, **body: Any) -> dict[str, Any]:
        return self.http.call("DELETE", endpoint, _payload(**body))

    # === experiments ==============================================================================
    def create_experiment(
        self, name: str, artifact_location: str | None = None, tags: Sequence[RunTag] | None = None
    ) -> str:
        if not isinstance(name, str) or not name.strip():
            raise WeirException.invalid_parameter_value(
                f"Invalid experiment name {name!r}: it must be a non-empty string"
            )
        response = self._post(
            "mlflow/experiments/create",
            name=name,
            artifact_location=artifact_location,
            tags=codec.tag_list(tags),
        )
        return str(response["experiment_id"])

    def get_experiment(self, experiment_id: str) -> Experiment:
        if not str(experiment_id).strip():  # would be a "missing parameter" on the wire
            raise ResourceDoesNotExist(f"No Experiment with id={experiment_id} exists")
        return codec.decode_experiment(
            self._get("mlflow/experiments/get", experiment_id=str(experiment_id))["experiment"]
        )

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        try:
            response = self._get("mlflow/experiments/get-by-name", experiment_name=name)
        except ResourceDoesNotExist:
            return None
        return codec.decode_experiment(response["experiment"])

    def search_experiments(
        self,
        view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        filter_string: str | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Experiment]:
        body: dict[str, Any] = {"view_type": _view_type_name(view_type), "max_results": max_results}
        body.update(_payload(filter=filter_string, order_by=list(order_by or []), page_token=page_token))
        response = self.http.call("POST", "mlflow/experiments/search", body)
        return PagedList(
            [codec.decode_experiment(e) for e in response.get("experiments") or ()],
            response.get("next_page_token") or None,
        )

    def delete_experiment(self, experiment_id: str) -> None:
        self._post("mlflow/experiments/delete", experiment_id=str(experiment_id))

    def restore_experiment(self, experiment_id: str) -> None:
        self._post("mlflow/experiments/restore", experiment_id=str(experiment_id))

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        self._post("mlflow/experiments/update", experiment_id=str(experiment_id), new_name=new_name)

    def set_experiment_tag(self, experiment_id: str, tag: RunTag) -> None:
        self.http.call(
            "POST",
            "mlflow/experiments/set-experiment-tag",
            {"experiment_id": str(experiment_id), "key": tag.key, "value": tag.value},
        )

    def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        self._post("mlflow/experiments/delete-experiment-tag", experiment_id=str(experiment_id), key=key)

    # === runs =====================================================================================
    def create_run(
        self,
        experiment_id: str,
        user_id: str,
        start_time: int,
        tags: Sequence[RunTag],
        run_name: str | None,
    ) -> Run:
        response = self._post(
            "mlflow/runs/create",
            experiment_id=str(experiment_id),
            user_id=user_id,
            start_time=start_time,
            tags=codec.tag_list(tags),
            run_name=run_name,
        )
        return codec.decode_run(response["run"])

    def get_run(self, run_id: str) -> Run:
        return codec.decode_run(self._get("mlflow/runs/get", run_id=run_id)["run"])

    def update_run_info(
        self, run_id: str, run_status: str | None, end_time: int | None, run_name: str | None
    ) -> RunInfo:
        response = self._post(
            "mlflow/runs/update",
            run_id=run_id,
            run_uuid=run_id,
            status=run_status,
            end_time=end_time,
            run_name=run_name,
        )
        info = response.get("run_info")
        return codec.decode_run_info(info) if info else self.get_run(run_id).info

    def delete_run(self, run_id: str) -> None:
        self._post("mlflow/runs/delete", run_id=run_id)

    def restore_run(self, run_id: str) -> None:
        self._post("mlflow/runs/restore", run_id=run_id)

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
    ) -> None:
        body: dict[str, Any] = {"run_id": run_id}
        if metrics:
            body["metrics"] = codec.metrics_json(metrics)
        if params:
            body["params"] = codec.tag_list(params)
        if tags:
            body["tags"] = codec.tag_list(tags)
        self.http.call("POST", "mlflow/runs/log-batch", body)

    def delete_tag(self, run_id: str, key: str) -> None:
        self._post("mlflow/runs/delete-tag", run_id=run_id, key=key)

    # === metric history ===========================================================================
    def get_metric_history(self, run_id: str, metric_key: str) -> list[Metric]:
        metrics: list[Metric] = []
        token = None
        while True:
            page = self.get_metric_history_page(run_id, metric_key, HISTORY_PAGE_SIZE, token)
            metrics.extend(page)
            token = page.token
            if not token:
                return metrics

    def get_metric_history_page(
        self,
        run_id: str,
        metric_key: str,
        max_results: int = HISTORY_PAGE_SIZE,
        page_token: str | None = None,
    ) -> PagedList[Metric]:
        response = self._get(
            "mlflow/metrics/get-history",
            run_id=run_id,
            run_uuid=run_id,
            metric_key=metric_key,
            max_results=max_results,
            page_token=page_token,
        )
        return PagedList(
            [codec.decode_metric(m) for m in response.get("metrics") or ()],
            response.get("next_page_token") or None,
        )

    def get_metric_history_bulk_interval(
        self,
        run_ids: Sequence[str],
        metric_key: str,
        max_results: int = 2500,
        start_step: int | None = None,
        end_step: int | None = None,
    ) -> dict[str, list[Metric]]:
        response = self._get(
            "mlflow/metrics/get-history-bulk-interval",
            run_ids=list(run_ids),
            metric_key=metric_key,
            max_results=max_results,
            start_step=start_step,
            end_step=end_step,
        )
        result: dict[str, list[Metric]] = {run_id: [] for run_id in run_ids}
        for item in response.get("metrics") or ():
            points = result.get(item.get("run_id"))
            if points is not None:
                points.append(codec.decode_metric(item))
        return result

    # === search ===================================================================================
    def search_runs(
        self,
        experiment_ids: Sequence[str],
        filter_string: str = "",
        run_view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Run]:
        if isinstance(experiment_ids, (str, int)):
            experiment_ids = [experiment_ids]
        body: dict[str, Any] = {
            "experiment_ids": [str(e) for e in experiment_ids or ()],
            "run_view_type": _view_type_name(run_view_type),
            "max_results": max_results,
        }
        body.update(_payload(filter=filter_string, order_by=list(order_by or []), page_token=page_token))
        response = self.http.call("POST", "mlflow/runs/search", body)
        return PagedList(
            [codec.decode_run(r) for r in response.get("runs") or ()], response.get("next_page_token") or None
        )

    # === registered models ========================================================================
    def create_registered_model(
        self, name: str, tags: Sequence[RunTag] | None = None, description: str | None = None
    ) -> RegisteredModel:
        response = self._post(
            "mlflow/registered-models/create", name=name, tags=codec.tag_list(tags), description=description
        )
        return codec.decode_registered_model(response["registered_model"])

    def get_logged_model(self, model_id: str) -> LoggedModel:
        """An MLflow 3 logged model (``models:/m-<id>``), from weir's or MLflow's server."""
        from weir.store.tracking.rest.http import quote_path

        response = self.http.call("GET", f"mlflow/logged-models/{quote_path(model_id)}", None)
        return codec.decode_logged_model(response["model"])

    def get_registered_model(self, name: str) -> RegisteredModel:
        return codec.decode_registered_model(
            self._get("mlflow/registered-models/get", name=name)["registered_model"]
        )

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        response = self._post("mlflow/registered-models/rename", name=name, new_name=new_name)
        return codec.decode_registered_model(response["registered_model"])

    def update_registered_model(self, name: str, description: str | None) -> RegisteredModel:
        response = self.http.call(
            "PATCH", "mlflow/registered-models/update", {"name": name, "description": description or ""}
        )
        return codec.decode_registered_model(response["registered_model"])

    def delete_registered_model(self, name: str) -> None:
        self._delete("mlflow/registered-models/delete", name=name)

    def set_registered_model_tag(self, name: str, tag: RunTag) -> None:
        self.http.call(
            "POST", "mlflow/registered-models/set-tag", {"name": name, "key": tag.key, "value": tag.value}
        )

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        self._delete("mlflow/registered-models/delete-tag", name=name, key=key)

    def search_registered_models(
        self,
        filter_string: str | None = None,
        max_results: int = SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[RegisteredModel]:
        response = self._get(
            "mlflow/registered-models/search",
            filter=filter_string,
            max_results=max_results,
            order_by=list(order_by or []),
            page_token=page_token,
        )
        return PagedList(
            [codec.decode_registered_model(m) for m in response.get("registered_models") or ()],
            response.get("next_page_token") or None,
        )

    # === model versions ===========================================================================
    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        tags: Sequence[RunTag] | None = None,
        run_link: str | None = None,
        description: str | None = None,
        user_id: str | None = None,
    ) -> ModelVersion:
        # user_id is not part of MLflow's request: the server records the authenticated user
        response = self._post(
            "mlflow/model-versions/create",
            name=name,
            source=source,
            run_id=run_id,
            tags=codec.tag_list(tags),
            run_link=run_link,
            description=description,
        )
        return codec.decode_model_version(response["model_version"])

    def get_model_version(self, name: str, version: str | int) -> ModelVersion:
        response = self._get("mlflow/model-versions/get", name=name, version=_version(version))
        return codec.decode_model_version(response["model_version"])

    def update_model_version(self, name: str, version: str | int, description: str | None) -> ModelVersion:
        response = self.http.call(
            "PATCH",
            "mlflow/model-versions/update",
            {"name": name, "version": _version(version), "description": description or ""},
        )
        return codec.decode_model_version(response["model_version"])

    def delete_model_version(self, name: str, version: str | int) -> None:
        self._delete("mlflow/model-versions/delete", name=name, version=_version(version))

    def set_model_version_tag(self, name: str, version: str | int, tag: RunTag) -> None:
        self.http.call(
            "POST",
            "mlflow/model-versions/set-tag",
            {"name": name, "version": _version(version), "key": tag.key, "value": tag.value},
        )

    def delete_model_version_tag(self, name: str, version: str | int, key: str) -> None:
        self._delete("mlflow/model-versions/delete-tag", name=name, version=_version(version), key=key)

    def search_model_versions(
        self,
        filter_string: str | None = None,
        max_results: int = SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[ModelVersion]:
        response = self._get(
            "mlflow/model-versions/search",
            filter=filter_string,
            max_results=max_results,
            order_by=list(order_by or []),
            page_token=page_token,
        )
        return PagedList(
            [codec.decode_model_version(v) for v in response.get("model_versions") or ()],
            response.get("next_page_token") or None,
        )

    def get_model_version_download_uri(self, name: str, version: str | int) -> str:
        response = self._get("mlflow/model-versions/get-download-uri", name=name, version=_version(version))
        return response.get("artifact_uri", "")

    # === stages ===================================================================================
    def get_latest_versions(self, name: str, stages: Sequence[str] | None = None) -> list[ModelVersion]:
        body: dict[str, Any] = {"name": name}
        if stages:
            body["stages"] = [ModelVersionStages.canonical(s) for s in stages]
        response = self.http.call("POST", "mlflow/registered-models/get-latest-versions", body)
        return [codec.decode_model_version(v) for v in response.get("model_versions") or ()]

    def transition_model_version_stage(
        self,
        name: str,
        version: str | int,
        stage: str,
        archive_existing_versions: bool = False,
        user_id: str | None = None,
    ) -> ModelVersion:
        response = self.http.call(
            "POST",
            "mlflow/model-versions/transition-stage",
            {
                "name": name,
                "version": _version(version),
                "stage": ModelVersionStages.canonical(stage),
                "archive_existing_versions": bool(archive_existing_versions),
            },
        )
        return codec.decode_model_version(response["model_version"])

    def get_model_version_stage_history(
        self, name: str, version: str | int | None = None
    ) -> list[ModelVersionStageTransition]:
        """weir's own endpoint (``/api/2.0/weir/model-versions/stage-history``); MLflow servers lack it."""
        params: dict[str, Any] = {"name": name}
        if version is not None:
            params["version"] = _version(version)
        response = self._weir_extension("GET", "weir/model-versions/stage-history", params)
        return [codec.decode_stage_transition(t) for t in response.get("transitions") or ()]

    def get_model_version_in_stage_at(self, name: str, stage: str, timestamp: int) -> str | None:
        """Answered from the stage history, so it needs a weir server too."""
        stage = ModelVersionStages.canonical(stage)
        in_stage: dict[str, bool] = {}
        for transition in self.get_model_version_stage_history(name):
            if transition.timestamp > timestamp:
                continue
            in_stage[transition.version] = transition.to_stage == stage
        versions = [int(v) for v, present in in_stage.items() if present]
        return str(max(versions)) if versions else None

    def _weir_extension(self, method: str, endpoint: str, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.http.call(method, endpoint, payload)
        except WeirException as exc:
            if exc.error_code in ("ENDPOINT_NOT_FOUND", "NOT_IMPLEMENTED", "BAD_REQUEST"):
                raise WeirException(
                    f"The server at {self.store_uri} does not offer {endpoint} (stage history is a weir "
                    "extension of the MLflow API; it needs a `weir server`).",
                    "NOT_IMPLEMENTED",
                ) from exc
            raise

    # === aliases ==================================================================================
    def set_registered_model_alias(self, name: str, alias: str, version: str | int) -> None:
        self._post("mlflow/registered-models/alias", name=name, alias=alias, version=_version(version))

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        self._delete("mlflow/registered-models/alias", name=name, alias=alias)

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        response = self._get("mlflow/registered-models/alias", name=name, alias=alias)
        return codec.decode_model_version(response["model_version"])
