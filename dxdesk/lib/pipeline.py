"""Write behind: one thread writes batches while the caller prepares the next.

A large import spends about half its time in Python (reading rows, computing keys) and
half in the database (inserting, updating indexes). The database drivers release the
GIL while the database works, so on two or more CPUs the two halves overlap when the
writes run in a thread of their own.
"""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Generic, TypeVar

from django.db import connection, connections

Batch = TypeVar("Batch")

_DONE = object()


class _Writer(Generic[Batch]):
    def __init__(
        self,
        write: Callable[[Batch], None],
        depth: int,
        around: Callable[[], AbstractContextManager[object]],
    ) -> None:
        self._write = write
        self._around = around
        self._batches: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="write-behind", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with self._around():
                while (batch := self._batches.get()) is not _DONE:
                    if self._error is None:
                        try:
                            self._write(batch)  # type: ignore[arg-type]
                        except BaseException as error:  # handed to the caller in finish()
                            self._error = error
                    # After an error the remaining batches are taken and dropped, so that
                    # the caller never waits on a full queue.
        except BaseException as error:
            self._error = self._error or error
        finally:
            connections.close_all()  # this thread's connections only

    def submit(self, batch: Batch) -> None:
        self._raise_if_failed()
        self._batches.put(batch)

    def finish(self) -> None:
        self._batches.put(_DONE)
        self._thread.join()
        self._raise_if_failed()

    def finish_quietly(self) -> None:
        """Stop after the batches already handed over; the caller is raising its own error."""
        self._batches.put(_DONE)
        self._thread.join()

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error


@contextmanager
def write_behind(
    write: Callable[[Batch], None],
    *,
    depth: int = 2,
    around: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> Iterator[Callable[[Batch], None]]:
    """Yield `submit(batch)`; each batch is handed to `write` in submission order.

    `write` runs in one thread with its own database connection, inside `around()`
    (e.g. connection settings for the writing), and must commit its own work (one
    transaction per batch). At most `depth` batches wait, so memory stays
    bounded. The first error `write` raises comes back to the caller, at its next
    `submit` or when the block ends; later batches are not written.

    Inside a caller's transaction (`atomic`) a second connection would not see the
    transaction's rows and, on SQLite, would wait for its lock: there `write` runs in
    the caller's thread instead, batch by batch.
    """
    if connection.in_atomic_block:
        with around():
            yield write
        return
    writer: _Writer[Batch] = _Writer(write, depth, around)
    try:
        yield writer.submit
    except BaseException:
        writer.finish_quietly()
        raise
    writer.finish()


_pauses = 0
_pauses_lock = threading.Lock()
_enabled_before = True


@contextmanager
def garbage_collection_paused() -> Iterator[None]:
    """Hold off Python's cycle collector while a bulk job makes millions of short-lived,
    acyclic objects (rows, keys, tuples): its passes over the growing young generations
    took a fifth of an import's reading thread. Reference counting still frees every
    one of them at once. Process-wide and counted, so that overlapping jobs (two web
    imports) give collection back only when the last one ends, and only if it was on.
    """
    global _pauses, _enabled_before
    with _pauses_lock:
        if _pauses == 0:
            _enabled_before = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses -= 1
            if _pauses == 0 and _enabled_before:
                gc.enable()
