"""Securing a guest account and signing in: passwords, signed-in devices and passkeys.

A guest account is the cookie alone. Once secured (an email with a password, later passkeys
too) the account can be opened on any device, and a device's cookie counts only while its
sign-in row stands: logging out deletes it, changing the password deletes all the others.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request, session
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.services.devices import device_label
from webapp.store.accounts import Accounts
from webapp.store.models import Passkey, User

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


def parse_secure(form: dict[str, str]) -> AccountForm:
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


def parse_new_password(form: dict[str, str]) -> AccountForm:
    new, again = form.get("new_password", ""), form.get("new_password_again", "")
    result = AccountForm()
    if not form.get("password", ""):
        result.errors["password"] = "Enter your current password."
    if error := password_error(new):
        result.errors["new_password"] = error
    elif new != again:
        result.errors["new_password_again"] = "The two passwords differ. Type the same one twice."
    return result


# Signed-in devices


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_sign_in(accounts: Accounts, user: User, method: str) -> None:
    """Sign this device in to `user`: a brand-new session cookie (a new CSRF token too)."""
    token = secrets.token_urlsafe(32)
    label = device_label(request.headers.get("User-Agent", ""))
    accounts.add_sign_in(user.id or 0, token_hash(token), label, method)
    session.clear()
    session["user_id"] = user.id
    session["sign_in"] = token
    session.permanent = True


def this_sign_in() -> str:
    """The hash of this device's sign-in token ("" for a guest)."""
    token = session.get("sign_in")
    return token_hash(token) if isinstance(token, str) else ""


# Passkeys (WebAuthn)


def relying_party() -> tuple[str, str]:
    """The passkey's relying party id (the host name) and the origin the browser reports."""
    origin = request.host_url.rstrip("/")
    configured = current_app.config.get("WEBAUTHN_RP_ID") or ""
    return configured or (urlsplit(origin).hostname or ""), origin


def registration_options(user: User, existing: list[Passkey]) -> str:
    """Options for `navigator.credentials.create`, as JSON; the challenge waits in the session."""
    rp_id, _ = relying_party()
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name="Hipday",
        user_id=(user.public_id or "").encode(),
        user_name=user.email or "Hipday",
        user_display_name=user.email or "Hipday",
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id))
            for key in existing
        ],
    )
    session["passkey_challenge"] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def verify_registration(user: User, credential: Any) -> Passkey | None:
    """The new passkey from the browser's answer, or None if it doesn't verify."""
    challenge = session.pop("passkey_challenge", None)
    if not isinstance(challenge, str):
        return None
    rp_id, origin = relying_party()
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except Exception:  # noqa: BLE001 - any malformed answer is simply not a passkey
        return None
    transports = credential.get("response", {}).get("transports", [])
    return Passkey(
        user_id=user.id or 0,
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=",".join(str(t) for t in transports if isinstance(t, str))[:100],
        label=device_label(request.headers.get("User-Agent", "")),
    )


def authentication_options() -> str:
    """Options for `navigator.credentials.get` with any passkey of this site (discoverable)."""
    rp_id, _ = relying_party()
    options = generate_authentication_options(
        rp_id=rp_id, user_verification=UserVerificationRequirement.PREFERRED
    )
    session["passkey_challenge"] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def verify_authentication(accounts: Accounts, credential: Any) -> int | None:
    """The id of the account whose passkey signed the challenge, or None."""
    challenge = session.pop("passkey_challenge", None)
    raw_id = credential.get("id") if isinstance(credential, dict) else None
    if not isinstance(challenge, str) or not isinstance(raw_id, str):
        return None
    passkey = accounts.passkey(raw_id)
    if passkey is None:
        return None
    rp_id, origin = relying_party()
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
        )
    except Exception:  # noqa: BLE001 - a forged or garbled answer signs no one in
        return None
    accounts.used_passkey(passkey.id or 0, verified.new_sign_count)
    return passkey.user_id
