"""Running ``fazhi`` as a user would, in a subprocess (Twisted's reactor cannot restart in one process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, select

from archive.db import get_engine
from archive.models import Document, Version
from crawler.runner import loopback_args
from tests.paths import REPO

# Loopback crawling: govsim answers instantly, so no politeness delays.
LOOPBACK = loopback_args()


def fazhi_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a ``fazhi`` child: this checkout importable from any folder, no archive or crawl
    command inherited from the developer's shell, wide output."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    for name in ("FAZHI_DB", "FAZHI_CRAWL_COMMAND"):
        full_env.pop(name, None)
    return {**full_env, **(env or {})}


def start_fazhi(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None, **popen) -> subprocess.Popen:
    """Start ``python -m fazhi ARGS`` (the fazhi CLI) and return the running process."""
    return subprocess.Popen([sys.executable, "-m", "fazhi", *args], cwd=cwd, env=fazhi_env(env), **popen)


def fazhi(
    *args: str, timeout: float = 300, env: dict[str, str] | None = None, cwd: Path = REPO
) -> subprocess.CompletedProcess:
    """Run ``python -m fazhi ARGS`` (the fazhi CLI) and return the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "fazhi", *args],
        cwd=cwd,
        env=fazhi_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_crawl(
    registry: Path,
    db_url: str,
    *extra: str,
    portals: list[str] | None = None,
    timeout: float = 300,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """``fazhi crawl --json`` on loopback against a registry; the finished process, whatever its exit."""
    args = ["crawl", "--registry", str(registry), "--db", db_url, "--json", *LOOPBACK, *extra]
    for portal in portals or []:
        args += ["--portal", portal]
    return fazhi(*args, timeout=timeout, env=env)


def crawl(
    registry: Path, db_url: str, *extra: str, portals: list[str] | None = None, timeout: float = 300
) -> dict:
    """:func:`run_crawl`, checked (exit 0 when every portal is ok, else 1); the parsed per-portal summary."""
    proc = run_crawl(registry, db_url, *extra, portals=portals, timeout=timeout)
    assert proc.returncode in (0, 1), (
        f"crawl failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    )
    summary = json.loads(proc.stdout)
    every_portal_ok = all(p["outcome"] == "ok" for p in summary["portals"].values())
    assert proc.returncode == (0 if every_portal_ok else 1), (proc.returncode, summary["portals"])
    return summary


def latest_texts(db_url: str) -> dict[str, tuple[Document, Version]]:
    """Every stored document by URL, with its latest version."""
    engine = get_engine(db_url)
    out: dict[str, tuple[Document, Version]] = {}
    with Session(engine) as session:
        for doc in session.exec(select(Document)):
            version = session.exec(
                select(Version).where(Version.document_id == doc.id).order_by(Version.seq.desc())
            ).first()
            out[doc.url] = (doc, version)
    engine.dispose()
    return out


def changes_after(db_url: str, after_id: int = 0) -> list[tuple[str, str, int]]:
    """Change events with id > ``after_id``: (kind, document URL, document id), in order."""
    from archive.models import Change

    engine = get_engine(db_url)
    with Session(engine) as session:
        rows = session.exec(
            select(Change.kind, Document.url, Document.id, Change.id)
            .join(Document, Document.id == Change.document_id)
            .where(Change.id > after_id)
            .order_by(Change.id)
        ).all()
    engine.dispose()
    return [(kind, url, doc_id) for kind, url, doc_id, _ in rows]


def last_change_id(db_url: str) -> int:
    from sqlalchemy import func

    from archive.models import Change

    engine = get_engine(db_url)
    with Session(engine) as session:
        value = session.exec(select(func.max(Change.id))).one()
    engine.dispose()
    return value or 0


def write_registry(sim, tmp_path) -> Path:
    registry = tmp_path / "govsim.yaml"
    registry.write_text(sim.registry_yaml(), encoding="utf-8")
    return registry
