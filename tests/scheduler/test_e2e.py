"""One real night: ``fazhi schedule --once`` runs ``scrapy crawl reports`` on govsim into a real archive."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from crawler.settings import LOOPBACK_SETTINGS
from tests.e2e.helpers import fazhi as run_fazhi
from tests.receivers import WebhookReceiver

pytestmark = pytest.mark.slow
LOOPBACK = [f"{name}={value}" for name, value in {**LOOPBACK_SETTINGS, "LOG_LEVEL": "INFO"}.items()]


def fazhi(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_fazhi(*args, cwd=cwd, timeout=240, env={"FAZHI_SCHEDULE_JITTER": "0"})


def test_once_crawls_govsim_and_records_the_run(govsim, tmp_path: Path) -> None:
    plain = [p["id"] for p in govsim.portals if p["family"] in ("trs", "static") and not p.get("gate")][:2]
    registry = yaml.safe_load(govsim.registry_yaml())
    registry["portals"] = [p for p in registry["portals"] if p["id"] in plain]
    path = tmp_path / "govsim.yaml"
    path.write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'fazhi.db'}"
    web = WebhookReceiver().__enter__()
    alerts_file = tmp_path / "alerts.yaml"  # subscriptions from a config file, synced by the crawl
    alerts_file.write_text(
        f"subscriptions:\n  - url: {web.url('/night')}\n    events: [new]\n", encoding="utf-8"
    )
    sets = [arg for pair in [*LOOPBACK, f"FAZHI_SUBSCRIPTIONS={alerts_file}"] for arg in ("--set", pair)]

    try:
        first = fazhi(
            "schedule", "--once", "--json", "--registry", str(path), "--db", db, *sets, cwd=tmp_path
        )
    finally:
        web.__exit__()
    assert first.returncode == 0, first.stderr[-3000:]
    [digest] = web.received["/night"]  # the scheduled crawl ended with one digest of what it found
    assert digest["title"].startswith("fazhi: ") and digest["title"].endswith(" new")
    report = json.loads(first.stdout)
    assert [d["reason"] for d in report["due"]] == ["forced"] * len(plain)  # empty job store: all due
    assert [(c["portals"], c["outcome"]) for c in report["crawls"]] == [(plain, "ok")]

    runs = fazhi("runs", "--json", "--db", db, cwd=tmp_path)
    assert runs.returncode == 0, runs.stderr
    (run,) = json.loads(runs.stdout)
    assert run["outcome"] == "ok" and run["finished_at"]
    assert set(run["counters"]) == set(plain)
    assert all(run["counters"][p]["outcome"] == "ok" and run["counters"][p]["articles"] > 0 for p in plain)
    assert (tmp_path / "crawls" / f"run-{run['id']}.log").exists()  # the crawl's own log, beside ours
    assert run["alerts"] == {"sent": {"1": int(digest["title"].split()[1])}, "failed": {}}

    again = fazhi("schedule", "--once", "--json", "--registry", str(path), "--db", db, *sets, cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert json.loads(again.stdout)["crawls"] == []  # crawled today already: nothing due
