"""Rate limits on signing in, so nobody can guess passwords at speed.

Limits count per client address (the proxy's X-Forwarded-For when `PROXY_HOPS` says how many
proxies to trust) and per account typed into the form. Wrong passwords count per account *and*
address, so a stranger guessing from their address stops there while the owner, from theirs,
still logs in; a generous ceiling per account across all addresses stops guessing spread over
many addresses, and the per-address limits stop one address trying many accounts.

Counters live in `RATELIMIT_STORAGE_URI`: memory (one process) by default; set a shared store
such as redis://… when several web processes serve the app, or each process counts on its own.
"""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from webapp.services.accounts import normal_email

limiter = Limiter(key_func=get_remote_address)

#: Any login attempt, per address: generous for an office behind one address.
LOGIN_PER_ADDRESS = "20 per minute;200 per day"
#: Failed logins per account (by the email typed, whether or not such an account exists) from
#: one address: a guesser there gets a handful of tries.
FAILED_PER_ACCOUNT_AND_ADDRESS = "5 per 5 minutes;30 per day"
#: Failed logins per account from all addresses together (`LOGIN_FAILED_PER_ACCOUNT`): only
#: guessing from a dozen addresses at once reaches it, and then it does lock the owner out.
FAILED_PER_ACCOUNT = "60 per hour;300 per day"
#: Wrong current passwords per signed-in account, when changing the password.
FAILED_PASSWORD_CHECKS = "5 per 5 minutes;30 per day"
#: Downloads of your data, per account: each reads the whole history (about a second of a
#: worker for the heaviest account), and nobody needs more than a few copies an hour.
EXPORTS_PER_ACCOUNT = "10 per hour"
TOO_MANY_EXPORTS = (
    "You've downloaded your data 10 times in the last hour, the most Hipday allows. "
    "The copies you have are complete; try again in an hour."
)
#: Imports, per account and per address: each reads and checks a file of up to IMPORT_LIMIT
#: (seconds of a worker for the largest), and moving one's data in takes a try or two.
IMPORTS_PER_ACCOUNT = "5 per hour"
IMPORTS_PER_ADDRESS = "20 per hour"
TOO_MANY_IMPORTS = (
    "You've imported a file 5 times in the last hour, the most Hipday allows. "
    "Nothing you imported is lost; try again in an hour."
)
#: Securing accounts and adding passkeys, per address.
ACCOUNT_CHANGES_PER_ADDRESS = "30 per hour"

TOO_MANY = (
    "Too many attempts in a short time. For your safety, wait a few minutes and then try again."
)


def account_key() -> str:
    """The account a login is aimed at, as typed (unknown emails count the same way)."""
    return "account:" + normal_email(request.form.get("email", ""))[:254]


def account_and_address_key() -> str:
    """The account a login is aimed at, from this client address."""
    return f"{account_key()}|address:{get_remote_address()}"


def failed_per_account() -> str:
    """The ceiling on failed logins per account across all addresses (configurable)."""
    return str(current_app.config.get("LOGIN_FAILED_PER_ACCOUNT") or FAILED_PER_ACCOUNT)


def signed_in_key() -> str:
    """The account a signed-in request acts for (its password changes count per account)."""
    return f"user:{session.get('user_id')}"


def account_or_address_key() -> str:
    """The account acting, or for a visitor without one yet, their address."""
    user_id = session.get("user_id")
    return f"user:{user_id}" if user_id else f"address:{get_remote_address()}"


def failed(response: object) -> bool:
    """Only refused logins count towards the per-account limit."""
    status = getattr(response, "status_code", 200)
    return isinstance(status, int) and status >= 400


def init_app(app: Flask) -> None:
    limiter.init_app(app)
