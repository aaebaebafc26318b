"""Guest accounts that never came back: which are deleted, and when.

A guest account is its cookie. Once the cookie has expired no one can open the account any
more, and one that kept nothing can go sooner: coming back later simply starts a new guest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from webapp.config import GUEST_COOKIE_DAYS
from webapp.store.guests import GuestStore
from webapp.store.training import TrainingStore

#: A guest with nothing kept (no session, program, plan change or reminder) is deleted after
#: this many days unseen; coming back later simply starts a new guest, losing nothing.
IDLE_GUEST_DAYS = 30
#: Any guest unseen for longer is deleted: their cookie has expired, so no one can open the
#: account any more (a day more than the cookie, for the clock's sake).
LOST_GUEST_DAYS = GUEST_COOKIE_DAYS + 1


@dataclass(frozen=True)
class Pruned:
    """How many guest accounts a prune deleted, by reason."""

    idle_and_empty: int
    lost: int
    #: Kept pages no day can use again (`KeptPage`), deleted with the guests.
    pages: int = 0


def prune(guests: GuestStore, store: TrainingStore, today: date) -> Pruned:
    """Delete guests with nothing kept unseen for 30 days, and any guest unseen for 401; and
    every user's kept pages rendered before yesterday (a user's day is at most a day behind
    UTC's, so no visit can use them again)."""
    idle = guests.delete_idle_empty(today - timedelta(days=IDLE_GUEST_DAYS))
    lost = [
        user_id
        for user_id in guests.unseen(today - timedelta(days=LOST_GUEST_DAYS))
        if store.delete_user(user_id)
    ]
    pages = store.forget_kept_pages(today - timedelta(days=1))
    return Pruned(idle_and_empty=idle, lost=len(lost), pages=pages)
