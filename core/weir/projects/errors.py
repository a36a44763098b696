"""The error raised for a project that cannot be loaded, validated or run."""

from __future__ import annotations

from weir.exceptions import WeirException


class ExecutionException(WeirException):
    """A project could not be run: bad MLproject, bad parameters, missing tool, or a failed run.

    MLflow's ``mlflow.projects.ExecutionException``; ``run_id`` is set when a run existed.
    """

    def __init__(
        self, message: str, run_id: str | None = None, error_code: str = "INVALID_PARAMETER_VALUE"
    ) -> None:
        super().__init__(message, error_code)
        self.run_id = run_id
