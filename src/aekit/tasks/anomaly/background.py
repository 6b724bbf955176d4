"""Overlap reading, scoring and writing of a streamed file on separate threads.

Arrow parses and formats CSV with the GIL released, so on two cores the next chunk can be read and the
previous one written while the model scores the current one. Both helpers keep at most ``depth`` chunks
in flight, so memory stays bounded, and hand exceptions back to the calling thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator

POLL_SECONDS = 0.1


class _Failure:
    def __init__(self, error: BaseException):
        self.error = error


_DONE = object()


def prefetched(items: Iterable, depth: int = 2) -> Iterator:
    """Iterate ``items`` on a background thread, up to ``depth`` items ahead of the consumer.

    An exception raised while producing an item is raised here, in order. Leaving the loop early
    stops the producer at its next item.
    """
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as error:  # handed to the consumer, which re-raises it
            put(_Failure(error))

    thread = threading.Thread(target=produce, name="aekit-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item = ready.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()


class OrderedWorker:
    """Runs submitted jobs one after another on a background thread, at most ``depth`` waiting.

    The first job that fails stops the rest; its exception is raised by the next :meth:`submit` or by
    :meth:`finish`, which waits for every job to end.
    """

    def __init__(self, depth: int = 2):
        self._jobs: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="aekit-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            if self._error is None:
                try:
                    job()
                except BaseException as error:
                    self._error = error

    def submit(self, job: Callable[[], None]) -> None:
        self._raise_failure()
        self._jobs.put(job)

    def finish(self, raise_failure: bool = True) -> None:
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()
        if raise_failure:
            self._raise_failure()

    def _raise_failure(self) -> None:
        if self._error is not None:
            raise self._error
