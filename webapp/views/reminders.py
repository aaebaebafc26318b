"""Settings → Reminders: the reminders' settings, this user's devices, and notification actions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, redirect, url_for
from htmx_flask import request

from routines.streaks import zone
from webapp import clock, reminders, scheduler
from webapp.devices import device_label
from webapp.guests import current_user, known_user
from webapp.models import PushSubscription, Reminder, User
from webapp.push import SubscriptionError, check_subscription
from webapp.security import csrf
from webapp.views import catalog, reminder_store, render, store
from webapp.views.plan import choices, local_today

bp = Blueprint("reminders", __name__)

EVERY_CHOICES = (30, 45, 60, 75, 90, 120, 150, 180)


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
    form: reminders.ReminderForm | None = None, status: int = 200, test_result: str | None = None
) -> Response:
    user = current_user()
    saved = reminder_store().reminders(user.id or 0)
    return render(
        "pages/reminders.html",
        status=status,
        form=form or reminders.reminder_form(saved, user, local_today()),
        choices=choices(),
        every_choices=EVERY_CHOICES,
        has_program=bool(store().program_versions(user.id or 0)),
        next_session=_next_text(saved.get("session"), user),
        next_desk=_next_text(saved.get("desk"), user),
        devices=_devices(user),
        test_result=test_result,
        time_zone=user.time_zone,
    )


def _devices(user: User) -> list[dict[str, Any]]:
    key = current_app.extensions["hipday.vapid_public"]
    return [
        {"device": d, "current": d.vapid_key == key}
        for d in reminder_store().subscriptions(user.id or 0)
    ]


@bp.get("/settings/reminders")
def page() -> Response:
    """When Hipday reminds you, on which devices, and a test notification."""
    return _page()


@bp.post("/settings/reminders")
def save() -> Response:
    """Save the reminders' settings; a wrong answer comes back with the form as typed."""
    lists = {name: request.form.getlist(name) for name in ("session_days", "desk_days")}
    answers = reminders.parse_reminders(request.form, lists, local_today())
    if answers.errors:
        return _page(answers, 422)
    reminders.save_reminders(reminder_store(), current_user(), answers, clock.now())
    return redirect(url_for("reminders.page", saved="1"), 303)  # type: ignore[return-value]


@bp.get("/settings/reminders/devices")
def devices() -> Response:
    """The devices list alone (htmx refreshes it after this phone subscribes)."""
    if not request.htmx:
        return redirect(url_for("reminders.page", _anchor="devices"), 303)  # type: ignore[return-value]
    return render("pages/reminders.html", "devices_list", devices=_devices(current_user()))


@bp.post("/settings/reminders/devices")
def subscribe() -> Response:
    """Store this browser's push subscription (sent by static/js/push.js)."""
    data = request.get_json(silent=True)
    try:
        endpoint, p256dh, auth = check_subscription(
            data, allow_insecure=current_app.config["PUSH_INSECURE_ENDPOINTS"]
        )
    except SubscriptionError as error:
        return _json(400, error=str(error))
    key = current_app.extensions["hipday.vapid_public"]
    if isinstance(data, dict) and data.get("key") not in (None, key):
        message = "This page is out of date: reload it and turn reminders on again."
        return _json(409, error=message)
    row = reminder_store().add_subscription(
        PushSubscription(
            user_id=current_user().id or 0,
            endpoint=endpoint,
            p256dh=p256dh,
            auth=auth,
            vapid_key=key,
            label=device_label(request.headers.get("User-Agent", "")),
        )
    )
    return _json(201, id=row.public_id)


@bp.post("/settings/reminders/devices/remove")
def unsubscribe() -> Response:
    """Forget a device: this phone (JSON with its endpoint) or one picked from the list."""
    data = request.get_json(silent=True)
    user = current_user()
    if isinstance(data, dict):
        endpoint = data.get("endpoint")
        if not isinstance(endpoint, str) or not endpoint:
            return _json(400, error="No subscription was named.")
        reminder_store().remove_subscription(user.id or 0, endpoint=endpoint)
        return Response(status=204)
    public_id = request.form.get("device", "")
    removed = reminder_store().remove_subscription(user.id or 0, public_id=public_id)
    if request.htmx:  # gone either way: show the list as it is now
        return render("pages/reminders.html", "devices_list", devices=_devices(user))
    if not removed:
        return _page(status=404, test_result="That device isn't on your list any more.")
    return redirect(url_for("reminders.page", _anchor="devices"), 303)  # type: ignore[return-value]


@bp.post("/settings/reminders/test")
def test() -> Response:
    """Send a test notification to every device of yours, and say how it went."""
    delivered, count = scheduler.send_test(current_user())
    if count == 0:
        result = "No device has reminders on yet. Turn them on for this phone first."
    elif delivered == count:
        result = f"Sent to {count} device{'s' if count > 1 else ''}. It should show in a moment."
    else:
        result = f"Sent to {delivered} of {count} devices; the others didn't accept it."
    if request.htmx:  # htmx swaps only 2xx (and 422) answers; the words say how it went
        return render("pages/reminders.html", "test_result_block", test_result=result)
    return _page(status=200 if delivered else 409, test_result=result)


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
        done = reminders.act(store(), reminder_store(), catalog(), user, token, action, now)
    if done is None:
        return _json(404, error="That reminder isn't yours or has expired.")
    return _json(200, message=done)


csrf.exempt(act)
