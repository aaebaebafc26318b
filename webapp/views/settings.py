"""Settings: the program's four answers and the private calendar feed."""

from __future__ import annotations

from datetime import date
from zoneinfo import available_timezones

from flask import Blueprint, Response, abort, redirect, url_for
from htmx_flask import request

from webapp import clock
from webapp.extensions import catalog, reminder_store, store
from webapp.presenters.calendar_feed import calendar_feed
from webapp.presenters.labels import program_choices
from webapp.services import plans, sessions, time_zones
from webapp.services.sessions import is_time_zone
from webapp.views import local_today, render
from webapp.web.guests import current_user, remember_time_zone

bp = Blueprint("settings", __name__)

#: UTC, then every IANA time zone this machine knows by region and city ("Etc/…" left out).
TIME_ZONES = ("UTC",) + tuple(
    sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
)


def _page(
    form: plans.ProgramForm | None = None,
    status: int = 200,
    zone_form: dict[str, str] | None = None,
    block: str = "program_form",
) -> Response:
    user = current_user()
    saved = plans.saved_program(store(), user)
    feed = (
        url_for("settings.feed", token=user.calendar_token, _external=True)
        if user.calendar_token
        else None
    )
    return render(
        "pages/settings.html",
        block,
        status,
        form=form or plans.program_form(saved),
        choices=program_choices(),
        has_program=saved is not None,
        feed_url=feed,
        zones=TIME_ZONES,
        zone_form=zone_form
        or {"time_zone": user.time_zone, "follow_phone": "1" if user.time_zone_auto else ""},
    )


@bp.get("/settings")
def page() -> Response:
    """Your program's answers and your calendar feed."""
    return _page()


@bp.post("/settings")
def save() -> Response:
    """Save new answers: the plan changes from today on, the past stays as it was."""
    lists = {name: request.form.getlist(name) for name in ("days", "equipment")}
    answers = plans.parse_program(request.form, lists)
    if answers.errors:
        return _page(answers, 422)
    plans.save_program(store(), current_user(), answers, local_today())
    return redirect(url_for("plan.overview"), 303)  # type: ignore[return-value]


@bp.post("/settings/time-zone")
def save_time_zone() -> Response:
    """Choose the time zone your days follow, or let them follow your phone's."""
    values = {
        "time_zone": request.form.get("time_zone", "").strip(),
        "follow_phone": request.form.get("follow_phone", ""),
    }
    if not is_time_zone(values["time_zone"]):
        values["error"] = "Pick a time zone from the list, such as Europe/Berlin."
        return _page(status=422, zone_form=values, block="time_zone_form")
    auto = values["follow_phone"] == "1"
    time_zones.set_time_zone(
        store(), reminder_store(), current_user(), values["time_zone"], clock.now(), auto=auto
    )
    return redirect(url_for("settings.page", _anchor="time-zone"), 303)  # type: ignore[return-value]


@bp.post("/settings/time-zone/detected")
def detected_time_zone() -> Response:
    """The phone's time zone, sent by the page on a visit; adopted unless you chose one."""
    user, name = current_user(), request.form.get("time_zone", "").strip()
    if not is_time_zone(name):
        return Response("That isn't a time zone this server knows.", 422, mimetype="text/plain")
    if user.time_zone_auto and name != user.time_zone:
        if user.id is None:
            remember_time_zone(name)  # a visitor without an account: their cookie keeps it
        else:
            time_zones.set_time_zone(store(), reminder_store(), user, name, clock.now())
    return Response(status=204)


@bp.post("/settings/calendar")
def new_feed() -> Response:
    """Make a new private calendar address (any older one stops working)."""
    plans.new_calendar_token(store(), current_user())
    return redirect(url_for("settings.page", _anchor="calendar"), 303)  # type: ignore[return-value]


@bp.post("/settings/calendar/revoke")
def revoke_feed() -> Response:
    """Turn the calendar feed off."""
    plans.stop_calendar_feed(store(), current_user())
    return redirect(url_for("settings.page", _anchor="calendar"), 303)  # type: ignore[return-value]


@bp.get("/calendar/<token>.ics")
def feed(token: str) -> Response:
    """The planned sessions as a calendar a calendar app can subscribe to."""
    user = plans.calendar_owner(store(), token) or abort(404)
    now = clock.now()
    today = sessions.local_today(user, now)
    plan = plans.plan_for(store(), catalog(), user, today) or abort(404)

    def link(day: date) -> str:
        return url_for("plan.day", day=day.isoformat(), _external=True)

    body = calendar_feed(plan, user, link, now, today)
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, max-age=900"
    return response
