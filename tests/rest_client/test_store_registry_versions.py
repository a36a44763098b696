"""tests/store/test_registry_versions.py, run through the REST store against a live weir server."""

from weir_live_server import adopt_store_tests

adopt_store_tests(
    globals(),
    "test_registry_versions",
    skip={
        "test_create_model_version_fields": "MLflow's model-versions/create has no user_id field: "
        "the server records the authenticated user",
    },
)
