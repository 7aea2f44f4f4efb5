"""The speed machinery, in one place: a forked child, and the garbage collector kept off
the loaded values. Each earns its place in a benchmark (``tests/bench/bench_site.py``,
``bench_validate.py``) on a two-core machine:

- forked children: one loads every other institution of a large registry, sends
  the values back and goes on to their rules; in the site build, another runs
  the rules of the rest while the statuses and pages are made. A child sees the
  parent's loaded values without copying them; only its answers come back,
  pickled through a pipe;
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
import types
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

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
    """``work()`` run in a forked child. Its answer comes back pickled through a pipe;
    a generator's answers come back one by one, as it yields them.

    ``next()`` waits for the next answer, ``result()`` for the first (kept). Use it
    as a context manager, so that a child is never left behind when the parent
    stops early.
    """

    def __init__(self, work: Callable[[], Any]) -> None:
        self.pid = 0
        self._pipe: Any = None
        self._first: list[Any] = []
        if not available():
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read)
            _serve(work, write)
        os.close(write)
        self.pid, self._pipe = pid, os.fdopen(read, "rb")

    def next(self) -> Any | None:
        """The child's next answer; None when it ran nowhere, failed or has no more."""
        if self._pipe is None:
            return None
        head = self._pipe.read(_LENGTH)
        size = int.from_bytes(head, "big") if len(head) == _LENGTH else -1
        payload = self._pipe.read(size) if size >= 0 else b""
        if size < 0 or len(payload) != size:  # the end, or a child that died mid-answer
            self.close()
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # a garbled answer is no answer
            self.close()
            return None

    def result(self) -> T | None:
        """The child's only answer (kept), or None when it ran nowhere or failed; the
        child is reaped once it has given it."""
        if not self._first:
            self._first.append(self.next())
            self.close()
        return self._first[0]

    def close(self) -> None:
        """Stop the child (if still running) and reap it; later answers are None."""
        if self._pipe is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self._pipe.close()
        self._pipe = None
        os.waitpid(self.pid, 0)
        self.pid = 0

    def __enter__(self) -> Child[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_LENGTH = 8  # bytes of an answer's length before it


def _serve(work: Callable[[], Any], write: int) -> None:
    """The child's whole life: do the work, send each answer, leave without cleanup.

    ``os._exit`` skips the parent's exit handlers and buffered output, which
    belong to the parent alone.
    """
    code = 1
    try:
        with os.fdopen(write, "wb") as pipe:
            answers = work()
            for answer in answers if isinstance(answers, types.GeneratorType) else [answers]:
                data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
                pipe.write(len(data).to_bytes(_LENGTH, "big") + data)
                pipe.flush()
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
