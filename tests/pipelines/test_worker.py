"""WorkerProcess: calls run in another process, in order; a worker that dies is replaced."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from pipelines.worker import PIPE_BYTES, WorkerDied, WorkerProcess

_state: dict[str, str] = {}


def remember(value: str) -> None:
    """Initializer: runs once in the worker."""
    _state["init"] = value


def describe(n: int) -> tuple[int, int, str | None]:
    return n, os.getpid(), _state.get("init")


def die_once(marker: str) -> str:
    """Kills the worker the first time (no marker yet), answers the second time."""
    path = Path(marker)
    if not path.exists():
        path.write_text("died")
        os._exit(1)
    return "survived"


def die() -> None:
    os._exit(1)


def fail_to_start() -> None:
    raise ValueError("no database here")


def divide(a: int, b: int) -> float:
    return a / b


def run(coro):
    return asyncio.run(coro)


def test_calls_run_in_one_other_process_in_order_after_the_initializer() -> None:
    worker = WorkerProcess(remember, ("ready",))
    try:

        async def main():
            return await asyncio.gather(*(worker.run(describe, n) for n in range(20)))

        results = run(main())
    finally:
        worker.close()
    assert [n for n, _, _ in results] == list(range(20))
    pids = {pid for _, pid, _ in results}
    assert len(pids) == 1 and os.getpid() not in pids
    assert {init for _, _, init in results} == {"ready"}


def test_a_worker_that_dies_is_replaced_and_the_call_tried_again(tmp_path: Path) -> None:
    worker = WorkerProcess()
    try:

        async def main():
            first = await worker.run(describe, 1)
            survived = await worker.run(die_once, str(tmp_path / "marker"))
            after = await worker.run(describe, 2)
            return first, survived, after

        first, survived, after = run(main())
    finally:
        worker.close()
    assert survived == "survived" and worker.restarts == 1
    assert first[1] != after[1], "a new process answers after the restart"


def test_a_call_that_kills_every_worker_fails_alone() -> None:
    worker = WorkerProcess()
    try:

        async def main():
            with pytest.raises(WorkerDied, match="died twice running die"):
                await worker.run(die)
            return await worker.run(describe, 3)

        assert run(main())[0] == 3
    finally:
        worker.close()


def test_calls_queued_behind_a_call_that_kills_every_worker_are_answered() -> None:
    """The death is blamed on the call being run; the calls sent after it are tried again, not failed."""
    worker = WorkerProcess()
    try:

        async def main():
            return await asyncio.gather(
                worker.run(describe, 1),
                worker.run(die),
                *(worker.run(describe, n) for n in range(2, 6)),
                return_exceptions=True,
            )

        results = run(main())
    finally:
        worker.close()
    assert isinstance(results[1], WorkerDied)
    assert [r[0] for i, r in enumerate(results) if i != 1] == [1, 2, 3, 4, 5]
    assert worker.restarts == 2


def test_an_exception_reaches_the_caller_with_its_traceback_and_the_worker_goes_on() -> None:
    worker = WorkerProcess()
    try:

        async def main():
            with pytest.raises(ZeroDivisionError) as caught:
                await worker.run(divide, 1, 0)
            return caught.value, await worker.run(divide, 1, 4)

        error, quarter = run(main())
    finally:
        worker.close()
    assert quarter == 0.25 and worker.restarts == 0
    assert any("in divide" in note for note in error.__notes__), "the worker's traceback travels along"


def test_a_worker_whose_initializer_fails_fails_each_call_clearly_without_restarting() -> None:
    worker = WorkerProcess(fail_to_start)
    try:

        async def main():
            for _ in range(2):
                with pytest.raises(RuntimeError, match="could not start: ValueError: no database here"):
                    await worker.run(describe, 1)

        run(main())
    finally:
        worker.close()
    assert worker.restarts == 0


def echo_size(data: bytes) -> tuple[int, int]:
    """The size of what arrived, and the room of the pipe it came through (this worker's stdin)."""
    import fcntl
    import sys

    return len(data), fcntl.fcntl(sys.stdin.fileno(), fcntl.F_GETPIPE_SZ)


def test_a_realistic_item_crosses_the_pipe_in_one_piece_and_a_larger_one_still_arrives() -> None:
    """The pipes are enlarged to PIPE_BYTES where the system allows it (else they keep their size), and a
    call bigger than the pipe goes through in pieces as before."""
    limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
    worker = WorkerProcess()
    try:

        async def main():
            return [await worker.run(echo_size, b"x" * n) for n in (100_000, 3 * PIPE_BYTES)]

        (small, small_room), (large, _) = run(main())
    finally:
        worker.close()
    assert (small, large) == (100_000, 3 * PIPE_BYTES)
    assert small_room == (PIPE_BYTES if limit >= PIPE_BYTES or os.geteuid() == 0 else 65536)
