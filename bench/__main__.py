"""Run every benchmark in turn (``python -m bench``), or the ones named (``python -m bench crawl dedup``).

Each runs in its own process, as ``python -m bench.<name>`` would, and prints its ratio against a baseline
measured in the same run (bench/README.md). All of them take about ten minutes on two cores. ``scaleout``
needs Redis and PostgreSQL, so it runs only when named.
"""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = ("extract", "formats", "crawl", "recrawl", "dedup", "search", "render", "discover")
BY_NAME_ONLY = ("scaleout",)  # needs Redis and PostgreSQL: run when named


def main(names: list[str]) -> int:
    known = BENCHMARKS + BY_NAME_ONLY
    unknown = [name for name in names if name not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    failed = []
    for name in names or BENCHMARKS:
        print(f"== bench.{name}", flush=True)
        if subprocess.run([sys.executable, "-m", f"bench.{name}"], check=False).returncode:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
