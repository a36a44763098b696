"""Exceptions raised by weir, with MLflow's error codes so the REST layer can map them."""

from __future__ import annotations

# MLflow's error codes and the HTTP status each maps to.
HTTP_STATUS_BY_CODE = {
    "INTERNAL_ERROR": 500,
    "INVALID_PARAMETER_VALUE": 400,
    "INVALID_STATE": 400,
    "BAD_REQUEST": 400,
    "RESOURCE_ALREADY_EXISTS": 400,
    "RESOURCE_DOES_NOT_EXIST": 404,
    "ENDPOINT_NOT_FOUND": 404,
    "PERMISSION_DENIED": 403,
    "UNAUTHENTICATED": 401,
    "REQUEST_LIMIT_EXCEEDED": 429,
    "TEMPORARILY_UNAVAILABLE": 503,
    "NOT_IMPLEMENTED": 501,
}


class WeirException(Exception):
    """Base error. ``error_code`` is one of MLflow's codes (``INVALID_PARAMETER_VALUE``...)."""

    def __init__(self, message: str, error_code: str = "INTERNAL_ERROR") -> None:
        super().__init__(message)
        self.message = str(message)
        self.error_code = error_code

    @property
    def http_status(self) -> int:
        return HTTP_STATUS_BY_CODE.get(self.error_code, 500)

    def to_dict(self) -> dict:
        return {"error_code": self.error_code, "message": self.message}

    @classmethod
    def invalid_parameter_value(cls, message: str) -> WeirException:
        return cls(message, "INVALID_PARAMETER_VALUE")


class ResourceDoesNotExist(WeirException):
    def __init__(self, message: str) -> None:
        super().__init__(message, "RESOURCE_DOES_NOT_EXIST")


class ResourceAlreadyExists(WeirException):
    def __init__(self, message: str) -> None:
        super().__init__(message, "RESOURCE_ALREADY_EXISTS")


class InvalidParameterValue(WeirException):
    def __init__(self, message: str) -> None:
        super().__init__(message, "INVALID_PARAMETER_VALUE")


# MLflow's name, so ``except mlflow.exceptions.MlflowException`` keeps working after ``import weir as mlflow``.
MlflowException = WeirException
