"""The table of ownership attempts: every route with an id or token, tried by the owner and by someone else."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.test import TestResponse

from tests.integration.conftest import Visitor
from tests.integration.ownership_accounts import FORM_TOKEN, HTMX, Account, csrf_token_of, post


@dataclass(frozen=True)
class World:
    app: Flask
    owner: Account  # whose data is tried
    intruder: Account  # who tries, with data of their own but no plan


@dataclass(frozen=True)
class Attempt:
    """Someone else trying one route on the owner's id or token."""

    endpoint: str
    what: str
    status: int
    run: Callable[[World], TestResponse]
    #: What the answer must not show (the owner's private words), when it is a page.
    hides: Callable[[World], list[str]] = lambda w: [w.owner.session_id, w.owner.op_id]


def _unknown_id() -> str:
    return uuid.uuid4().hex


def _htmx_remove(world: World, device: str) -> TestResponse:
    form = {"csrf_token": world.intruder.token, "device": device}
    return world.intruder.visitor.client.post(
        "/settings/reminders/devices/remove", data=form, headers=HTMX
    )


def _without_form_tokens(response: TestResponse) -> str:
    """The page without its CSRF tokens: they carry a timestamp, so two answers a second apart
    differ there even when they say the same."""
    return FORM_TOKEN.sub('name="csrf_token" value=""', response.get_data(as_text=True))


def _json_remove(world: World, endpoint: str) -> TestResponse:
    return world.intruder.visitor.client.post(
        "/settings/reminders/devices/remove",
        json={"endpoint": endpoint},
        headers={"X-CSRFToken": world.intruder.token},
    )


def _act(world: World, action: str, client: Any = None) -> TestResponse:
    body = {"token": world.owner.reminder_token, "action": action}
    return (client or world.intruder.visitor.client).post("/reminders/act", json=body)


def _import(world: World) -> TestResponse:
    upload = (io.BytesIO(world.owner.export), "hipday.json")
    form = {"csrf_token": world.intruder.token, "file": upload}
    return world.intruder.visitor.client.post(
        "/settings/data/import", data=form, content_type="multipart/form-data"
    )


def _as_guest(world: World, url: str, **form: str) -> TestResponse:
    """`url` posted by a brand-new guest of its own."""
    guest = Visitor(world.app.test_client())
    return guest.client.post(url, data={"csrf_token": csrf_token_of(guest), **form})


def _passkey_login(world: World) -> TestResponse:
    client = world.intruder.visitor.client
    headers = {"X-CSRFToken": world.intruder.token}
    assert client.post("/login/passkey/options", headers=headers).status_code == 200
    credential = {
        "id": world.owner.passkey_credential,
        "rawId": world.owner.passkey_credential,
        "type": "public-key",
        "response": {"clientDataJSON": "e30", "authenticatorData": "AA", "signature": "AA"},
    }
    return client.post("/login/passkey", json=credential, headers=headers)


ATTEMPTS = [
    Attempt("player.summary", "open the owner's session", 404,
            lambda w: w.intruder.visitor.get(f"/sessions/{w.owner.session_id}")),
    Attempt("player.change_feedback", "change the owner's session feedback", 404,
            lambda w: post(w.intruder, f"/sessions/{w.owner.session_id}/feedback",
                           effort="9", pain="9", note="not yours")),
    Attempt("player.finish", "log a session with the owner's idempotency key (form)", 303,
            lambda w: w.intruder.visitor.finish(key=w.owner.op_id)),
    Attempt("player.finish", "log a session with the owner's Idempotency-Key header", 303,
            lambda w: w.intruder.visitor.client.post(
                "/sessions",
                data={"csrf_token": w.intruder.token, "routine": "desk-reset",
                      "started_at": "2026-02-20T07:00:00Z", "ended_at": "2026-02-20T07:05:00Z",
                      "steps_done": "1", "steps_total": "1", "time_zone": "UTC"},
                headers={"Idempotency-Key": w.owner.op_id})),
    Attempt("hip_checks.show", "open the owner's hip check", 404,
            lambda w: w.intruder.visitor.get(f"/hip-checks/{w.owner.hip_check_id}")),
    Attempt("hip_checks.record", "send a check under the owner's check id (kept as the "
            "intruder's own, the owner's untouched)", 201,
            lambda w: post(w.intruder, "/hip-check", client_id=w.owner.hip_check_client,
                           taken_on="2026-03-04", right_outward="10")),
    Attempt("progress.history", "list history (the owner's sessions must not show)", 200,
            lambda w: w.intruder.visitor.get("/progress/history?page=1")),
    Attempt("plan.day", "open a day the owner skipped (the intruder has no plan)", 404,
            lambda w: w.intruder.visitor.get(f"/plan/{w.owner.skipped_day}")),
    Attempt("plan.skip", "skip a day of the owner's plan", 404,
            lambda w: post(w.intruder, f"/plan/{w.owner.planned_day}/skip")),
    Attempt("plan.unskip", "take back the owner's skip (only the intruder's own would go)", 303,
            lambda w: post(w.intruder, f"/plan/{w.owner.skipped_day}/unskip")),
    Attempt("plan.move", "move a day of the owner's plan", 404,
            lambda w: post(w.intruder, f"/plan/{w.owner.planned_day}/move",
                           target=w.owner.skipped_day)),
    Attempt("plan.delete_vacation", "delete the owner's vacation", 404,
            lambda w: post(w.intruder, f"/plan/vacations/{w.owner.vacation_id}/delete")),
    Attempt("reminders.unsubscribe", "remove the owner's device from the list", 404,
            lambda w: post(w.intruder, "/settings/reminders/devices/remove",
                           device=w.owner.device_id)),
    Attempt("reminders.unsubscribe", "remove the owner's device with htmx (the intruder's "
            "list comes back, as for an unknown id)", 200,
            lambda w: _htmx_remove(w, w.owner.device_id)),
    Attempt("reminders.unsubscribe", "turn off the owner's browser by its endpoint (204, as "
            "for an unknown endpoint)", 204,
            lambda w: _json_remove(w, w.owner.device_endpoint)),
    Attempt("reminders.act", "snooze the owner's reminder with its notification token", 404,
            lambda w: _act(w, "snooze")),
    Attempt("reminders.act", "skip the owner's reminder with its notification token", 404,
            lambda w: _act(w, "skip")),
    Attempt("reminders.act", "skip the owner's reminder from a browser with no account", 404,
            lambda w: _act(w, "skip", w.app.test_client())),
    Attempt("settings.feed", "read the owner's replaced calendar feed", 404,
            lambda w: w.intruder.visitor.get(f"/calendar/{w.owner.old_calendar_token}.ics")),
    Attempt("settings.feed", "read a calendar feed by a made-up token", 404,
            lambda w: w.app.test_client().get(f"/calendar/{_unknown_id()}.ics")),
    Attempt("settings.feed", "read a feed by the owner's token with one letter changed", 404,
            lambda w: w.app.test_client().get(
                f"/calendar/{w.owner.calendar_token[:-1]}"
                f"{'A' if w.owner.calendar_token[-1] != 'A' else 'B'}.ics")),
    Attempt("settings.new_feed", "make a new calendar feed (the owner's keeps working)", 303,
            lambda w: post(w.intruder, "/settings/calendar")),
    Attempt("settings.revoke_feed", "turn off a calendar feed (only the intruder's own)", 303,
            lambda w: post(w.intruder, "/settings/calendar/revoke")),
    Attempt("data.export_json", "download everything as JSON", 200,
            lambda w: w.intruder.visitor.get("/settings/data/hipday.json")),
    Attempt("data.export_csv_zip", "download everything as CSV files", 200,
            lambda w: w.intruder.visitor.get("/settings/data/hipday-csv.zip")),
    Attempt("data.export_sessions_csv", "download the sessions as CSV", 200,
            lambda w: w.intruder.visitor.get("/settings/data/sessions.csv")),
    Attempt("data.import_file", "import the owner's export (copies, the owner's untouched)", 303,
            _import, hides=lambda w: []),
    Attempt("data.delete_account", "delete the account (only the intruder's own goes)", 303,
            lambda w: post(w.intruder, "/settings/delete", confirm="yes")),
    Attempt("account.end_device", "log out the owner's device", 404,
            lambda w: post(w.intruder, f"/account/devices/{w.owner.sign_in_id}/logout")),
    Attempt("account.end_device", "log out the owner's device, as a guest", 404,
            lambda w: _as_guest(w, f"/account/devices/{w.owner.sign_in_id}/logout")),
    Attempt("account.remove_passkey", "remove the owner's passkey", 404,
            lambda w: post(w.intruder, f"/account/passkeys/{w.owner.passkey_id}/remove")),
    Attempt("account.remove_passkey", "remove the owner's passkey, as a guest", 404,
            lambda w: _as_guest(w, f"/account/passkeys/{w.owner.passkey_id}/remove")),
    Attempt("account.login", "log in to the owner's account with a wrong password", 401,
            lambda w: post(w.intruder, "/login", email=w.owner.email, password="not theirs!")),
    Attempt("account.login_passkey", "log in with the owner's passkey id and no signature", 401,
            _passkey_login),
    Attempt("account.secure", "secure an account with the owner's email (as a guest)", 422,
            lambda w: _as_guest(w, "/account/secure", email=w.owner.email,
                                password="a new password", password_again="a new password")),
]  # fmt: skip
#: Routes with a variable in their path, or POST routes, that name nothing of anyone's.
NOT_OWNED = {
    "static": "the app's own files",
    "routines.detail": "a routine of the shared library, by its slug",
    "routines.exercise": "an exercise of the shared library, by its slug",
    "player.play": "a routine of the shared library; ?day= reads the visitor's own plan",
    "plan.save_onboarding": "the visitor's own program answers",
    "plan.add_vacation": "dates of the visitor's own plan",
    "settings.save": "the visitor's own program answers",
    "settings.save_time_zone": "the visitor's own time zone",
    "precautions.save_onboarding": "the visitor's own precautions answers",
    "precautions.save_settings": "the visitor's own precautions answers",
    "settings.detected_time_zone": "the visitor's own time zone",
    "reminders.save": "the visitor's own reminder settings",
    "reminders.test": "pushes to the visitor's own devices only",
    "account.add_passkey": "a new passkey for the visitor's own account, made for its challenge",
    "account.passkey_options": "a challenge for the visitor's own account",
    "account.login_passkey_options": "a fresh challenge, for anyone",
    "account.change_password": "the visitor's own password",
    "account.logout": "this device's own sign-in",
    "reminders.subscribe": (
        "the browser's own push endpoint: an unguessable address only that browser knows, which "
        "moves to the account that subscribes it last (test_reminder_page_devices covers it)"
    ),
}
