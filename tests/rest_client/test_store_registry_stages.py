"""tests/store/test_registry_stages.py, run through the REST store against a live weir server."""

from weir_live_server import adopt_store_tests

_HISTORY = (
    "stage history is a weir extension (GET /api/2.0/weir/model-versions/stage-history) that the "
    "server does not serve yet"
)
adopt_store_tests(
    globals(),
    "test_registry_stages",
    skip={
        "test_stage_history_records_every_transition_with_user_and_time": _HISTORY,
        "test_stage_history_survives_version_delete": _HISTORY,
        "test_version_in_stage_at_a_time": "rewrites timestamps in the SQLite file directly",
    },
)
