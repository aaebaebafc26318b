"""What the Progress page shows, from where the user stands and the month and exercise asked for."""

from __future__ import annotations

from datetime import date
from typing import Any

from routines import heatmap
from routines.bounds import EARLIEST_DATE
from routines.streaks import Mark, week_adherence
from webapp.presenters import phone_view
from webapp.presenters.charts import line_chart
from webapp.services.progress import ExercisePick, HistoryPage, Standing


def progress_context(
    standing: Standing,
    shown: date,
    pick: ExercisePick,
    history: HistoryPage,
) -> dict[str, Any]:
    """The page's streak, heatmap, month `shown`, history and exercise chart, for its template."""
    record, today = standing.record, standing.today
    return {
        "record": record,
        "current_if_done_today": standing.current_if_done_today,
        "today": today,
        "today_mark": record.on(today),
        "adherence": week_adherence(standing.week),
        "phone": phone_view.of(standing),
        "heatmap": heatmap.heatmap(record, today),
        "month": heatmap.month(record, shown.year, shown.month, today),
        "earliest": EARLIEST_DATE,  # no month before it to go back to
        "history": history,
        "choices": pick.choices,
        "chosen": pick.chosen,
        "chart": pick.chart,
        "geometry": line_chart(pick.chart.points) if pick.chart else None,
        "marks": Mark,
    }
