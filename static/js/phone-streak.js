// The phone's view of the streak: the server's figures with the sessions waiting in this phone's
// outbox added. `view` is the one function that gives every figure and sentence Today and
// Progress show about the streak (the streak line, current, longest, freezes, sessions, minutes,
// this week's planned sessions, each day's mark), so none of them can disagree with another.
//
// It replays the walk of routines/streaks.py (mark each day; a kept day lengthens the run and
// earns freezes, a missed one spends a freeze or ends the run) over the window of days in the
// snapshot the server embeds (webapp/phone_view.py), starting from the server's state on the
// day before it. tests/e2e/test_pending_sessions.py checks it against the server's own record.
// A refused session counts nowhere; neither does one with no step done (nor does the server).
// Pure: no DOM, no storage.
/* exported HipdayPhoneStreak */
"use strict";

const HipdayPhoneStreak = (() => {
  const DAY_MS = 24 * 60 * 60 * 1000;
  const EXPECT = { s: "session", r: "rest", v: "vacation" };

  /** Whether a waiting session counts: not refused, and at least one step done. */
  function counts(entry) {
    return !entry.refused && Number(entry.fields?.steps_done) > 0;
  }

  /** Its length in whole minutes, rounded as the server rounds (halves to even), at least 1. */
  function minutesOf(entry) {
    const fields = entry.fields || {};
    const seconds = (Date.parse(fields.ended_at) - Date.parse(fields.started_at)) / 1000;
    if (!Number.isFinite(seconds)) return entry.minutes || 0;
    return Math.max(1, roundHalfEven(seconds / 60));
  }

  function roundHalfEven(x) {
    const rounded = Math.round(x);
    return rounded - x === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
  }

  function addDays(day, n) {
    return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
  }

  function daysBetween(first, day) {
    return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / DAY_MS);
  }

  /** The day's mark before freezes (streaks._mark). */
  function markOf(done, expect, notOver) {
    if (done) return "done";
    if (expect === "vacation") return "vacation";
    if (expect === "rest") return "rest";
    return notOver ? "pending" : "missed";
  }

  /** One day of the walk (streaks._Walk.step): the day's final mark. */
  function step(walk, mark, rules) {
    if (mark === "done" || (mark === "rest" && walk.run > 0)) {
      walk.run += 1;
      if (walk.bank < rules.most_freezes) {
        walk.kept += 1;
        if (walk.kept === rules.days_per_freeze) {
          walk.bank += 1;
          walk.kept = 0;
        }
      }
      walk.longest = Math.max(walk.longest, walk.run);
    } else if (mark === "missed" && walk.run > 0) {
      if (walk.bank) {
        walk.bank -= 1;
        walk.spent += 1;
        return "frozen";
      }
      walk.run = 0;
      walk.kept = 0;
    }
    return mark;
  }

  /** safe_today's case for the day (streaks.safe_today). */
  function sentenceKey(day) {
    if (!day || day.mark === "pending") return day && day.streak ? "pending-kept" : "pending-new";
    if (day.mark === "rest" && !day.streak) return "rest-new";
    return day.mark;
  }

  function shade(minutes, sessions, limits) {
    if (!sessions) return 0;
    return Math.max(1, limits.filter((limit) => minutes >= limit).length);
  }

  /**
   * Every streak figure with `entries` (the outbox) added, as of the phone's `today`.
   * `days` maps each day of the window the walk marks to {mark, streak, waiting, shade}.
   */
  function view(snapshot, entries, today) {
    const waiting = entries.filter(counts);
    const size = snapshot.expect.length;
    const added = new Array(size).fill(0);
    const addedMinutes = new Array(size).fill(0);
    let start = snapshot.began ? daysBetween(snapshot.first, snapshot.began) : size;
    for (const entry of waiting) {
      const at = daysBetween(snapshot.first, entry.local_date);
      if (at < 0 || at >= size) continue; // older (or later) than the window: totals only
      added[at] += 1;
      addedMinutes[at] += minutesOf(entry);
      start = Math.min(start, at);
    }
    const now = Math.min(Math.max(daysBetween(snapshot.first, today), 0), size - 1);
    let last = now;
    for (let i = 0; i < size; i++) if (snapshot.sessions_on[i] + added[i] > 0) last = Math.max(last, i);

    const walk = { ...snapshot.before };
    const days = {};
    for (let i = 0; i <= last; i++) {
      const done = snapshot.sessions_on[i] + added[i] > 0;
      const mark = step(walk, markOf(done, EXPECT[snapshot.expect[i]], i >= now), snapshot.rules);
      if (i < start) continue; // before the history begins: the server marks nothing there
      days[addDays(snapshot.first, i)] = {
        mark,
        streak: walk.run,
        waiting: added[i],
        shade: shade(addedMinutes[i], added[i], snapshot.rules.shade_minutes),
      };
    }
    return {
      current: walk.run,
      longest: walk.longest,
      freezes: walk.bank,
      sessions: snapshot.sessions + waiting.length,
      minutes: snapshot.minutes + waiting.reduce((sum, entry) => sum + minutesOf(entry), 0),
      week_done: weekDone(snapshot.week, waiting),
      sentence: snapshot.sentences[sentenceKey(days[addDays(snapshot.first, now)])],
      waiting: waiting.length,
      days,
    };
  }

  /** This week's planned sessions done, with a waiting session on an open day adding one. */
  function weekDone(week, waiting) {
    if (!week) return null;
    const open = new Set(week.open);
    const filled = new Set(waiting.map((entry) => entry.local_date).filter((day) => open.has(day)));
    return week.done + filled.size;
  }

  return { view, counts, minutesOf };
})();

self.HipdayPhoneStreak = HipdayPhoneStreak;
