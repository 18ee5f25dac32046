"""A worker process for a pipeline stage that needs a core of its own.

A crawl on loopback is CPU-bound, and Scrapy runs every pipeline on the reactor's one thread: a stage that
costs milliseconds per item (extracting text, writing the archive) holds up fetching. A
:class:`WorkerProcess` runs such a stage's pure function in one child process, in submission order, and
hands the result back to the reactor as an awaitable, so the stage's cost moves to the other core.

Calls and results cross the child's stdin and stdout as length-prefixed pickles, read and written by the
event loop itself: no helper threads in the crawl process, whose GIL the reactor needs (a process pool's
feeder and manager threads made the reactor wait for them thousands of times a crawl).

The child ends when its stdin closes, so it never outlives the crawl that started it (killed or crashed).
Whatever it was doing is then finished or rolled back by its caller's design (the store writes each item in
one transaction). It ignores Ctrl-C, which reaches the whole process group: the crawl decides when to stop.
If the child dies (a parser crashing on a hostile page, the OOM killer), a new one is started and the calls
under way are tried again in it. The death is blamed on the call the child was running (the oldest one
unanswered: answers come in order); a call blamed twice fails with :class:`WorkerDied`, and the calls queued
behind it go on, so a crashing page fails alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pickle
import signal
import struct
import subprocess
import sys
import traceback
from collections import deque
from collections.abc import Callable
from typing import Any, BinaryIO, TypeVar

T = TypeVar("T")

_HEADER = struct.Struct("!I")  # the length of the pickle that follows


# Calls written to the child at once. A crawl outruns its store worker (night 1 of bench.national: 400–800
# items waiting); written at once, each waiting item was held twice, as an object and as its pickle in the
# pipe's write buffer. A few in the pipe keep the child busy; the rest wait their turn unpickled.
IN_FLIGHT = 4

#: Bytes each pipe to and from a child holds (Linux's default is 64 KiB). A realistic item is about 100 KiB
#: pickled (page and text): through a default pipe it went in pieces, each written when the event loop saw
#: room again; through one of 1 MiB it goes in one write. Per 130 KB call, the crawl process's CPU
#: 0.21 → 0.09 ms (bench/README.md). The kernel's limit for users is /proc/sys/fs/pipe-max-size (1 MiB).
PIPE_BYTES = 1 << 20


class WorkerDied(RuntimeError):
    """The worker process ended while running a call, twice in a row."""


class _Gone(Exception):
    """This child ended before answering; ``running``: this call was the one it was running."""

    def __init__(self, running: bool = False) -> None:
        super().__init__()
        self.running = running


def _frame(value: Any) -> bytes:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(payload)) + payload


def _enlarge(pipe: BinaryIO) -> None:
    """Give ``pipe`` :data:`PIPE_BYTES` of room where the system allows it (Linux); else keep its size."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is not None:
        with contextlib.suppress(OSError):  # over the system's limit: the default size still works
            fcntl.fcntl(pipe.fileno(), set_size, PIPE_BYTES)


class _Child(asyncio.Protocol):
    """One child process; reads its answers, which come in the order the calls were sent."""

    def __init__(self, initializer: Callable[..., None] | None, initargs: tuple) -> None:
        # The child imports what the parent can: the same sys.path (as multiprocessing's spawn does).
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        for pipe in (self.process.stdin, self.process.stdout):
            _enlarge(pipe)
        self.process.stdin.write(_frame((initializer, initargs)))  # small: the pipe takes it at once
        self.process.stdin.flush()
        self.pending: deque[asyncio.Future] = deque()
        self.buffer = bytearray()
        self.transport: asyncio.WriteTransport | None = None
        self.connecting: asyncio.Future | None = None
        self.lost = False
        self.slots = asyncio.Semaphore(IN_FLIGHT)

    async def _connect(self) -> None:
        """Hand the child's pipes to the event loop (on the first call: the constructor may run before it)."""
        loop = asyncio.get_running_loop()
        self.transport, _ = await loop.connect_write_pipe(asyncio.BaseProtocol, self.process.stdin)
        await loop.connect_read_pipe(lambda: self, self.process.stdout)

    async def call(self, fn: Callable[..., Any], args: tuple) -> Any:
        if self.connecting is None:
            self.connecting = asyncio.ensure_future(self._connect())
        await self.connecting
        async with self.slots:  # the other calls wait as objects, not pickled twice over in the pipe's buffer
            frame = _frame((fn, args))  # an argument that cannot be pickled fails here, in its caller
            if self.lost:
                raise _Gone()
            future = asyncio.get_running_loop().create_future()
            self.pending.append(future)
            self.transport.write(frame)
            return await future

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self.buffer)
            end = _HEADER.size + size
            if len(self.buffer) < end:
                return
            ok, value = pickle.loads(self.buffer[_HEADER.size : end])
            del self.buffer[:end]
            future = self.pending.popleft()
            if not future.done():  # a caller may have been cancelled
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        running = True  # the oldest call unanswered is the one the child was running
        while self.pending:
            future = self.pending.popleft()
            if not future.done():
                future.set_exception(_Gone(running))
            running = False

    def close(self) -> None:
        """Close the child's stdin, so it exits, and wait for it. Call once every call has its answer."""
        if self.transport is not None and not self.transport.is_closing():
            with contextlib.suppress(RuntimeError):  # its event loop may be closed already
                self.transport.abort()  # nothing is buffered: every call was answered
        self.process.stdin.close()  # now, not on the loop's next turn: we wait for the child below
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


class WorkerProcess:
    """One child process running submitted calls in order.

    ``initializer(*initargs)`` runs once in the child before any call (open an engine, import what the
    calls need). The child starts right away, so its interpreter start-up overlaps the crawl's first requests
    instead of delaying the first item. Functions must be importable (module level); arguments, results and
    exceptions are pickled. An exception raised by a call is raised by :meth:`run`, and the worker goes on.
    """

    def __init__(self, initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> None:
        self._initializer, self._initargs = initializer, initargs
        self.restarts = 0
        self._child = _Child(initializer, initargs)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in the worker."""
        deaths = 0  # the children that died running this call
        while True:
            child = self._child
            try:
                return await child.call(fn, args)
            except _Gone as exc:
                if self._child is child:  # the first call to notice starts the replacement
                    child.close()
                    self._child = _Child(self._initializer, self._initargs)
                    self.restarts += 1
                deaths += exc.running
                if deaths == 2:
                    raise WorkerDied(f"the worker process died twice running {fn.__qualname__}") from exc

    def close(self) -> None:
        """End the child once every call has been answered (as when Scrapy closes its pipelines)."""
        self._child.close()


# -- the child -----------------------------------------------------------------------------------------


def _read_frame(stream: BinaryIO) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    return pickle.loads(stream.read(size))


def _failure(exc: Exception) -> bytes:
    exc.add_note("".join(traceback.format_exception(exc)))
    try:
        return _frame((False, exc))
    except Exception:  # the exception itself cannot be pickled
        return _frame((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


def _answer(fn: Callable[..., Any], args: tuple) -> bytes:
    """``(True, result)`` or ``(False, exception)``, as a frame; an exception carries its traceback."""
    try:
        return _frame((True, fn(*args)))
    except Exception as exc:  # the caller gets it, the worker goes on
        return _failure(exc)


def _serve(calls: BinaryIO, answers: BinaryIO) -> None:
    """Run the initializer, then answer each call until the parent closes our stdin.

    A failed initializer fails every call with its exception (a worker that dies instead would be
    restarted for every call, to fail the same way).
    """
    initializer, initargs = _read_frame(calls)
    broken: bytes | None = None
    try:
        if initializer is not None:
            initializer(*initargs)
    except Exception as exc:
        failed = RuntimeError(f"the worker could not start: {type(exc).__name__}: {exc}")
        failed.__cause__ = exc  # its traceback goes into the note
        broken = _failure(failed)
    while True:
        try:
            fn, args = _read_frame(calls)
        except EOFError:
            return
        answers.write(broken or _answer(fn, args))
        answers.flush()


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    frames = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the frame stream
    _serve(sys.stdin.buffer, frames)
