"""bench.dedup's command line."""

from __future__ import annotations

import sys

import pytest

from bench import dedup


def test_an_archive_left_by_an_earlier_run_is_refused_not_built_upon(tmp_path, monkeypatch, capsys) -> None:
    """--keep into a folder that holds an earlier run's archive: a clear refusal, the file untouched (it used
    to fail deep in the build on a duplicate portal id)."""
    earlier = tmp_path / "dedup_10.db"
    earlier.write_bytes(b"an earlier run")
    monkeypatch.setattr(sys, "argv", ["dedup", "--sizes", "10", "--keep", str(tmp_path)])
    with pytest.raises(SystemExit) as exit_:
        dedup.main()
    assert exit_.value.code == 2
    assert f"remove or move away: {earlier}" in capsys.readouterr().err
    assert earlier.read_bytes() == b"an earlier run"
