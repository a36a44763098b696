"""tests/store/test_experiments.py, run through the REST store against a live weir server."""

from weir_live_server import adopt_store_tests

_SQLITE_ONLY = "reads SqliteTrackingStore.artifact_root, which a REST store does not have"
adopt_store_tests(
    globals(),
    "test_experiments",
    skip={
        "test_default_experiment_exists_with_id_zero": _SQLITE_ONLY,
        "test_created_experiments_get_increasing_string_ids_and_default_artifact_location": _SQLITE_ONLY,
    },
)
