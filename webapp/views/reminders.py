"""Settings → Reminders: the reminders' settings, this user's devices, and notification actions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, redirect, url_for
from flask_limiter.errors import RateLimitExceeded
from htmx_flask import request

from routines.streaks import zone
from webapp import clock, extensions
from webapp.extensions import catalog, reminder_store, store
from webapp.presenters.labels import program_choices
from webapp.push.sender import insecure_endpoints
from webapp.push.subscriptions import SubscriptionError, check_subscription
from webapp.services import devices as device_service
from webapp.services import notifications, reminder_settings, reminders
from webapp.services.devices import NewDevice
from webapp.services.notifications import Reached
from webapp.store.models import PushSubscription, Reminder, User
from webapp.store.reminders import MAX_DEVICES
from webapp.views import local_today, render
from webapp.web.guests import current_user, known_user
from webapp.web.limits import limiter
from webapp.web.security import csrf

bp = Blueprint("reminders", __name__)

EVERY_CHOICES = (30, 45, 60, 75, 90, 120, 150, 180)
#: "Send a test notification", per account: enough to try again, too few to flood anyone.
TESTS_PER_ACCOUNT = "5 per minute"
TOO_MANY_TESTS = (
    "That's several test notifications in a minute. Wait a minute, then try again if one "
    "still hasn't shown."
)


def _json(status: int, **body: Any) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response


def _next_text(reminder: Reminder | None, user: User) -> str | None:
    """ "Tuesday 07:00": when an enabled reminder next fires, in the user's time zone."""
    if reminder is None or not reminder.enabled or reminder.next_fire_utc is None:
        return None
    local = reminder.next_fire_utc.astimezone(zone(user.time_zone))
    return f"{local:%A} {local.day} {local:%B, %H:%M}"


def _page(
    form: reminder_settings.ReminderForm | None = None,
    status: int = 200,
    test_result: str | None = None,
) -> Response:
    user = current_user()
    saved = reminder_settings.saved(store(), reminder_store(), user)
    return render(
        "pages/reminders.html",
        status=status,
        form=form or reminder_settings.reminder_form(saved.reminders, user, local_today()),
        choices=program_choices(),
        every_choices=EVERY_CHOICES,
        has_program=saved.has_program,
        next_session=_next_text(saved.reminders.get("session"), user),
        next_desk=_next_text(saved.reminders.get("desk"), user),
        devices=_devices(user),
        max_devices=MAX_DEVICES,
        test_result=test_result,
        time_zone=user.time_zone,
    )


def _devices(user: User) -> list[device_service.Device]:
    return device_service.devices_of(reminder_store(), user, extensions.vapid_public())


def _devices_list(user: User) -> Response:
    devices = _devices(user)
    return render("pages/reminders.html", "devices_list", devices=devices, max_devices=MAX_DEVICES)


@bp.get("/settings/reminders")
def page() -> Response:
    """When Hipday reminds you, on which devices, and a test notification."""
    return _page()


@bp.post("/settings/reminders")
def save() -> Response:
    """Save the reminders' settings; a wrong answer comes back with the form as typed."""
    lists = {name: request.form.getlist(name) for name in ("session_days", "desk_days")}
    answers = reminder_settings.parse_reminders(request.form, lists, local_today())
    if answers.errors:
        return _page(answers, 422)
    reminder_settings.save_reminders(reminder_store(), current_user(), answers, clock.now())
    return redirect(url_for("reminders.page", saved="1"), 303)  # type: ignore[return-value]


@bp.get("/settings/reminders/devices")
def devices() -> Response:
    """The devices list alone (htmx refreshes it after this phone subscribes)."""
    if not request.htmx:
        return redirect(url_for("reminders.page", _anchor="devices"), 303)  # type: ignore[return-value]
    return _devices_list(current_user())


@bp.post("/settings/reminders/devices")
def subscribe() -> Response:
    """Store this browser's push subscription (sent by static/js/push.js)."""
    data = request.get_json(silent=True)
    try:
        endpoint, p256dh, auth = check_subscription(
            data, allow_insecure=insecure_endpoints(current_app.config)
        )
    except SubscriptionError as error:
        return _json(400, error=str(error))
    key = extensions.vapid_public()
    if isinstance(data, dict) and data.get("key") not in (None, key):
        message = "This page is out of date: reload it and turn reminders on again."
        return _json(409, error=message)
    new = NewDevice(endpoint, p256dh, auth, request.headers.get("User-Agent", ""))
    row, replaced = device_service.add_device(
        reminder_store(), current_user(), new, key, clock.now()
    )
    if not replaced:
        return _json(201, id=row.public_id)
    return _json(201, id=row.public_id, message=_replaced_text(replaced))


def _replaced_text(replaced: list[PushSubscription]) -> str:
    """ "Reminders are on. They go to 10 devices at most, so this one replaced …"."""
    names = ", ".join(
        f"{d.label or 'a browser'} (since {d.created_at.day} {d.created_at:%B %Y})"
        for d in replaced
    )
    return (
        f"Reminders are on. They go to {MAX_DEVICES} devices at most, so this one replaced "
        f"the one that had gone longest without a reminder: {names}."
    )


@bp.post("/settings/reminders/devices/remove")
def unsubscribe() -> Response:
    """Forget a device: this phone (JSON with its endpoint) or one picked from the list."""
    data = request.get_json(silent=True)
    user = current_user()
    if isinstance(data, dict):
        endpoint = data.get("endpoint")
        if not isinstance(endpoint, str) or not endpoint:
            return _json(400, error="No subscription was named.")
        device_service.remove_device(reminder_store(), user, endpoint=endpoint)
        return Response(status=204)
    public_id = request.form.get("device", "")
    removed = device_service.remove_device(reminder_store(), user, public_id=public_id)
    if request.htmx:  # gone either way: show the list as it is now
        return _devices_list(user)
    if not removed:
        return _page(status=404, test_result="That device isn't on your list any more.")
    return redirect(url_for("reminders.page", _anchor="devices"), 303)  # type: ignore[return-value]


def _test_key() -> str:
    """Test notifications count per account (by its public id, which no other account has)."""
    return f"test-notification:{current_user().public_id}"


@bp.post("/settings/reminders/test")
@limiter.limit(TESTS_PER_ACCOUNT, key_func=_test_key, methods=["POST"])
def test() -> Response:
    """Send a test notification to every device of yours, and say how it went."""
    sent = notifications.send_test(
        reminder_store(),
        extensions.sender(),
        extensions.vapid_public(),
        extensions.links(),
        current_user(),
        current_app.config["PUSH_TEST_SECONDS"],
        clock.now(),
    )
    return _test_answer(_test_text(sent), 200 if sent.delivered else 409)


def _test_text(sent: Reached) -> str:
    """How the test notification went, in words."""
    if sent.devices == 0:
        return "No device has reminders on yet. Turn them on for this phone first."
    if sent.delivered == sent.devices:
        plural = "s" if sent.devices > 1 else ""
        return f"Sent to {sent.devices} device{plural}. It should show in a moment."
    words = f"Sent to {sent.delivered} of {sent.devices} devices"
    if sent.unanswered:
        words += f"; {sent.unanswered} didn't answer in time"
    if sent.devices - sent.delivered - sent.unanswered:
        words += "; the others didn't accept it"
    return words + "."


def _test_answer(result: str, status: int) -> Response:
    if request.htmx:  # htmx swaps only 2xx (and 422) answers; the words say how it went
        return render("pages/reminders.html", "test_result_block", test_result=result)
    return _page(status=status, test_result=result)


@bp.errorhandler(RateLimitExceeded)
def too_many_tests(error: RateLimitExceeded) -> Response:
    """The test button pressed too often says so where its answer shows."""
    response = _test_answer(TOO_MANY_TESTS, 429)
    response.headers["Retry-After"] = "60"
    return response


@bp.post("/reminders/act")
def act() -> Response:
    """Snooze or Skip, tapped on a notification (the service worker posts it).

    The signed token from the notification is the proof, so no CSRF token is needed; it must
    belong to the account of the cookie, or nothing happens.
    """
    data = request.get_json(silent=True)
    token = data.get("token") if isinstance(data, dict) else None
    action = data.get("action") if isinstance(data, dict) else None
    if not isinstance(token, str) or action not in ("snooze", "skip"):
        return _json(400, error="Say which reminder and snooze or skip.")
    user = known_user()
    now = clock.now()
    done = None
    if user is not None:
        secret = current_app.config["SECRET_KEY"]
        done = reminders.act(store(), reminder_store(), catalog(), secret, user, token, action, now)
    if done is None:
        return _json(404, error="That reminder isn't yours or has expired.")
    return _json(200, message=done)


csrf.exempt(act)
