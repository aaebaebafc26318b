"""A sweep sends each claimed batch on a thread of its own while it decides the next.

The batches go out in the order they were claimed, the sweep stays at most one batch ahead of
the sending, and a batch whose send fails (the database away) stops the sweep with its error.
"""

from __future__ import annotations

import threading

import pytest

from webapp.scheduler.sending import Sending


def test_batches_are_sent_in_the_order_they_were_claimed() -> None:
    sent: list[int] = []
    sending = Sending()
    for batch in range(5):
        sending.start(lambda batch=batch: sent.append(batch))  # type: ignore[misc]
    sending.finish()
    assert sent == [0, 1, 2, 3, 4]


def test_a_failure_in_the_last_batch_is_raised_when_the_sweep_ends() -> None:
    def database_away() -> None:
        raise ConnectionError("the database is away")

    sending = Sending()
    sending.start(database_away)
    with pytest.raises(ConnectionError, match="away"):
        sending.finish()


def test_the_sweep_waits_rather_than_run_more_than_one_batch_ahead() -> None:
    first_may_end, third_started = threading.Event(), threading.Event()
    sending = Sending()
    sending.start(lambda: first_may_end.wait(10) and None)
    sending.start(lambda: None)

    def third() -> None:
        sending.start(lambda: None)
        third_started.set()

    claiming = threading.Thread(target=third)
    claiming.start()
    assert not third_started.wait(0.3), "a third batch was handed over with two unsent"
    first_may_end.set()
    assert third_started.wait(10)
    claiming.join(10)
    sending.finish()


def test_a_batch_that_fails_to_send_stops_the_sweep_with_its_error() -> None:
    """The batch claimed when the error comes is not sent: the next sweep resumes it."""

    def database_away() -> None:
        raise ConnectionError("the database is away")

    sending = Sending()
    sending.start(database_away)
    sending.start(lambda: None)
    with pytest.raises(ConnectionError, match="away"):
        sending.start(lambda: None)  # the next batch's claim learns of it
    sending.finish()  # the others still go out
