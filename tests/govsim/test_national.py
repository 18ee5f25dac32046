"""The national night's mix: families, portals down or slow, and answer latency."""

from __future__ import annotations

import statistics
from collections import Counter

from govsim import GovSim
from govsim.sim import LogNormalLatency

from .helpers import fetch


def test_the_national_mix_has_its_shares_of_script_only_gated_down_and_slow_portals():
    sim = GovSim(portals=2000, national=True)  # specs only, no sockets
    generated = [p for p in sim.specs if p.id.startswith("p")]
    n = len(generated)
    kinds = Counter("gated" if p.gate else "js" if p.js else "plain" for p in generated)
    assert 0.08 <= kinds["js"] / n <= 0.12, kinds
    assert 0.012 <= kinds["gated"] / n <= 0.03, kinds
    faults = Counter(sim.faults().values())
    assert faults == {"down": round(n * 0.01), "slow": round(n * 0.03)}
    assert set(sim.faults()) <= {p.id for p in generated}  # the standard portals keep working
    assert not GovSim(portals=2000).faults()  # the scale set has no faults unless asked


def test_latency_is_log_normal_around_300_ms_and_capped_at_5_s():
    latency = LogNormalLatency(seed=1)
    draws = sorted(latency() for _ in range(20000))
    assert 0.27 <= statistics.median(draws) <= 0.33
    assert 0.6 <= draws[int(0.9 * len(draws))] <= 1.1  # a tenth take most of a second or more
    assert draws[-1] <= 5.0


def test_every_answer_waits_for_its_latency_draw():
    with GovSim(portals=12, national=True) as sim:
        draws = []
        sim.latency = lambda: draws.append(1) or 0.0
        fetch(sim.url("huadu", "/robots.txt"))
        fetch(sim.url("jiangmen", "/"))
        assert len(draws) == 2
