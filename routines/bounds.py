"""The limits every date and count that enters Hipday must lie within.

They keep each account's history, and so the work any page or reminder does for it, bounded:
nothing before 2000, nothing more than a day in the future, plans at most two years ahead.
The web layer checks every form, import, command and synced session against these, in one place.
"""

from __future__ import annotations

from datetime import date, timedelta

#: No date Hipday keeps lies before this one (sessions, programs, vacations, events).
EARLIEST_DATE = date(2000, 1, 1)
#: A session may end at most this far after the server's "now" (a phone's clock can run fast).
FUTURE_SLACK = timedelta(days=1)
#: Plans, moves and vacations reach at most this far past today.
PLAN_HORIZON = timedelta(days=730)
#: The real world's UTC offsets run from −12:00 (Baker Island) to +14:00 (Line Islands).
EARLIEST_OFFSET = timedelta(hours=-12)
LATEST_OFFSET = timedelta(hours=14)
