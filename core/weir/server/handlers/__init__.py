"""REST handlers, one module per area. Each module's ``register(router)`` mounts its routes."""
