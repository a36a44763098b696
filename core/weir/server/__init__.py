"""weir's tracking server: MLflow's REST API, the artifact proxy and the web UI on one ASGI app.

Nothing heavy is imported here; ``weir.server.app.build_app`` builds the app and
``weir.server.launcher.run_server`` starts it under uvicorn.
"""
