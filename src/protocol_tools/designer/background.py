"""One piece of work at a time, in a thread of its own, on the latest request only.

The designer draws its charts this way, so typing never waits for a chart: each edit
hands in a new request, a request handed in while another waits replaces it, and
the work starts once no new request came for ``delay`` seconds (so a quick run of
edits is drawn once, at its end).

    >>> done = []
    >>> worker = LatestOnly(done.append, delay=0.01)
    >>> for number in range(5):
    ...     worker.submit(number)
    >>> worker.wait(timeout=10)
    True
    >>> done[-1]
    4
    >>> worker.stop()
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["LatestOnly"]

Item = TypeVar("Item")


class LatestOnly(Generic[Item]):
    """Runs ``work(item)`` in a daemon thread for the latest item submitted.

    ``work`` must catch what it can raise: an exception that escapes it ends the
    thread's current run only, is kept in :attr:`error` and raised again by
    :meth:`wait`.
    """

    def __init__(self, work: Callable[[Item], None], *, delay: float, name: str = "latest-only"):
        self._work = work
        self._delay = delay
        self._name = name
        self._condition = threading.Condition()
        self._item: Item | None = None
        self._waiting = False  # an item is handed in and not taken yet
        self._handed_at = 0.0
        self._busy = False
        self._stopped = False
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def submit(self, item: Item) -> None:
        """Hand in ``item``; it replaces an item handed in before and not taken yet."""
        with self._condition:
            if self._stopped:
                return
            self._item = item
            self._waiting = True
            self._handed_at = time.monotonic()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._condition.notify_all()

    def _take(self) -> tuple[bool, Item | None]:
        """The next item, once ``delay`` passed since the last hand-in; (False, None) to end."""
        with self._condition:
            while not self._waiting and not self._stopped:
                self._condition.wait()
            while not self._stopped:
                left = self._handed_at + self._delay - time.monotonic()
                if left <= 0:
                    break
                self._condition.wait(left)
            if self._stopped:
                return False, None
            item, self._item, self._waiting = self._item, None, False
            self._busy = True
            return True, item

    def _run(self) -> None:
        while True:
            going, item = self._take()
            if not going:
                return
            try:
                self._work(item)  # type: ignore[arg-type]
            except BaseException as error:  # kept for wait(); the thread carries on
                self.error = error
            finally:
                with self._condition:
                    self._busy = False
                    self._condition.notify_all()

    @property
    def idle(self) -> bool:
        """Nothing handed in waits, and no work runs."""
        with self._condition:
            return not self._waiting and not self._busy

    def wait(self, timeout: float | None = None) -> bool:
        """Until nothing waits and no work runs (True), or ``timeout`` seconds (False).

        An exception the work raised since the last wait is raised here.
        """
        with self._condition:
            done = self._condition.wait_for(
                lambda: self._stopped or (not self._waiting and not self._busy), timeout
            )
        error, self.error = self.error, None
        if error is not None:
            raise error
        return done

    def stop(self, timeout: float | None = None) -> None:
        """End the thread once the current work is done; later items are ignored.

        With ``timeout``, wait that many seconds at most for the thread to end.
        """
        with self._condition:
            self._stopped = True
            self._condition.notify_all()
            thread = self._thread
        if timeout is not None and thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
