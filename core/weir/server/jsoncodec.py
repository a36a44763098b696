"""JSON in and out of the server: orjson when installed (the ``server`` extra), else the stdlib.

MLflow's client writes NaN and Infinity as bare literals, which orjson refuses, so a body orjson
cannot read is read again with the stdlib parser (which accepts them) before it counts as bad JSON.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the installed extras
    _orjson = None


def loads(body: bytes) -> Any:
    """Parse a request body; raises ``ValueError`` when it is not JSON."""
    if _orjson is not None:
        try:
            return _orjson.loads(body)
        except _orjson.JSONDecodeError:
            pass
    return json.loads(body)


if _orjson is not None:

    def dumps(value: Any) -> bytes:
        return _orjson.dumps(value)

else:  # pragma: no cover - depends on the installed extras
    _encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)

    def dumps(value: Any) -> bytes:
        return _encoder.encode(value).encode()
