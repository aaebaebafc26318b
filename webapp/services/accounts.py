"""Securing a guest account and signing in: passwords and signed-in devices.

A guest account is the cookie alone. Once secured (an email with a password, later passkeys
too) the account can be opened on any device, and a device's cookie counts only while its
sign-in row stands: logging out deletes it, changing the password deletes all the others.
The web layer hands each use case a `Visit`: the device's cookie and what it says of itself.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

from webapp.services.devices import device_label
from webapp.store.accounts import AccountStore
from webapp.store.models import Passkey, SignIn, User
from webapp.store.training import TrainingStore

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
MAX_EMAIL = 254
MIN_PASSWORD = 8
MAX_PASSWORD = 200
#: Checked when the email is unknown, so an unknown email takes as long as a wrong password.
_DECOY_HASH = generate_password_hash("not a password of anyone's", method="scrypt")

#: The one answer to a failed login, whether the email or the password was wrong.
LOGIN_FAILED = "That email and password don't match an account. Check both and try again."


@dataclass
class AccountForm:
    """What was typed into an account form (never the passwords) and what was wrong with it."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def normal_email(text: str) -> str:
    return text.strip().lower()


def email_error(email: str) -> str | None:
    if not email:
        return "Enter your email address."
    if len(email) > MAX_EMAIL or not EMAIL.match(email):
        return "Enter an email address like name@example.com."
    return None


def password_error(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"Use at least {MIN_PASSWORD} characters for your password."
    if len(password) > MAX_PASSWORD:
        return f"Use at most {MAX_PASSWORD} characters for your password."
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def password_matches(user: User | None, password: str) -> bool:
    """Whether `password` is the user's; as slow for an unknown user as for a wrong password."""
    if user is None or not user.password_hash:
        check_password_hash(_DECOY_HASH, password)
        return False
    return check_password_hash(user.password_hash, password)


def parse_secure(form: Mapping[str, str]) -> AccountForm:
    """The "Secure your account" form: an email and a password typed twice."""
    email = normal_email(form.get("email", ""))
    password, again = form.get("password", ""), form.get("password_again", "")
    result = AccountForm(values={"email": email})
    if error := email_error(email):
        result.errors["email"] = error
    if error := password_error(password):
        result.errors["password"] = error
    elif password != again:
        result.errors["password_again"] = "The two passwords differ. Type the same one twice."
    return result


def parse_new_password(form: Mapping[str, str]) -> AccountForm:
    new, again = form.get("new_password", ""), form.get("new_password_again", "")
    result = AccountForm()
    if not form.get("password", ""):
        result.errors["password"] = "Enter your current password."
    if error := password_error(new):
        result.errors["new_password"] = error
    elif new != again:
        result.errors["new_password_again"] = "The two passwords differ. Type the same one twice."
    return result


@dataclass(frozen=True)
class Visit:
    """What a use case may know of the request: the device's cookie and its browser and site."""

    #: The signed session cookie's contents, changed in place (a sign-in rewrites it).
    cookie: MutableMapping[str, Any]
    user_agent: str = ""
    #: The origin the browser reports (`https://hipday.example`) and the passkeys' relying party.
    origin: str = ""
    rp_id: str = ""

    @property
    def device(self) -> str:
        return device_label(self.user_agent)


# Signed-in devices


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_sign_in(accounts: AccountStore, user: User, method: str, visit: Visit) -> None:
    """Sign this device in to `user`: a brand-new session cookie (a new CSRF token too)."""
    token = secrets.token_urlsafe(32)
    accounts.add_sign_in(user.id or 0, token_hash(token), visit.device, method)
    visit.cookie.clear()
    visit.cookie["user_id"] = user.id
    visit.cookie["sign_in"] = token


def this_sign_in(cookie: Mapping[str, Any]) -> str:
    """The hash of this device's sign-in token ("" for a guest)."""
    token = cookie.get("sign_in")
    return token_hash(token) if isinstance(token, str) else ""


def device_user(
    store: TrainingStore, accounts: AccountStore, cookie: Mapping[str, Any], now: datetime
) -> tuple[User, int | None] | None:
    """The account a device's cookie opens, without making one, with its data version read in
    the same query (see `DataVersion`); None when it opens none.

    A guest account is its cookie. A secured account also needs this device's sign-in to
    stand: after logging out, or a password change elsewhere, the old cookie opens nothing.
    """
    user_id = cookie.get("user_id")
    found = store.user_and_version(user_id) if isinstance(user_id, int) else None
    if found is None or found[0].secured_at is None:
        return found
    token = cookie.get("sign_in")
    if isinstance(token, str) and accounts.signed_in(found[0].id or 0, token_hash(token), now):
        return found
    return None


@dataclass(frozen=True)
class Devices:
    """A secured account's signed-in devices and passkeys (none for a guest)."""

    sign_ins: Sequence[SignIn] = ()
    passkeys: Sequence[Passkey] = ()


def devices(accounts: AccountStore, user: User) -> Devices:
    """Where the account is signed in and the passkeys it has."""
    if user.secured_at is None:
        return Devices()
    return Devices(accounts.sign_ins(user.id or 0), accounts.passkeys(user.id or 0))


#: Said instead of "taken", which would tell anyone which emails have accounts.
EMAIL_UNUSABLE = (
    "This email can't be used for a new account. If you already secured an account "
    "with it, log in instead; otherwise use another email."
)


def secure(
    accounts: AccountStore, user: User, form: Mapping[str, str], visit: Visit
) -> AccountForm:
    """Give a guest account an email and a password, and sign this device in to it."""
    checked = parse_secure(form)
    if checked.errors:
        return checked
    password_hash = hash_password(form.get("password", ""))
    if not accounts.secure(user.id or 0, checked.values["email"], password_hash):
        checked.errors["email"] = EMAIL_UNUSABLE
        return checked
    start_sign_in(accounts, user, "secured", visit)
    return checked


def check_login(accounts: AccountStore, form: Mapping[str, str]) -> tuple[AccountForm, User | None]:
    """The account whose email and password these are; else the form with the one message."""
    email = normal_email(form.get("email", ""))
    checked = AccountForm(values={"email": email})
    user = accounts.user_by_email(email) if not email_error(email) else None
    if not password_matches(user, form.get("password", "")) or user is None:
        checked.errors["password"] = LOGIN_FAILED
        return checked, None
    return checked, user


def sign_in(
    store: TrainingStore,
    accounts: AccountStore,
    guest: User,
    user_id: int,
    method: str,
    visit: Visit,
) -> int | None:
    """Sign this device in to `user_id`, bringing along its guest history; None if it's gone.

    Returns how many of the guest's sessions didn't fit in the account.
    """
    user = store.user(user_id)
    if user is None:
        return None
    left_behind = 0
    if guest.id is not None and guest.id != user.id and guest.secured_at is None:
        left_behind = accounts.adopt_guest(guest.id, user.id or 0).left_behind
        store.delete_user(guest.id)
    start_sign_in(accounts, user, method, visit)
    return left_behind


def sign_out(accounts: AccountStore, user: User, visit: Visit) -> None:
    """End this device's sign-in and forget the cookie."""
    if user.secured_at is not None:
        accounts.end_sign_in(user.id or 0, token_hash=this_sign_in(visit.cookie))
    visit.cookie.clear()


def change_password(
    accounts: AccountStore, user: User, form: Mapping[str, str], visit: Visit
) -> AccountForm:
    """A new password; every device but this one is logged out."""
    checked = parse_new_password(form)
    if not checked.errors and not password_matches(user, form.get("password", "")):
        checked.errors["password"] = "That isn't your current password."
    if checked.errors:
        return checked
    accounts.set_password(user.id or 0, hash_password(form["new_password"]))
    accounts.end_other_sign_ins(user.id or 0, this_sign_in(visit.cookie))
    return checked


def end_device(accounts: AccountStore, user: User, public_id: str) -> bool:
    """Log one of the account's other devices out; False if it isn't signed in to it."""
    if user.secured_at is None:
        return False
    return accounts.end_sign_in(user.id or 0, public_id=public_id)


def delete_account(store: TrainingStore, user: User) -> bool:
    """Delete the account and every row of it; False if it was already gone."""
    return store.delete_user(user.id or 0)
