"""The app's clock: every "now" the web layer and the scheduler use comes from here.

Production reads the system clock; tests pin it through `create_app({"CLOCK": ...})`, so no
test depends on the day, weekday or time zone it runs in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask, current_app, has_app_context

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current moment, in UTC."""
    return datetime.now(UTC)


def fixed_clock(moment: datetime) -> Clock:
    """A clock that always reads `moment` (aware), for tests and benchmarks."""
    if moment.tzinfo is None:
        raise ValueError("A fixed clock needs an aware datetime.")
    return lambda: moment.astimezone(UTC)


def init_app(app: Flask) -> None:
    """Take the clock from config (`CLOCK`), else the system's."""
    app.extensions["hipday.clock"] = app.config.get("CLOCK") or system_clock


def now() -> datetime:
    """The current moment by the running app's clock (UTC)."""
    clock: Clock = current_app.extensions["hipday.clock"]
    return clock()


def now_or_system() -> datetime:
    """The running app's clock inside an app context, else the system's.

    Rows stamp their creation with this, so a pinned clock dates them too.
    """
    if has_app_context():
        clock: Clock = current_app.extensions.get("hipday.clock", system_clock)
        return clock()
    return system_clock()
