"""Storage back ends: tracking stores (runs, experiments, registry) and artifact repositories."""
