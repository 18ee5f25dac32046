"""bench.scaleout's portal set: only portals that need the browser and have a report column, enough of them."""

from __future__ import annotations

from bench.scaleout import browser_portal_ids, generated_size
from govsim import GovSim


def test_the_set_is_every_js_only_and_gated_portal_with_a_column_and_nothing_else() -> None:
    entries = GovSim(portals=140).portals
    chosen = browser_portal_ids(140)
    assert chosen == [p["id"] for p in entries if (p["js"] or p["gate"]) and p["columns"]]
    assert any((p["js"] or p["gate"]) and not p["columns"] for p in entries)  # one was left out
    assert {p["family"] for p in entries if p["id"] in chosen} <= {"jsonly", "trs", "static"}
    assert {p["gate"] for p in entries if p["id"] in chosen} == {None, "412", "521"}


def test_the_generated_set_is_the_smallest_that_holds_the_portals_asked_for() -> None:
    size = generated_size(16)
    assert len(browser_portal_ids(size)) >= 16
    assert len(browser_portal_ids(size - 20)) < 16
