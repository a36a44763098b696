"""Errors raised while turning an HTTP request into model input; each carries its HTTP status."""

from __future__ import annotations

from weir.exceptions import WeirException


class ScoringInputError(WeirException):
    """The request body cannot be read as model input (400 BAD_REQUEST)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "BAD_REQUEST")


class UnsupportedMediaType(WeirException):
    """The Content-Type is not one the server reads (415)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "BAD_REQUEST")

    @property
    def http_status(self) -> int:
        return 415


class PayloadTooLarge(WeirException):
    """The request body is larger than ``--max-body-size`` (413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"Request body exceeds the limit of {limit} bytes (set --max-body-size or "
            "WEIR_SCORING_SERVER_MAX_BODY_SIZE to raise it).",
            "BAD_REQUEST",
        )

    @property
    def http_status(self) -> int:
        return 413
