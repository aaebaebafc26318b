"""Deciding due reminders in worker threads, so one slow or failing user holds back nobody.

Why threads with a time budget: deciding a reminder reads the user's plan, which for an odd
account can take seconds, and a sweep that decided users one after another made everyone wait
for the slowest (a reminder more than two hours late is dropped). Here a round's decisions run
on a small pool, and the sweep waits for them only until each has ended or run past its budget;
then the ended ones are claimed and sent together, as one batch, so their pushes still go out
concurrently. A failing decision costs nobody anything, a slow one delays the others by its
budget at most. Python can't stop a thread, so a decision past its budget is left to finish on
its own: later sweeps leave its reminder alone while it runs (one thread per slow reminder,
never one per minute), and the first sweep after it ends sends it, late. A pool whose every
thread is held by such a decision is replaced, so those never queue the others behind them. A
process per decision could be stopped, but would cost more than the decision and need its own
app and database connections; the plan engine is bounded elsewhere, so a decision past its
budget should be rare.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from webapp.store.models import Reminder, User

T = TypeVar("T")
#: How often a sweep waiting for decisions looks for those that have run past their budget.
LOOK_EVERY = 0.25


@dataclass
class Decided(Generic[T]):
    """One decision as it ended: its result, or the exception it raised."""

    reminder: Reminder
    user: User
    result: T | None
    error: BaseException | None


@dataclass(eq=False)
class _UnderWay(Generic[T]):
    reminder: Reminder
    user: User
    decide: Callable[[Reminder, User], T]
    future: Future[T] = field(init=False)
    pool: ThreadPoolExecutor | None = None  # the pool it was given to
    started: float | None = None  # time.monotonic() when a thread took it up

    def run(self) -> T:
        self.started = time.monotonic()
        return self.decide(self.reminder, self.user)


class Decisions(Generic[T]):
    """The decisions under way in one scheduler process, kept from one sweep to the next."""

    def __init__(self, workers: int, budget: float) -> None:
        self.workers, self.budget = workers, budget
        self._lock = threading.Lock()
        self._under_way: dict[int, _UnderWay[T]] = {}
        self._pool: ThreadPoolExecutor | None = None

    def busy(self) -> list[int]:
        """The reminders being decided now: a sweep must not start them again."""
        with self._lock:
            return list(self._under_way)

    def start(
        self, due: Sequence[tuple[Reminder, User]], decide: Callable[[Reminder, User], T]
    ) -> None:
        """Begin deciding each due reminder with `decide(reminder, user)`."""
        with self._lock:
            for reminder, user in due:
                assert reminder.id is not None
                under_way = _UnderWay(reminder, user, decide)
                self._submit(under_way)
                self._under_way[reminder.id] = under_way

    def ended(self) -> list[Decided[T]]:
        """The decisions that have ended, once none is left that is still within its budget
        (those past it stay under way, for a later sweep)."""
        while True:
            waiting = self._waiting()
            if not waiting:
                return self._take_ended()
            wait(waiting, timeout=LOOK_EVERY)
            self._replace_stuck_pool()

    def close(self) -> None:
        """Let the pool's threads end once idle (a decision past its budget runs on)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False)

    def _submit(self, under_way: _UnderWay[T]) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="hipday-decide")
        under_way.pool = self._pool
        under_way.future = self._pool.submit(under_way.run)

    def _overdue(self, under_way: _UnderWay[T], now: float) -> bool:
        started = under_way.started
        return started is not None and now - started > self.budget

    def _waiting(self) -> list[Future[T]]:
        """The decisions still worth waiting for: not ended, not past their budget."""
        now = time.monotonic()
        with self._lock:
            return [
                u.future
                for u in self._under_way.values()
                if not u.future.done() and not self._overdue(u, now)
            ]

    def _take_ended(self) -> list[Decided[T]]:
        """Remove the ended decisions from those under way, and return them."""
        ended: list[Decided[T]] = []
        with self._lock:
            for reminder_id, under_way in list(self._under_way.items()):
                future = under_way.future
                if future.done():
                    del self._under_way[reminder_id]
                    error = future.exception()
                    result = None if error is not None else future.result()
                    ended.append(Decided(under_way.reminder, under_way.user, result, error))
        return ended

    def _replace_stuck_pool(self) -> None:
        """When every thread of the pool is held by a decision past its budget, move the
        decisions queued behind them to a new pool."""
        now = time.monotonic()
        with self._lock:
            stuck = self._pool
            held = [u for u in self._under_way.values() if u.pool is stuck and u.future.running()]
            if stuck is None or sum(self._overdue(u, now) for u in held) < self.workers:
                return
            self._pool = None
            for under_way in self._under_way.values():
                if under_way.pool is stuck and under_way.future.cancel():
                    self._submit(under_way)
        stuck.shutdown(wait=False)
