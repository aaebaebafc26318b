"""Your account: secure it with an email and password or a passkey, log in elsewhere, log out."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    get_flashed_messages,
    jsonify,
    redirect,
    session,
    url_for,
)
from flask_limiter.errors import RateLimitExceeded
from htmx_flask import request

from routines import bounds
from webapp.extensions import accounts, store
from webapp.services import accounts as auth
from webapp.services.accounts import AccountForm
from webapp.views import render
from webapp.web.errors import error_page
from webapp.web.guests import current_user
from webapp.web.limits import (
    ACCOUNT_CHANGES_PER_ADDRESS,
    FAILED_PASSWORD_CHECKS,
    FAILED_PER_ACCOUNT_AND_ADDRESS,
    LOGIN_PER_ADDRESS,
    TOO_MANY,
    TOO_MANY_EXPORTS,
    TOO_MANY_IMPORTS,
    account_and_address_key,
    account_key,
    failed,
    failed_per_account,
    limiter,
    signed_in_key,
)
from webapp.web.security import FORGET_PAGES

bp = Blueprint("account", __name__)
EXPORTS = {"data.export_json", "data.export_csv_zip", "data.export_sessions_csv"}


def _json(status: int, **body: Any) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response


def _account_page(
    secure_form: AccountForm | None = None,
    password_form: AccountForm | None = None,
    status: int = 200,
    notice: str = "",
) -> Response:
    user = current_user()
    return render(
        "pages/account.html",
        status=status,
        user=user,
        secure_form=secure_form or AccountForm(),
        password_form=password_form or AccountForm(),
        sign_ins=accounts().sign_ins(user.id or 0) if user.secured_at else [],
        this_sign_in=auth.this_sign_in(),
        passkeys=accounts().passkeys(user.id or 0) if user.secured_at else [],
        notice=notice or _notice(),
    )


NOTICES = {
    "secured": "Your account is secured. Log in with this email on any other device.",
    "password": "Password changed. Every other device has been logged out.",
    "passkey": "Passkey added. Next time, log in with it instead of your password.",
    "passkey-removed": "Passkey removed.",
    "signed-out": "That device is logged out.",
    "welcome": "You're logged in.",
}


def _notice() -> str:
    flashed = get_flashed_messages()
    return str(flashed[0]) if flashed else NOTICES.get(request.args.get("done", ""), "")


def _login_page(form: AccountForm | None = None, status: int = 200) -> Response:
    return render(
        "pages/login.html",
        status=status,
        form=form or AccountForm(),
        signed_out=request.args.get("out") == "1",
    )


def _to_account(done: str) -> Response:
    return redirect(url_for("account.page", done=done), 303)  # type: ignore[return-value]


@bp.get("/account")
def page() -> Response:
    """Secure this account, or manage its password, passkeys and devices."""
    return _account_page()


@bp.post("/account/secure")
@limiter.limit(ACCOUNT_CHANGES_PER_ADDRESS, methods=["POST"])
def secure() -> Response:
    """Give this guest account an email and a password, so it opens on other devices too."""
    user = current_user()
    if user.secured_at is not None:
        return _to_account("")
    form = auth.parse_secure(request.form.to_dict())
    if form.errors:
        return _account_page(secure_form=form, status=422)
    password_hash = auth.hash_password(request.form.get("password", ""))
    if not accounts().secure(user.id or 0, form.values["email"], password_hash):
        # Saying "taken" would tell anyone which emails have accounts; this says only what to do.
        form.errors["email"] = (
            "This email can't be used for a new account. If you already secured an account "
            "with it, log in instead; otherwise use another email."
        )
        return _account_page(secure_form=form, status=422)
    auth.start_sign_in(accounts(), user, "secured")
    return _to_account("secured")


@bp.get("/login")
def login_page() -> Response:
    """Log in to a secured account: with a passkey or an email and password."""
    return _login_page()


@bp.post("/login")
@limiter.limit(LOGIN_PER_ADDRESS, methods=["POST"])
@limiter.limit(
    FAILED_PER_ACCOUNT_AND_ADDRESS,
    key_func=account_and_address_key,
    methods=["POST"],
    deduct_when=failed,
)
@limiter.limit(failed_per_account, key_func=account_key, methods=["POST"], deduct_when=failed)
def login() -> Response:
    """Check the email and password; the same answer whichever of the two was wrong."""
    email = auth.normal_email(request.form.get("email", ""))
    form = AccountForm(values={"email": email})
    user = accounts().user_by_email(email) if not auth.email_error(email) else None
    if not auth.password_matches(user, request.form.get("password", "")) or user is None:
        form.errors["password"] = auth.LOGIN_FAILED
        return _login_page(form, 401)
    return _signed_in(user.id or 0, "password")


def _signed_in(user_id: int, method: str) -> Response:
    """Sign this device in, bringing along what it did as a guest; then open Today."""
    guest = current_user()
    user = store().user(user_id)
    if user is None:
        return _login_page(AccountForm(errors={"password": auth.LOGIN_FAILED}), 401)
    left_behind = 0
    if guest.id is not None and guest.id != user.id and guest.secured_at is None:
        left_behind = accounts().adopt_guest(guest.id or 0, user.id or 0).left_behind
        store().delete_user(guest.id or 0)
    auth.start_sign_in(accounts(), user, method)
    if left_behind:
        # Said where it can't be missed: the account page, not a Today that looks as usual.
        flash(left_behind_notice(left_behind))
        return _to_account("welcome")
    return redirect(url_for("today.today"), 303)  # type: ignore[return-value]


def left_behind_notice(count: int) -> str:
    """What logging in left out of this device's guest history, and why."""
    sessions = f"{count:,} session{'' if count == 1 else 's'}"
    return (
        f"You're logged in. {sessions} this device logged as a guest didn't fit in your "
        f"account, which keeps at most {bounds.MOST_SESSIONS_A_DAY} sessions a day and "
        f"{bounds.MOST_SESSIONS:,} in all, so {'it was' if count == 1 else 'they were'} "
        "left out; the newest that fitted were kept."
    )


@bp.post("/logout")
def logout() -> Response:
    """Log this device out: its sign-in ends, and cached pages of the account are forgotten."""
    user = current_user()
    if user.secured_at is not None:
        accounts().end_sign_in(user.id or 0, token_hash=auth.this_sign_in())
    session.clear()
    response = redirect(url_for("account.login_page", out="1"), 303)
    response.headers["Clear-Site-Data"] = FORGET_PAGES
    return response  # type: ignore[return-value]


@bp.post("/account/password")
@limiter.limit(FAILED_PASSWORD_CHECKS, key_func=signed_in_key, methods=["POST"], deduct_when=failed)
def change_password() -> Response:
    """A new password; every other device is logged out."""
    user = current_user()
    if user.secured_at is None:
        return _to_account("")
    form = auth.parse_new_password(request.form.to_dict())
    if not form.errors and not auth.password_matches(user, request.form.get("password", "")):
        form.errors["password"] = "That isn't your current password."
    if form.errors:
        return _account_page(password_form=form, status=422)
    accounts().set_password(user.id or 0, auth.hash_password(request.form["new_password"]))
    accounts().end_other_sign_ins(user.id or 0, auth.this_sign_in())
    return _to_account("password")


@bp.post("/account/devices/<public_id>/logout")
def end_device(public_id: str) -> Response:
    """Log one of your other devices out."""
    user = current_user()
    if user.secured_at is None or not accounts().end_sign_in(user.id or 0, public_id=public_id):
        return error_page(404, "Not found", "That device isn't signed in to your account.")
    return _to_account("signed-out")


# Passkeys


@bp.post("/account/passkeys/options")
@limiter.limit(ACCOUNT_CHANGES_PER_ADDRESS, methods=["POST"])
def passkey_options() -> Response:
    """What the browser needs to make a passkey for this account."""
    user = current_user()
    if user.secured_at is None:
        return _json(409, message="Secure your account with an email first.")
    body = auth.registration_options(user, list(accounts().passkeys(user.id or 0)))
    return Response(body, mimetype="application/json")


@bp.post("/account/passkeys")
def add_passkey() -> Response:
    """Check and keep the passkey the browser made."""
    user = current_user()
    credential = request.get_json(silent=True)
    if user.secured_at is None:
        return _json(409, message="Secure your account with an email first.")
    passkey = auth.verify_registration(user, credential) if isinstance(credential, dict) else None
    if passkey is None:
        return _json(400, message="That passkey couldn't be checked. Try adding it again.")
    if not accounts().add_passkey(passkey):
        return _json(409, message="That passkey is already saved.")
    return _json(201, message=NOTICES["passkey"], redirect=url_for("account.page", done="passkey"))


@bp.post("/account/passkeys/<public_id>/remove")
def remove_passkey(public_id: str) -> Response:
    user = current_user()
    if not accounts().remove_passkey(user.id or 0, public_id):
        return error_page(404, "Not found", "That passkey isn't one of yours.")
    return _to_account("passkey-removed")


@bp.post("/login/passkey/options")
@limiter.limit(LOGIN_PER_ADDRESS, methods=["POST"])
def login_passkey_options() -> Response:
    return Response(auth.authentication_options(), mimetype="application/json")


@bp.post("/login/passkey")
@limiter.limit(LOGIN_PER_ADDRESS, methods=["POST"])
def login_passkey() -> Response:
    """Sign in with the passkey the browser offered."""
    credential = request.get_json(silent=True)
    user_id = auth.verify_authentication(accounts(), credential)
    if user_id is None:
        return _json(
            401, message="That passkey didn't sign you in. Try again or use your password."
        )
    signed_in = _signed_in(user_id, "passkey")
    if signed_in.status_code != 303:
        return _json(
            401, message="That passkey didn't sign you in. Try again or use your password."
        )
    return _json(200, message=NOTICES["welcome"], redirect=signed_in.location)


@bp.app_errorhandler(RateLimitExceeded)
def too_many(error: RateLimitExceeded) -> Response:
    """A clear "wait a few minutes", with the login form kept where there was one."""
    if request.endpoint == "account.login":
        form = AccountForm(values={"email": auth.normal_email(request.form.get("email", ""))})
        form.errors["password"] = TOO_MANY
        response = _login_page(form, 429)
    elif request.is_json or request.endpoint in {
        "account.login_passkey",
        "account.login_passkey_options",
        "account.passkey_options",
    }:
        response = _json(429, message=TOO_MANY)
    elif request.endpoint in EXPORTS:
        response = error_page(429, "Too many downloads", TOO_MANY_EXPORTS)
        response.headers["Retry-After"] = "3600"
    elif request.endpoint == "data.import_file":
        response = error_page(429, "Too many imports", TOO_MANY_IMPORTS)
        response.headers["Retry-After"] = "3600"
    else:
        response = error_page(429, "Too many attempts", TOO_MANY)
    response.headers.setdefault("Retry-After", "60")
    return response
