"""A portal whose host never answers costs one timeout chain, and the rest of the crawl goes on."""

from __future__ import annotations

from tests.e2e.helpers import LOOPBACK, crawl, fazhi

# one second per attempt, three attempts per request when nothing stops the retries
TIMEOUTS = ("-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=2")


def test_a_down_host_is_given_up_after_two_silent_connections(govsim_factory, tmp_path):
    sim = govsim_factory()
    sim.down_seconds = 4.0  # longer than the crawl's timeout: every attempt times out
    sim.set_fault("huadu", "down")
    registry = tmp_path / "registry.yaml"
    registry.write_text(sim.registry_yaml(), encoding="utf-8")

    sim.reset_request_counts()
    summary = crawl(registry, f"sqlite:///{tmp_path / 'a.db'}", *TIMEOUTS, portals=["huadu", "jiangmen"])
    # robots.txt timed out twice; the list page and everything after it never left the crawler
    assert sim.request_counts()["huadu"] == 2
    down = summary["portals"]["huadu"]
    assert down["outcome"] == "failed", down
    assert down["host_down"] >= 1 and down["errors"] >= 1, down
    assert summary["portals"]["jiangmen"]["outcome"] == "ok"
    assert summary["portals"]["jiangmen"]["reports"] >= 5

    sim.reset_request_counts()
    off = fazhi(
        *(
            "crawl",
            "--registry",
            str(registry),
            "--db",
            f"sqlite:///{tmp_path / 'b.db'}",
            "--portal",
            "huadu",
        ),
        *LOOPBACK,
        *TIMEOUTS,
        *("-s", "FAZHI_HOST_DOWN_AFTER=0"),
    )
    assert off.returncode == 3, off.stderr[-2000:]  # failed: nothing crawled
    # switched off: robots.txt and the list page each wait out three attempts
    assert sim.request_counts()["huadu"] == 6
