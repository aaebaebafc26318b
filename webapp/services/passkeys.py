"""Passkeys (WebAuthn): adding one to a secured account, and signing in with one.

The challenge a browser must sign waits in the device's cookie between the two requests.
"""

from __future__ import annotations

from typing import Any, Literal

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

from webapp.services.accounts import Visit
from webapp.store.accounts import AccountStore
from webapp.store.models import Passkey, User

CHALLENGE = "passkey_challenge"


def registration_options(accounts: AccountStore, user: User, visit: Visit) -> str:
    """Options for `navigator.credentials.create`, as JSON; the challenge waits in the cookie."""
    options = generate_registration_options(
        rp_id=visit.rp_id,
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
            for key in accounts.passkeys(user.id or 0)
        ],
    )
    visit.cookie[CHALLENGE] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def verify_registration(user: User, credential: Any, visit: Visit) -> Passkey | None:
    """The new passkey from the browser's answer, or None if it doesn't verify."""
    if not isinstance(credential, dict):
        return None
    challenge = visit.cookie.pop(CHALLENGE, None)
    if not isinstance(challenge, str):
        return None
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=visit.rp_id,
            expected_origin=visit.origin,
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
        label=visit.device,
    )


def add_passkey(
    accounts: AccountStore, user: User, credential: Any, visit: Visit
) -> Literal["added", "unverified", "already saved"]:
    """Check and keep the passkey the browser made for `user`."""
    passkey = verify_registration(user, credential, visit)
    if passkey is None:
        return "unverified"
    return "added" if accounts.add_passkey(passkey) else "already saved"


def remove_passkey(accounts: AccountStore, user: User, public_id: str) -> bool:
    """Remove one of the user's passkeys; False if it isn't theirs."""
    return accounts.remove_passkey(user.id or 0, public_id)


def authentication_options(visit: Visit) -> str:
    """Options for `navigator.credentials.get` with any passkey of this site (discoverable)."""
    options = generate_authentication_options(
        rp_id=visit.rp_id, user_verification=UserVerificationRequirement.PREFERRED
    )
    visit.cookie[CHALLENGE] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def verify_authentication(accounts: AccountStore, credential: Any, visit: Visit) -> int | None:
    """The id of the account whose passkey signed the challenge, or None."""
    challenge = visit.cookie.pop(CHALLENGE, None)
    raw_id = credential.get("id") if isinstance(credential, dict) else None
    if not isinstance(challenge, str) or not isinstance(raw_id, str):
        return None
    passkey = accounts.passkey(raw_id)
    if passkey is None:
        return None
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=visit.rp_id,
            expected_origin=visit.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
        )
    except Exception:  # noqa: BLE001 - a forged or garbled answer signs no one in
        return None
    accounts.used_passkey(passkey.id or 0, verified.new_sign_count)
    return passkey.user_id
