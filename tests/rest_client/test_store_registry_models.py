"""tests/store/test_registry_models.py, run through the REST store against a live weir server."""

from weir_live_server import adopt_store_tests

adopt_store_tests(
    globals(),
    "test_registry_models",
    skip={
        "test_rename_moves_versions_tags_aliases_and_history": "reads the stage history, a weir extension "
        "(GET /api/2.0/weir/model-versions/stage-history) the server does not serve yet",
    },
)
