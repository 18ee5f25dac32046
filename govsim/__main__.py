"""``python -m govsim serve [--day N] [--portals N] [--manifest FILE] [--registry FILE] [--seed S]``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .faults import FAULTS
from .sim import GovSim


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m govsim", description="The simulated government web.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", help="serve the portals on 127.0.0.1 until Ctrl-C")
    s.add_argument("--day", type=int, default=1, help="simulated day (1 = base)")
    s.add_argument("--portals", type=int, default=None, help="number of portals (default: the standard set)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--manifest", type=Path, help="write the day's ground-truth manifest (JSON) here")
    s.add_argument("--registry", type=Path, help="write the fazhi registry (YAML) here")
    s.add_argument(
        "--home-only",
        action="store_true",
        help="the registry lists home URLs only (columns to be discovered)",
    )
    s.add_argument(
        "--national",
        action="store_true",
        help="the national night's mix: 10%% script-only, 2%% gated, 1%% down, 3%% slow, answer latency",
    )
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument(
        "--base-port", type=int, default=None, help="portal i listens on BASE+i (default: free ports)"
    )
    s.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="PORTAL=NAME",
        help=f"switch a fault on ({', '.join(FAULTS)}); repeatable",
    )
    args = ap.parse_args(argv)

    sim = GovSim(
        day=args.day,
        portals=args.portals,
        seed=args.seed,
        host=args.host,
        base_port=args.base_port,
        national=args.national,
    )
    sim.start()
    try:
        for spec in args.fault:
            pid, _, name = spec.partition("=")
            sim.set_fault(pid, name)
        if args.manifest:
            args.manifest.write_text(
                json.dumps(sim.manifest(), ensure_ascii=False, indent=1), encoding="utf-8"
            )
        if args.registry:
            args.registry.write_text(sim.registry_yaml(home_only=args.home_only), encoding="utf-8")
        for p in sim.portals:
            flags = " ".join(f for f in (p["family"], p["gate"] and f"gate={p['gate']}", p["encoding"]) if f)
            print(f"{p['id']:<16} {(p['start_urls'] or [p['home_url']])[0]}  [{flags}]", flush=True)
        print(f"govsim: {len(sim.specs)} portals, day {sim.day}; Ctrl-C to stop", file=sys.stderr, flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        sim.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
