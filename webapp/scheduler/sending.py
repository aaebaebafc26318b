"""Sending a sweep's claimed batches on a thread of their own, while it decides the next.

Deciding a batch is mostly the plan engine's work and sending it mostly waiting on push
services and encryption; done one after the other, a 10,000-reminder minute took the sum of
both. Here a batch goes out while the next is read, decided and claimed. Batches are sent one
at a time, in the order claimed, and the sweep runs at most one batch ahead of the sending, so
it never holds more than two batches claimed but unsent (a scheduler killed then leaves them to
the next, as before). A failed send (the database away) stops the sweep at its next batch.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor


class Sending:
    """Batches handed over to be sent in order on one thread; at most one waits behind another."""

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="hipday-sweep-send")
        self._under_way: list[Future[None]] = []

    def start(self, send: Callable[[], None]) -> None:
        """Send a batch after those before it, once at most one is left ahead of it; raises
        the error of a batch that failed."""
        while len(self._under_way) > 1:
            self._under_way.pop(0).result()
        self._under_way.append(self._thread.submit(send))

    def finish(self) -> None:
        """Wait until every batch is sent; raises the error of the first that failed."""
        self._thread.shutdown(wait=True)
        under_way, self._under_way = self._under_way, []
        for future in under_way:
            future.result()
