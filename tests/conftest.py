"""Shared fixtures: govsim (the simulated web) and database URLs for every backend."""

pytest_plugins = ["govsim.testing", "tests.fixtures_db"]
