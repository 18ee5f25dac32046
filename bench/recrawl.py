"""Requests sent by a re-crawl of an unchanged govsim web, against the first crawl of it.

Run: ``python -m bench.recrawl [--portals N]``. Prints both request counts, the ratio (target ≤ 10%) and how
many pages the re-crawl extracted (target 0).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bench.crawling import fazhi_crawl
from govsim import GovSim


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--portals", type=int, default=None, help="generated portals (default: the standard set)"
    )
    args = parser.parse_args()
    with GovSim(portals=args.portals) as sim, tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        registry = tmp / "registry.yaml"
        registry.write_text(sim.registry_yaml(), encoding="utf-8")
        portals = sim.plain_portal_ids()
        db_url, cache = f"sqlite:///{tmp / 'bench.db'}", ("-s", f"HTTPCACHE_DIR={tmp / 'cache'}")
        first = fazhi_crawl(registry, db_url, portals, *cache)
        second = fazhi_crawl(registry, db_url, portals, *cache)
    extracted1 = sum(p.get("extracted", 0) for p in first["portals"].values())
    extracted = sum(p.get("extracted", 0) for p in second["portals"].values())
    sent1, sent2 = first["totals"]["sent"], second["totals"]["sent"]
    print(f"portals: {len(portals)}")
    print(f"first crawl : {sent1:5d} requests sent, {extracted1} pages extracted")
    print(f"re-crawl    : {sent2:5d} requests sent, {extracted} pages extracted")
    print(f"ratio re-crawl / first: {sent2 / sent1:.1%} (target ≤ 10%, and 0 extracted)")
    summary = {
        "portals": len(portals),
        "first_sent": sent1,
        "first_extracted": extracted1,
        "recrawl_sent": sent2,
        "recrawl_extracted": extracted,
        "ratio": round(sent2 / sent1, 4),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
