"""Progress's "Your hips": the newest arcs, the difference, the lagging note, charts as tables."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.integration.conftest import Visitor
from tests.integration.test_hip_check_posts import send
from tests.integration.test_hip_check_store import full_check
from webapp.services.hip_checks import CHECKS_CHARTED
from webapp.store.training import TrainingStore


def hips_section(visitor: Visitor) -> str:
    page = visitor.get("/progress").get_data(as_text=True)
    found = re.search(r'<section id="hips".*?</section>', page, re.S)
    assert found, "Progress has a Your hips section"
    return found.group(0)


def test_with_no_checks_the_section_invites_one(visitor: Visitor) -> None:
    section = hips_section(visitor)
    assert "No hip checks yet." in section
    assert 'href="/hip-check"' in section
    assert "never a diagnosis" in section


def test_the_newest_check_shows_each_arc_and_the_difference(visitor: Visitor) -> None:
    send(visitor, client_id="older-check", taken_on="2026-02-01", left_inward="5")
    send(visitor, client_id="newer-check", left_outward="45", left_inward="28")
    section = hips_section(visitor)
    assert "<dd>85°</dd>" in section and "<dd>73°</dd>" in section
    assert "12° (14%)" in section


def test_a_lagging_side_gets_a_plain_note_about_the_extra_set(visitor: Visitor) -> None:
    send(visitor, left_outward="40", left_inward="30", right_outward="55", right_inward="30")
    assert (
        "Your left hip turns 15° less than your right. Until your next check, rotation "
        "exercises add one set on your left side."
    ) in hips_section(visitor)


def test_even_hips_get_no_note(visitor: Visitor) -> None:
    send(visitor, left_outward="48", left_inward="33")
    assert "Until your next check" not in hips_section(visitor)


def test_each_measure_has_a_chart_with_a_table_that_marks_estimates_and_pain(
    visitor: Visitor,
) -> None:
    send(visitor, client_id="older-check", taken_on="2026-02-01")
    send(visitor, client_id="newer-check", plank_right="", plank_left="")
    section = hips_section(visitor)
    for key in ("outward", "inward", "arc", "balance", "plank"):
        assert f'id="hips-{key}"' in section
    assert "<td>35°, estimated</td>" in section
    assert "<td>40°, not pain-free</td>" in section
    assert "<td>50°, pain-free</td>" in section
    assert "<td>45 s, on the knees</td>" in section
    assert "<td>not measured</td>" in section


def test_the_typical_ranges_are_shown_as_context_with_their_source(visitor: Visitor) -> None:
    section = hips_section(visitor)
    assert "outward 40–60°, inward 30–40°." in section
    assert "American Family Physician" in section


def test_the_charts_show_the_newest_checks_and_say_where_the_rest_are(
    visitor: Visitor, store: TrainingStore
) -> None:
    user_id = visitor.account_id()
    first = date(2024, 1, 1)
    checks = [(f"check-{n:03d}", full_check(first + timedelta(days=7 * n))) for n in range(30)]
    store.add_hip_checks(user_id, checks)
    section = hips_section(visitor)
    assert f"The charts show your newest {CHECKS_CHARTED} checks" in section
    arc_table = section.split('id="hips-arc"', 1)[1].split("</table>", 1)[0]
    assert arc_table.count("<tr><td>") == CHECKS_CHARTED
    assert "5 Feb 2024" not in section
    assert "12 Feb 2024" in section and "22 Jul 2024" in section


def test_an_estimated_range_is_drawn_hollow_and_said_so(visitor: Visitor) -> None:
    send(visitor)  # the right inward rotation is estimated
    section = hips_section(visitor)
    charts = {key: section.split(f'id="hips-{key}"', 1)[1].split("</figure>", 1)[0]
              for key in ("outward", "inward", "arc")}  # fmt: skip
    assert 'class="chart-dot side-right is-estimated"' in charts["inward"]
    assert 'class="chart-dot side-right is-estimated"' in charts["arc"]
    assert "is-estimated" not in charts["outward"]
    assert "hollow: estimated" in charts["inward"] and "hollow: estimated" not in charts["outward"]
