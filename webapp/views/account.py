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
from webapp.extensions import account_store, store
from webapp.services import accounts, passkeys
from webapp.services.accounts import AccountForm
from webapp.views import render
from webapp.web.errors import error_page
from webapp.web.guests import current_user, visit
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
    devices = accounts.devices(account_store(), user)
    return render(
        "pages/account.html",
        status=status,
        user=user,
        secure_form=secure_form or AccountForm(),
        password_form=password_form or AccountForm(),
        sign_ins=devices.sign_ins,
        this_sign_in=accounts.this_sign_in(session),
        passkeys=devices.passkeys,
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
    form = accounts.secure(account_store(), user, request.form, visit())
    if form.errors:
        return _account_page(secure_form=form, status=422)
    session.permanent = True
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
    form, user = accounts.check_login(account_store(), request.form)
    if user is None:
        return _login_page(form, 401)
    return _signed_in(user.id or 0, "password")


def _signed_in(user_id: int, method: str) -> Response:
    """Sign this device in, bringing along what it did as a guest; then open Today."""
    left_behind = accounts.sign_in(
        store(), account_store(), current_user(), user_id, method, visit()
    )
    if left_behind is None:
        return _login_page(AccountForm(errors={"password": accounts.LOGIN_FAILED}), 401)
    session.permanent = True
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
    accounts.sign_out(account_store(), current_user(), visit())
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
    form = accounts.change_password(account_store(), user, request.form, visit())
    if form.errors:
        return _account_page(password_form=form, status=422)
    return _to_account("password")


@bp.post("/account/devices/<public_id>/logout")
def end_device(public_id: str) -> Response:
    """Log one of your other devices out."""
    if not accounts.end_device(account_store(), current_user(), public_id):
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
    body = passkeys.registration_options(account_store(), user, visit())
    return Response(body, mimetype="application/json")


@bp.post("/account/passkeys")
def add_passkey() -> Response:
    """Check and keep the passkey the browser made."""
    user = current_user()
    credential = request.get_json(silent=True)
    if user.secured_at is None:
        return _json(409, message="Secure your account with an email first.")
    added = passkeys.add_passkey(account_store(), user, credential, visit())
    if added == "unverified":
        return _json(400, message="That passkey couldn't be checked. Try adding it again.")
    if added == "already saved":
        return _json(409, message="That passkey is already saved.")
    return _json(201, message=NOTICES["passkey"], redirect=url_for("account.page", done="passkey"))


@bp.post("/account/passkeys/<public_id>/remove")
def remove_passkey(public_id: str) -> Response:
    if not passkeys.remove_passkey(account_store(), current_user(), public_id):
        return error_page(404, "Not found", "That passkey isn't one of yours.")
    return _to_account("passkey-removed")


@bp.post("/login/passkey/options")
@limiter.limit(LOGIN_PER_ADDRESS, methods=["POST"])
def login_passkey_options() -> Response:
    return Response(passkeys.authentication_options(visit()), mimetype="application/json")


@bp.post("/login/passkey")
@limiter.limit(LOGIN_PER_ADDRESS, methods=["POST"])
def login_passkey() -> Response:
    """Sign in with the passkey the browser offered."""
    credential = request.get_json(silent=True)
    user_id = passkeys.verify_authentication(account_store(), credential, visit())
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
        email = accounts.normal_email(request.form.get("email", ""))
        form = AccountForm(values={"email": email})
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
