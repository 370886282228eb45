"""One piece of work at a time, in a thread of its own, on the latest request only."""

from __future__ import annotations

import threading

import pytest

from protocol_tools.designer.background import LatestOnly


def test_requests_that_wait_are_replaced_by_the_latest():
    started, gate = threading.Event(), threading.Event()
    done: list[int] = []

    def work(item: int) -> None:
        started.set()
        gate.wait(30)
        done.append(item)

    worker = LatestOnly(work, delay=0.0)
    worker.submit(1)
    assert started.wait(30)  # taken at once; the thread waits at the gate
    for item in range(2, 10):
        worker.submit(item)
    assert not worker.idle
    gate.set()
    assert worker.wait(timeout=30)
    assert done == [1, 9]
    assert worker.idle
    worker.stop()


def test_a_delay_waits_for_a_quiet_moment():
    done: list[int] = []
    worker = LatestOnly(done.append, delay=0.2)
    for item in range(5):
        worker.submit(item)
    assert worker.wait(timeout=30)
    assert done == [4]
    worker.stop()


def test_an_error_is_raised_by_wait_and_the_thread_carries_on():
    done: list[int] = []

    def work(item: int) -> None:
        if item < 0:
            raise ValueError("negative")
        done.append(item)

    worker = LatestOnly(work, delay=0.0, name="test-errors")
    worker.submit(-1)
    with pytest.raises(ValueError, match="negative"):
        worker.wait(timeout=30)
    worker.submit(3)
    assert worker.wait(timeout=30)
    assert done == [3]
    worker.stop(timeout=30)
    assert "test-errors" not in [thread.name for thread in threading.enumerate()]
    worker.submit(4)  # ignored once stopped
    assert worker.wait(timeout=30)
    assert done == [3]
