"""tests/store/test_registry_stages.py, run through the REST store against a live weir server."""

from weir_live_server import adopt_store_tests

adopt_store_tests(
    globals(),
    "test_registry_stages",
    skip={
        "test_stage_history_records_every_transition_with_user_and_time": "MLflow's transition-stage "
        "request has no user field: the server records the authenticated user",
        "test_version_in_stage_at_a_time": "rewrites timestamps in the SQLite file directly",
    },
)
