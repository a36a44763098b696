"""Every store module imports on its own, in any order (no import cycles), without heavy deps."""

from __future__ import annotations

import subprocess
import sys

import pytest

MODULES = [
    "weir.store.registry.sqlite",
    "weir.store.registry.base",
    "weir.store.tracking.sqlite",
    "weir.store.tracking.sqlite.store",
    "weir.store.tracking.sqlite.validation",
    "weir.store.tracking.search",
    "weir.store.tracking.local",
    "weir.entities.registry",
]


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_first_and_alone(module):
    code = (
        f"import sys, {module}\n"
        "import weir.store.tracking.sqlite as s, weir.store.registry.sqlite as r\n"
        "assert s.SqliteTrackingStore is r.SqliteRegistryStore\n"
        "assert not {'numpy', 'pandas', 'sqlalchemy'} & set(sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
