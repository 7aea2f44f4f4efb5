"""The speed machinery, in one place: a forked child, and the garbage collector kept off
the loaded values. Each earns its place in a benchmark (``tests/bench/bench_site.py``,
``bench_validate.py``) on a two-core machine:

- loading half of a large registry, and the site build's rules (run while the
  statuses and pages are made), in a forked child: it sees the parent's loaded
  values without copying them, and only its result comes back, pickled through a pipe;
- no collector pauses while a registry is loaded and checked, and the loaded
  values frozen out of its reach while the site is made from them: a registry
  is millions of long-lived objects that make no cycles, and each full
  collection would walk them all again.

Nothing depends on the child: on one CPU (a child would only compete), where
``fork`` is missing, where threads are running (forking them is unsafe), or
when the child fails in any way, the caller is told (``None``) and does the
work itself.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


def cores() -> int:
    """CPUs this process may run on (a container may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # no affinity call on this system
        return os.cpu_count() or 1


def available() -> bool:
    """Would a child pay, and can it be forked safely: a second CPU, ``fork``, no other thread?"""
    return hasattr(os, "fork") and cores() > 1 and threading.active_count() == 1


class Child(Generic[T]):
    """``work()`` run in a forked child; ``result()`` waits for what it returned.

    Use it as a context manager, so that a child is never left behind when the
    parent stops early.
    """

    def __init__(self, work: Callable[[], T]) -> None:
        self.pid = 0
        self._done = False
        self._value: T | None = None
        if not available():
            self._done = True
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read)
            _serve(work, write)
        os.close(write)
        self.pid, self._read = pid, read

    def result(self) -> T | None:
        """What ``work`` returned, or None when it ran nowhere or failed."""
        if self._done:
            return self._value
        self._done = True
        with os.fdopen(self._read, "rb") as pipe:
            payload = pipe.read()  # read to the end before waiting, or a full pipe blocks the child
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if os.waitstatus_to_exitcode(status) == 0 and payload:
            try:
                self._value = pickle.loads(payload)
            except Exception:  # a garbled answer is no answer
                self._value = None
        return self._value

    def close(self) -> None:
        """Stop a child whose result is no longer wanted."""
        if self._done or not self.pid:
            return
        self._done = True
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.close(self._read)
        os.waitpid(self.pid, 0)
        self.pid = 0

    def __enter__(self) -> Child[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(work: Callable[[], T], write: int) -> None:
    """The child's whole life: do the work, send the answer, leave without cleanup.

    ``os._exit`` skips the parent's exit handlers and buffered output, which
    belong to the parent alone.
    """
    code = 1
    try:
        data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
        code = 0
    except BaseException:  # the parent does the work itself
        pass
    finally:
        os._exit(code)


class no_gc_pauses:
    """The cyclic collector off for the block (loading and checking make no cycles),
    back as it was found when the block ends."""

    def __enter__(self) -> None:
        self.was = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.was:
            gc.enable()


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Everything alive now (the loaded registry) out of the collector's reach for the block.

    A forked child then copies none of these objects' pages just to mark them.
    Unfrozen afterwards, so a long-lived caller (a test run) can still free them.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
