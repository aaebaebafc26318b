"""Guest accounts: a first visit gets an account, remembered by a long-lived signed cookie."""

from __future__ import annotations

from flask import Flask, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface

from webapp import clock
from webapp.account_store import Accounts
from webapp.accounts import token_hash
from webapp.models import User, utc_now
from webapp.store import Store

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


class GuestCookie(SecureCookieSessionInterface):
    """The signed session cookie, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure or bool(app.config.get("SESSION_COOKIE_SECURE"))


def load_guest() -> None:
    """Put the visitor's account on `g.user`, creating a guest account on a first visit."""
    if request.endpoint in ANONYMOUS_ENDPOINTS or request.endpoint is None:
        return
    user = known_user()
    if user is None:
        store: Store = current_app.extensions["hipday.store"]
        user = store.create_guest()
        session.clear()
        session["user_id"] = user.id
    keep_cookie_alive()
    g.user = user


def keep_cookie_alive() -> None:
    """Make the cookie last, renewing it at most once a day rather than on every response.

    A response carries the cookie only when the session changed. Were every response to carry
    it, one that was asked for before a login (a worker's fetch, a slow image) would land after
    it and put the old cookie back.
    """
    if not session.permanent:
        session.permanent = True
    today = clock.now().date().isoformat()
    if session.get("renewed") != today:
        session["renewed"] = today


def known_user() -> User | None:
    """The visitor's account from the cookie, without making one (for anonymous endpoints).

    A guest account is its cookie. A secured account also needs this device's sign-in to
    stand: after logging out, or a password change elsewhere, the old cookie opens nothing.
    """
    store: Store = current_app.extensions["hipday.store"]
    user_id = session.get("user_id")
    user = store.user(user_id) if isinstance(user_id, int) else None
    if user is None or user.secured_at is None:
        return user
    token = session.get("sign_in")
    accounts: Accounts = current_app.extensions["hipday.accounts"]
    if isinstance(token, str) and accounts.signed_in(user.id or 0, token_hash(token), utc_now()):
        return user
    return None


def current_user() -> User:
    user: User = g.user
    return user


def init_app(app: Flask) -> None:
    app.session_interface = GuestCookie()
    app.before_request(load_guest)
