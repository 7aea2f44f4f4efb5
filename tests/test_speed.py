"""The forked child: its answer comes back whole, and any failure is an absent answer."""

from __future__ import annotations

import os
import threading
import time

import pytest

from cebase import speed


def test_answer_comes_from_another_process(single_thread: None) -> None:
    with speed.Child(os.getpid) as child:
        pid = child.result()
    assert isinstance(pid, int)
    assert pid != os.getpid()


def test_answer_larger_than_a_pipe_buffer(single_thread: None) -> None:
    big = ["值" * 1000 + str(i) for i in range(2000)]  # several MB, far over 64 KiB
    with speed.Child(lambda: big) as child:
        assert child.result() == big


def test_child_sees_parent_values_without_copying_them_in(single_thread: None) -> None:
    loaded = {"records": list(range(1000))}
    with speed.Child(lambda: sum(loaded["records"])) as child:
        assert child.result() == sum(range(1000))


def _boom() -> int:
    raise ValueError("the work failed")


def _vanish() -> int:
    os._exit(3)


def test_failed_work_is_no_answer(single_thread: None) -> None:
    with speed.Child(_boom) as child:
        assert child.result() is None


def test_dead_child_is_no_answer(single_thread: None) -> None:
    with speed.Child(_vanish) as child:
        assert child.result() is None


def test_unpicklable_answer_is_no_answer(single_thread: None) -> None:
    with speed.Child(lambda: threading.Lock()) as child:
        assert child.result() is None


def test_result_is_asked_once_and_kept(single_thread: None) -> None:
    child = speed.Child(lambda: [1, 2, 3])
    assert child.result() == [1, 2, 3]
    assert child.result() == [1, 2, 3]


def test_closing_stops_a_child_whose_answer_is_not_wanted(single_thread: None) -> None:
    child = speed.Child(lambda: time.sleep(600))
    pid = child.pid
    assert pid
    child.close()
    with pytest.raises(ProcessLookupError):  # stopped and reaped: no such process any more
        os.kill(pid, 0)
    assert child.result() is None


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait)
    helper.start()
    try:
        assert not speed.available()
        child = speed.Child(os.getpid)
        assert child.pid == 0
        assert child.result() is None  # the caller does the work itself
    finally:
        stop.set()
        helper.join()


def test_no_child_on_one_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speed, "cores", lambda: 1)
    assert not speed.available()
    child = speed.Child(os.getpid)
    assert child.pid == 0
    assert child.result() is None


def test_cores_counts_what_this_process_may_use() -> None:
    assert 1 <= speed.cores() <= (os.cpu_count() or 1)


def _two_answers():
    yield "states"
    yield ["findings"]


def _one_then_dies():
    yield "states"
    os._exit(1)


def test_a_generator_answers_one_by_one(single_thread: None) -> None:
    with speed.Child(_two_answers) as child:
        assert child.next() == "states"
        assert child.next() == ["findings"]
        assert child.next() is None  # no more: reaped
        assert child.pid == 0


def test_an_answer_given_before_the_child_died_stands(single_thread: None) -> None:
    with speed.Child(_one_then_dies) as child:
        assert child.next() == "states"
        assert child.next() is None
