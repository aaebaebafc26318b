"""A push sender that writes down each result as soon as its push service answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait

from webapp.push.sender import Push, Result, Sender


class RecordingSender(Sender):
    """A sender that hands each push's result over as soon as its push service answered."""

    def send_each(
        self, pushes: Sequence[Push], record: Callable[[list[tuple[int, Result]]], None]
    ) -> list[Result]:
        """Send `pushes` concurrently; results in the same order.

        While they go out, this thread passes every batch of finished ones to `record` as
        (index in `pushes`, result): one call per wake-up, so the writes group themselves when
        many answers arrive together. If `record` fails, pushes not yet started are dropped,
        those under way finish, and the error is raised.
        """
        if not pushes:
            return []
        pool = self._executor()
        futures = [pool.submit(self.send, push) for push in pushes]
        index: dict[Future[Result], int] = {future: i for i, future in enumerate(futures)}
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                record([(index[future], future.result()) for future in done])
        except BaseException:
            for future in pending:
                future.cancel()
            wait(pending)
            raise
        return [future.result() for future in futures]
