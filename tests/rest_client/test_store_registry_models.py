"""tests/store/test_registry_models.py, run through the REST store against a live weir server."""

from weir_live_server import adopt_store_tests

adopt_store_tests(globals(), "test_registry_models")
