"""Opaque page tokens: base64 of ``{"offset": N}``, MLflow's format."""

from __future__ import annotations

import base64
import binascii
import json

from weir.exceptions import InvalidParameterValue


def encode_page_token(offset: int) -> str:
    return base64.b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_page_token(token: str | None) -> int:
    """The offset a token stands for; None or "" is the first page. A bad token is an error."""
    if not token:
        return 0
    try:
        data = json.loads(base64.b64decode(token.encode(), validate=True))
        offset = data["offset"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeError):
        raise InvalidParameterValue(
            f"Invalid page token {token!r}: it was not produced by this store."
        ) from None
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise InvalidParameterValue(f"Invalid page token {token!r}: bad offset {offset!r}.")
    return offset
