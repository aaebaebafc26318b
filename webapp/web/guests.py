"""Guest accounts: remembered by a long-lived signed cookie, made on the visitor's first save.

A visitor without an account sees every page as a new guest would (no history, no plan). Until
they save something, they are an unsaved guest: their CSRF token, the phone's time zone and a
key (`guest`) wait in the session cookie, and no row exists. The first POST that can keep
something makes the row the key names, so two first saves sent at once make one account.
Guests who never came back are pruned: `flask --app webapp guests prune`, once a day.
"""

from __future__ import annotations

import logging
from datetime import date
from urllib.parse import urlsplit

import click
from flask import Flask, Response, current_app, g, request, session
from flask.cli import with_appcontext
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy.exc import OperationalError

from webapp import clock, extensions
from webapp.services import accounts
from webapp.services.accounts import Visit
from webapp.services.guests import IDLE_GUEST_DAYS, LOST_GUEST_DAYS, prune
from webapp.store.guests import GuestStore
from webapp.store.models import User, new_public_id, utc_now

log = logging.getLogger(__name__)

#: Endpoints that never need an account (and must not create one).
ANONYMOUS_ENDPOINTS = {
    "static",
    "meta.healthz",
    "settings.feed",
    "data.goodbye",
    "meta.worker",
    "pwa.manifest",
    "reminders.act",
}
#: POSTs that keep nothing for a visitor without an account, so they make none: a login brings
#: its own account, and the phone's time zone waits in the cookie until the first save.
SAVES_NOTHING = {
    "account.login",
    "account.login_passkey",
    "account.login_passkey_options",
    "account.logout",
    "settings.detected_time_zone",
}
READS_ONLY = {"GET", "HEAD", "OPTIONS"}


class GuestCookie(SecureCookieSessionInterface):
    """The signed session cookie, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure or bool(app.config.get("SESSION_COOKIE_SECURE"))


def load_guest() -> None:
    """Put the visitor's account on `g.user`: their row, or an unsaved guest until a save."""
    if request.endpoint in ANONYMOUS_ENDPOINTS or request.endpoint is None:
        return
    user = known_user() or _unsaved_guest()
    if user.id is None and request.method not in READS_ONLY:
        if request.endpoint not in SAVES_NOTHING:
            user = _first_save(user)
    keep_cookie_alive(user)
    g.user = user


def _unsaved_guest() -> User:
    """The visitor without an account row, the same one on every request of their cookie."""
    key = session.get("guest")
    if not isinstance(key, str):
        _forget_account()
        key = session["guest"] = new_public_id()
    zone = session.get("visitor_zone")
    return User(public_id=key, time_zone=zone if isinstance(zone, str) else "UTC")


def _forget_account() -> None:
    """Drop a cookie's account that is gone or signed out, keeping its CSRF token.

    The page that sent this request holds that token: a new one would fail its next form.
    """
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = session.get(field)
    session.clear()
    if token is not None:
        session[field] = token


def _first_save(unsaved: User) -> User:
    """Make the guest's row now that they save something, and tie the cookie to it."""
    guests: GuestStore = extensions.guest_store()
    user = guests.create(unsaved.public_id or new_public_id(), unsaved.time_zone, _today())
    g.unsaved_guest = unsaved
    session.pop("guest", None)
    session.pop("visitor_zone", None)
    session["user_id"] = user.id
    return user


def undo_unkept_guest(response: Response) -> Response:
    """A request that made the guest's row and then failed (a 4xx or 5xx) leaves no row behind.

    Refused requests change nothing, and a first save that saved nothing is no first save.
    """
    unsaved: User | None = g.pop("unsaved_guest", None)
    user: User | None = g.get("user")
    if unsaved is None or user is None or user.id is None or response.status_code < 400:
        return response
    guests: GuestStore = extensions.guest_store()
    try:
        if not guests.delete_if_empty(user.id):
            return response  # it keeps something after all: the cookie keeps pointing at it
    except OperationalError as error:
        log.warning("could not remove the guest account %s again: %s", user.id, error.orig)
        return response
    session.pop("user_id", None)
    session["guest"] = unsaved.public_id
    if unsaved.time_zone != "UTC":
        session["visitor_zone"] = unsaved.time_zone
    return response


def remember_time_zone(name: str) -> None:
    """Keep the phone's time zone for a visitor without an account, in their cookie."""
    session["visitor_zone"] = name
    current_user().time_zone = name


def keep_cookie_alive(user: User) -> None:
    """Make the cookie last, renewing it at most once a day rather than on every response.

    A response carries the cookie only when the session changed. Were every response to carry
    it, one that was asked for before a login (a worker's fetch, a slow image) would land after
    it and put the old cookie back. The daily renewal also notes the account as seen.
    """
    if not session.permanent:
        session.permanent = True
    today = _today()
    if session.get("renewed") != today.isoformat():
        session["renewed"] = today.isoformat()
        if user.id is not None:
            _note_seen(user.id, today)


def _note_seen(user_id: int, today: date) -> None:
    """Write the day of the visit; a database busy right now only costs a day's precision."""
    guests: GuestStore = extensions.guest_store()
    try:
        guests.seen(user_id, today)
    except OperationalError as error:
        log.warning("could not note account %s as seen today: %s", user_id, error.orig)


def _today() -> date:
    return clock.now().date()


def known_user() -> User | None:
    """The visitor's account from the cookie, without making one (for anonymous endpoints).

    A guest account is its cookie. A secured account also needs this device's sign-in to
    stand: after logging out, or a password change elsewhere, the old cookie opens nothing.
    The account's data version, read with it, is kept for `known_version`.
    """
    store = extensions.store()
    found = accounts.device_user(store, extensions.account_store(), session, utc_now())
    if found is None:
        return None
    user, g.data_version = found[0], (found[0].id, found[1])
    return user


def known_version(user: User) -> int | None:
    """The user's data version as read with their row at the start of this request; None when
    it wasn't (the caller reads it then)."""
    read: tuple[int, int | None] | None = g.get("data_version")
    return read[1] if read is not None and user.id is not None and read[0] == user.id else None


def current_user() -> User:
    """The visitor's account; its `id` is None until their first save makes the row."""
    user: User = g.user
    return user


def visit() -> Visit:
    """This request as the account use cases see it: the cookie, the browser and the site."""
    origin = request.host_url.rstrip("/")
    configured = current_app.config.get("WEBAUTHN_RP_ID") or ""
    rp_id = configured or (urlsplit(origin).hostname or "")
    return Visit(session, request.headers.get("User-Agent", ""), origin, rp_id)


# Pruning


@click.group("guests")
def guests_group() -> None:
    """Guest accounts."""


@guests_group.command("prune")
@with_appcontext
def prune_command() -> None:
    """Delete guest accounts that never came back (run it once a day)."""
    pruned = prune(extensions.guest_store(), extensions.store(), _today())
    click.echo(
        f"Deleted {pruned.idle_and_empty} guest accounts with nothing saved, unseen for "
        f"{IDLE_GUEST_DAYS} days, and {pruned.lost} unseen for {LOST_GUEST_DAYS} days; and "
        f"{pruned.pages} kept pages of days gone."
    )


def init_app(app: Flask) -> None:
    app.session_interface = GuestCookie()
    app.before_request(load_guest)
    app.after_request(undo_unkept_guest)
    app.cli.add_command(guests_group)
