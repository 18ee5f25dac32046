"""Shared fixtures: govsim (the simulated web) and database URLs for every backend; the Hypothesis budget."""

import os

import pytest
from hypothesis import HealthCheck, settings

# Rich wraps CLI output at the terminal width (80 without a terminal): a message naming a temporary path
# (longer under pytest-xdist's per-worker folders) must not be cut in two where a test looks for it.
os.environ["COLUMNS"] = "200"

pytest_plugins = ["govsim.testing", "tests.fixtures_db", "tests.fulldisk"]

# Property-based tests (tests/hostile/) run a fixed, small budget: the same examples on every run (CI must
# not flake on a newly drawn input), no deadline (the machine is shared), no example database on disk.
# HYPOTHESIS_PROFILE=deep runs far more examples when hunting for bugs by hand.
settings.register_profile(
    "fazhi",
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile("deep", parent=settings.get_profile("fazhi"), max_examples=2000, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fazhi"))


@pytest.fixture(autouse=True)
def own_http_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's crawls keep robots.txt (crawler/robotscache.py) in a cache of their own, not in the user's.

    The cache is keyed by URL, and govsim's ports are reused from test to test: a robots.txt cached from an
    earlier test's server would be answered from the cache, and a test counting the requests a host received
    would find some missing (CI saw 3 where 6 were due).
    """
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
