"""Issue 12, defect 7 and the exit codes: a broken set-up is one sentence and exit 2, before anything is
fetched; Ctrl-C is exit 130 without a traceback; kill -9 leaves no run ``running`` for ever.

The set-up errors are checked in-process (``fazhi crawl`` refuses them before Scrapy's reactor starts); the
signals need a real process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import text
from sqlmodel import Session
from typer.testing import CliRunner

from archive.db import get_engine
from archive.queries import recent_runs
from fazhi.cli import app
from govsim import GovSim
from tests.e2e.helpers import LOOPBACK, fazhi, write_registry
from tests.paths import REPO


@pytest.fixture
def registry(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(
        "portals:\n  - id: a\n    name: A\n    start_urls: ['http://127.0.0.1:9/col/']\n", encoding="utf-8"
    )
    return path


def _crawl(*args: str):
    return CliRunner().invoke(app, ["crawl", *args])


def _future_archive(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'future.db'}"
    engine = get_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    engine.dispose()
    return url


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("missing_folder", "the folder"),
        ("corrupt", "is not a usable SQLite archive"),
        ("future", "this archive was written by a newer fazhi"),
        ("timeout_abc", "-s DOWNLOAD_TIMEOUT=abc: expected a number"),
        ("notaurl", "'notaurl' is not a database URL"),
        ("mysql", "'mysql' databases are not supported"),
    ],
)
def test_a_broken_set_up_is_one_sentence_and_exit_2(case, expected, registry, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    extra: list[str] = []
    if case == "missing_folder":
        db = f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'a.db'}"
    elif case == "corrupt":
        (tmp_path / "a.db").write_bytes(b"this is not an SQLite file, only some bytes that claim a name" * 20)
    elif case == "future":
        db = _future_archive(tmp_path)
    elif case == "timeout_abc":
        extra = ["-s", "DOWNLOAD_TIMEOUT=abc"]
    elif case == "notaurl":
        db = "notaurl"
    elif case == "mysql":
        db = "mysql://fazhi@localhost/fazhi"
    result = _crawl("--registry", str(registry), "--db", db, *extra)
    assert result.exit_code == 2, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit)  # no traceback
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) <= 2, result.stderr


def test_a_bad_port_in_the_registry_is_refused_before_crawling(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(
        "portals:\n  - id: a\n    name: A\n    start_urls: ['http://127.0.0.1:99999/']\n", encoding="utf-8"
    )
    result = _crawl("--registry", str(path), "--db", f"sqlite:///{tmp_path / 'a.db'}")
    assert (
        result.exit_code == 2
        and f"{path}: portal 'a': start_urls:" in result.stderr
        and "invalid port" in result.stderr
    )


def test_a_broken_set_up_has_no_traceback_from_the_console_script(tmp_path):
    proc = fazhi("show", "1", "--db", "mysql://fazhi@localhost/fazhi")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert (
        proc.stderr.strip()
        == "error: 'mysql' databases are not supported (mysql://fazhi@localhost/fazhi): use SQLite or PostgreSQL"
    )


@pytest.mark.parametrize("command", ["search", "serve", "crawl"])
def test_an_archive_that_will_not_open_is_one_sentence_without_its_password(command, registry):
    """Nothing listens on loopback port 9: every command says so once, exit 2, the password hidden."""
    args = {"search": ["法治"], "serve": ["--port", "8799"], "crawl": ["--registry", str(registry)]}[command]
    proc = fazhi(command, *args, "--db", "postgresql://fazhi:s3cret@127.0.0.1:9/fazhi")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "s3cret" not in proc.stdout + proc.stderr and "fazhi:***@127.0.0.1:9/fazhi" in proc.stderr
    assert proc.stderr.count("cannot open the archive") == 1 and "refused" in proc.stderr, proc.stderr


def _start_crawl(registry, db_url: str, *, python_path: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("FAZHI_DB", None)
    if python_path:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [python_path, env.get("PYTHONPATH")]))
    args = ["crawl", "--registry", str(registry), "--db", db_url, "--json", "--portal", "conghua", *LOOPBACK]
    return subprocess.Popen(
        [sys.executable, "-m", "fazhi", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _running_run(db_url: str, timeout: float = 60) -> None:
    """Wait until the crawl has opened its run row."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        engine = get_engine(db_url)
        with Session(engine) as session:
            found = [r for r in recent_runs(session) if r.outcome == "running"]
        engine.dispose()
        if found:
            return
        time.sleep(0.2)
    raise AssertionError("the crawl never opened its run")


def _importing_fazhi(pid: int, timeout: float = 60) -> None:
    """Wait until the process is importing fazhi's dependencies (lxml's library is mapped: Scrapy is being
    imported). Earlier, the interpreter itself is starting (site, runpy) and no fazhi code can answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(f"/proc/{pid}/maps", encoding="ascii", errors="replace") as maps:
            if "lxml" in maps.read():
                return
        time.sleep(0.005)
    raise AssertionError("the crawl never started importing its dependencies")


@pytest.mark.slow
@pytest.mark.parametrize("when", ["start-up", "crawl"])
def test_ctrl_c_exits_130_without_a_traceback(when, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    get_engine(db_url).dispose()
    with GovSim(day=1) as sim:
        # every page waits past the download timeout: the crawl is still running when interrupted, however
        # late a busy machine lets the test see its run (with 3 s pages it once ended first, exit 0)
        sim.slow_seconds = 30
        sim.set_fault("conghua", "slow")
        proc = _start_crawl(write_registry(sim, tmp_path), db_url)
        if when == "start-up":
            _importing_fazhi(proc.pid)  # importing Scrapy, SQLAlchemy, Typer…
        else:
            _running_run(db_url)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-3000:]
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-3000:]
    if when == "crawl":
        assert json.loads(out)["finish_reason"] == "shutdown"


#: ``sitecustomize`` of a crawl whose spider takes seconds to open after its run is recorded, so that the test's
#: Ctrl-C lands while the engine has not started yet (the window in which Scrapy's own stop did nothing).
_SLOW_OPENING = """
import time

import crawler.extensions as extensions

_opened = extensions.RunRecorder.spider_opened


def spider_opened(self, spider):
    _opened(self, spider)
    time.sleep(3)


extensions.RunRecorder.spider_opened = spider_opened
"""


@pytest.mark.slow
def test_ctrl_c_while_the_spider_opens_is_an_interruption_too(tmp_path):
    """Before the engine runs, Scrapy's graceful stop stopped nothing and the reactor ended under the opening
    spider: exit 3 (failed), no finish reason, the run left running. It is an interruption like any other."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_SLOW_OPENING, encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    get_engine(db_url).dispose()
    with GovSim(day=1) as sim:
        proc = _start_crawl(write_registry(sim, tmp_path), db_url, python_path=str(hook))
        _running_run(db_url)  # recorded, and the spider still opening for three seconds
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, out[:400] + err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    assert json.loads(out)["finish_reason"] == "shutdown"
    engine = get_engine(db_url)
    with Session(engine) as session:
        assert [r.outcome for r in recent_runs(session)] == ["interrupted"]
    engine.dispose()


@pytest.mark.slow
def test_a_crawl_killed_with_sigkill_is_recorded_interrupted(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    get_engine(db_url).dispose()
    with GovSim(day=1) as sim:
        sim.slow_seconds = 1.5
        sim.set_fault("conghua", "slow")
        proc = _start_crawl(write_registry(sim, tmp_path), db_url)
        _running_run(db_url)
        proc.kill()
        proc.communicate(timeout=60)
    runs = fazhi("runs", "--db", db_url, "--json")
    assert runs.returncode == 0, runs.stderr
    assert [r["outcome"] for r in json.loads(runs.stdout)] == ["interrupted"]
