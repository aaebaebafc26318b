// Sessions waiting on this phone, where Today and Progress show them.
//
// - The outbox in words: waiting to sync, trying again after a failed try, not sent after
//   HipdayOutbox.MOST_TRIES tries ("Try again", "Discard it"), or refused by the server, in the
//   server's words ("Send it with the server's time" when only the phone's clock was wrong,
//   "Discard it").
// - Every streak figure, sentence and calendar day, as HipdayPhoneStreak.view counts them with
//   those sessions (refused ones don't count).
// - Sending: at app start, on `online`, when the page becomes visible, and when a failed try is
//   due again. A page showing "today" reloads once the server has one of them, to show the
//   server's own figures.
/* exported HipdayPhoneStreak */
"use strict";

// --- the phone's view of the streak -------------------------------------------------------------
//
// The server's figures with the sessions waiting in this phone's outbox added. `view` is the one
// function that gives every figure and sentence Today and Progress show about the streak (the
// streak line, current, longest, freezes, sessions, minutes, this week's planned sessions, each
// day's mark), so none of them can disagree with another.
//
// It replays the walk of routines/streaks.py (mark each day; a kept day lengthens the run and
// earns freezes, a missed one spends a freeze or ends the run) over the window of days in the
// snapshot the server embeds (webapp/phone_view.py), starting from the server's state on the
// day before it; tests/e2e/test_phone_streak.py checks it against the server's own record.
// A refused session counts nowhere; neither does one with no step done (nor does the server).
// Pure: no DOM, no storage.
const HipdayPhoneStreak = (() => {
  const DAY_MS = 24 * 60 * 60 * 1000;
  const EXPECT = { s: "session", r: "rest", v: "vacation" };

  /** Whether a waiting session counts: not refused, and at least one step done. */
  function counts(entry) {
    return !entry.refused && Number(entry.fields?.steps_done) > 0;
  }

  /** Its length in whole minutes as the server will count it (session-facts.js). */
  function minutesOf(entry) {
    const fields = entry.fields || {};
    if (Number.isNaN(Date.parse(fields.ended_at) - Date.parse(fields.started_at))) return entry.minutes || 0;
    return self.HipdaySessionFacts.minutes(fields);
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
    for (let i = 0; i < size; i++) {
      if (snapshot.sessions_on[i] + added[i] > 0) last = Math.max(last, i);
    }

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

// --- the page -----------------------------------------------------------------------------------

(() => {
  const outbox = window.HipdayOutbox;
  const phone = window.HipdayPhoneStreak;
  if (!outbox || !phone) return;
  const body = document.body;
  const known = new Set(); // the entries this page has shown
  const discarded = new Set(); // gone because the user discarded them here, not synced
  let snapshot = readSnapshot();
  let applied = false; // the figures on the page are the phone's, not the server's
  let retryTimer = null;
  let focusNext = null;

  function readSnapshot() {
    const element = document.getElementById("streak-snapshot");
    try {
      return element ? JSON.parse(element.textContent) : null;
    } catch (error) {
      return null;
    }
  }

  function csrfToken() {
    try {
      return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  const sessionActive = () => Boolean(window.hipdayPlayer && window.hipdayPlayer.active());

  /** The page's today; on a copy saved on the phone, the phone's own date when it is later. */
  function phoneToday() {
    if (body.dataset.savedCopy !== "1") return snapshot.today;
    const own = self.HipdaySessionFacts.localDate(Date.now(), body.dataset.timeZone);
    return own > snapshot.today ? own : snapshot.today;
  }

  async function flush() {
    if (navigator.onLine) await outbox.flush(csrfToken);
  }

  async function show() {
    const entries = await outbox.all();
    const now = new Set(entries.map((entry) => entry.op_id));
    const synced = [...known].some((id) => !now.has(id) && !discarded.has(id));
    entries.forEach((entry) => known.add(entry.op_id));
    if (synced && body.dataset.today && !sessionActive()) {
      window.location.reload(); // the server has it now: show its own figures
      return;
    }
    showList(entries);
    if (snapshot && (entries.length || applied)) {
      showFigures(phone.view(snapshot, entries, phoneToday()));
      applied = true;
    }
    scheduleRetry();
    if (focusNext) {
      // Where the tapped button was, or the page itself when its section is gone.
      const target = document.getElementById(focusNext);
      (target && target.offsetParent !== null ? target : document.getElementById("main"))?.focus();
      focusNext = null;
    }
  }

  async function scheduleRetry() {
    clearTimeout(retryTimer);
    const next = await outbox.nextTry();
    if (next) retryTimer = setTimeout(flush, Math.max(0, next - Date.now()) + 100);
  }

  // --- the list ---------------------------------------------------------------------------------

  function showList(entries) {
    const section = document.getElementById("pending-sync");
    const list = document.getElementById("pending-list");
    if (!section || !list) return;
    // A try that fails while the user is on one of the buttons redraws the list under them.
    const focused = list.contains(document.activeElement) ? document.activeElement.id : "";
    list.replaceChildren(...entries.map(item));
    section.hidden = entries.length === 0;
    if (focused && !focusNext) document.getElementById(focused)?.focus();
  }

  function item(entry) {
    const li = element("li", "pending-item");
    li.dataset.op = entry.op_id;
    const what = `${entry.name}${entry.minutes ? ` · ${entry.minutes} min` : ""}`;
    if (entry.refused) return refusedItem(li, entry, what);
    if (outbox.isStuck(entry)) return stuckItem(li, entry, what);
    const retrying = entry.tries
      ? `; ${reason(entry)}, next try at ${clock(entry.next_try)}`
      : "";
    li.textContent = `${what} · saved on this phone — will sync${retrying}`;
    return li;
  }

  const SERVER_TIME = ["server-time", "Send it with the server's time", "button"];

  function refusedItem(li, entry, what) {
    const refusal = entry.refused;
    li.classList.add("is-refused");
    const fix = refusal.fix === "server-time";
    li.append(
      element("p", "", `${what} · ${dayOf(entry.local_date)} — Hipday didn't save it:`),
      element("p", "pending-reason", refusal.message),
      element("p", "hint", fix ? clockHint(entry) : "It doesn't count until Hipday has it."),
      actions(entry, fix ? [SERVER_TIME] : again(refusal)),
    );
    return li;
  }

  // A refusal of the request rather than of the session (its form token, the account it was
  // sent to) may go once the page is fresh: it can be sent again. A 422 would be refused again.
  function again(refusal) {
    return refusal.status === 422 ? [] : [["retry", "Send it again", "button"]];
  }

  function stuckItem(li, entry, what) {
    li.classList.add("is-stuck");
    li.append(
      element(
        "p",
        "",
        `${what} · saved on this phone, but not sent after ${entry.tries} tries: ` +
          `${reason(entry)}.`,
      ),
      element("p", "hint", "It still counts here. Try again when you have a good signal."),
      actions(entry, [["retry", "Try again", "button"]]),
    );
    return li;
  }

  function actions(entry, first) {
    const row = element("div", "pending-actions");
    const all = [...first, ["discard", "Discard it", "button secondary"]];
    for (const [action, label, style] of all) {
      const button = element("button", style, label);
      button.type = "button";
      button.dataset.action = action;
      button.id = `${action}-${entry.op_id}`;
      row.append(button);
    }
    return row;
  }

  function clockHint(entry) {
    const refusal = entry.refused;
    const ahead = Date.parse(refusal.phone_now) - Date.parse(refusal.server_now);
    const moved = outbox.movedToServerTime(entry);
    const drift = Number.isFinite(ahead) && Math.abs(ahead) >= 60000
      ? `Your phone's clock was ${span(Math.abs(ahead))} ${ahead > 0 ? "ahead of" : "behind"} ` +
        "Hipday's. "
      : "";
    const end = clock(Date.parse(moved.fields.ended_at));
    return (
      `${drift}Sent with the server's time, it keeps its length and ends at ${end}. ` +
      "It doesn't count until Hipday has it."
    );
  }

  function reason(entry) {
    return entry.problem === "busy" ? "Hipday's server was busy" : "Hipday couldn't be reached";
  }

  function span(ms) {
    const minutes = Math.round(ms / 60000);
    if (minutes < 120) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    const hours = Math.round(minutes / 60);
    if (hours < 48) return `${hours} hours`;
    return `${Math.round(hours / 24)} days`;
  }

  function clock(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function dayOf(day) {
    const date = new Date(`${day}T12:00:00Z`);
    const parts = { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" };
    return date.toLocaleDateString([], parts);
  }

  function element(tag, className, text) {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }

  // What a tap on one of the buttons does.
  async function act(event) {
    const button = event.target.closest("button[data-action]");
    const li = button?.closest("[data-op]");
    if (!li) return;
    const opId = li.dataset.op;
    const action = button.dataset.action;
    if (action === "discard") return confirmDiscard(li, opId);
    if (action === "keep") {
      focusNext = `discard-${opId}`;
      return show();
    }
    if (action === "discard-for-good") {
      discarded.add(opId);
      focusNext = "pending-heading";
      return outbox.remove(opId);
    }
    button.disabled = true;
    button.textContent = "Sending…";
    focusNext = "pending-heading";
    if (action === "server-time") await outbox.resendWithServerTime(opId, csrfToken);
    if (action === "retry") await outbox.retry(opId, csrfToken);
  }

  function confirmDiscard(li, opId) {
    const row = li.querySelector(".pending-actions");
    const question = element(
      "p",
      "pending-reason",
      "Discard this session? It won't count, and it can't be brought back.",
    );
    const yes = element("button", "button", "Yes, discard it");
    const no = element("button", "button secondary", "Keep it");
    yes.type = no.type = "button";
    yes.dataset.action = "discard-for-good";
    no.dataset.action = "keep";
    no.id = `keep-${opId}`;
    const buttons = element("div", "pending-actions");
    buttons.append(yes, no);
    row.replaceWith(question, buttons);
    no.focus();
  }

  // --- the figures ------------------------------------------------------------------------------

  // Where each figure of the view shows, by element id (Today has the first and the sentence).
  const FIGURES = {
    "streak-number": "current",
    "longest-number": "longest",
    "freezes-number": "freezes",
    "week-done-number": "week_done",
    "sessions-number": "sessions",
    "minutes-number": "minutes",
    "streak-sentence": "sentence",
    "streak-today": "sentence",
  };
  // Figures counted in days, whose unit ("day", "days") follows them.
  const IN_DAYS = new Set(["current", "longest"]);

  function showFigures(view) {
    for (const [id, key] of Object.entries(FIGURES)) {
      const shown = document.getElementById(id);
      if (!shown || view[key] === null || view[key] === undefined) continue;
      shown.textContent = String(view[key]);
      const unit = IN_DAYS.has(key) && shown.parentElement.querySelector(".unit");
      if (unit) unit.textContent = view[key] === 1 ? "day" : "days";
    }
    document.querySelectorAll("[data-streak]").forEach((line) => {
      line.hidden = view.current === 0;
    });
    const note = document.getElementById("streak-pending");
    if (note) {
      note.hidden = view.waiting === 0;
      note.textContent =
        view.waiting === 1
          ? "Counting the session saved on this phone that hasn't synced yet."
          : `Counting the ${view.waiting} sessions saved on this phone that haven't synced yet.`;
    }
    showDays(view.days);
  }

  const MARKS = ["done", "rest", "frozen", "vacation", "missed", "pending"];

  function showDays(days) {
    document.querySelectorAll("[data-day]").forEach((cell) => {
      const day = days[cell.dataset.day];
      if (!day || (cell.classList.contains("is-outside") && !day.waiting)) return;
      cell.classList.remove(...MARKS.map((mark) => `mark-${mark}`), "is-before", "is-outside");
      cell.classList.add(`mark-${day.mark}`);
      cell.classList.toggle("is-pending-sync", day.waiting > 0);
      if (day.waiting && ![1, 2, 3].some((n) => cell.classList.contains(`shade-${n}`))) {
        cell.classList.add(`shade-${day.shade}`);
      }
      if (cell.tagName === "TD") labelDay(cell, day);
    });
    countMonth();
  }

  function labelDay(cell, day) {
    let mark = cell.querySelector(".day-mark");
    if (!mark) {
      mark = element("span", "day-mark");
      cell.append(mark);
    }
    const label = snapshot.labels[day.mark] || day.mark;
    mark.textContent = day.waiting ? `${label}, syncing` : label;
  }

  function countMonth() {
    const summary = document.getElementById("month-summary");
    if (!summary) return;
    for (const mark of ["done", "missed", "frozen"]) {
      const count = document.querySelectorAll(`table.month td.mark-${mark}`).length;
      summary.querySelectorAll(`[data-month-count="${mark}"]`).forEach((n) => {
        n.textContent = String(count);
      });
      summary.querySelectorAll(`[data-month-unit="${mark}"]`).forEach((unit) => {
        unit.textContent = count === 1 ? "day" : "days";
      });
      summary.querySelectorAll(`[data-month-part="${mark}"]`).forEach((part) => {
        part.hidden = count === 0;
      });
    }
  }

  // --- when to show and send --------------------------------------------------------------------

  window.addEventListener("hipday:outbox", show);
  navigator.serviceWorker?.addEventListener("message", (event) => {
    if (event.data && event.data.type === "outbox") show();
  });
  document.getElementById("pending-list")?.addEventListener("click", act);
  document.addEventListener("htmx:afterSettle", () => {
    snapshot = readSnapshot() || snapshot;
    if (applied) show(); // a new month's days came in
  });
  window.addEventListener("online", flush);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") flush();
  });
  show().then(flush);
})();

// Hip checks waiting on the phone have their own small queue (hip-check/queue.js, whose KEY this
// reads): it is loaded only while one is kept, so every other page load goes without it.
(() => {
  const script = document.currentScript;
  if (!script || !script.src) return; // run as inline text (a test's page): no address to go from
  const queue = new URL("hip-check/queue.js", script.src);
  let waiting = false;
  try {
    waiting = (localStorage.getItem("hipday-hip-checks") || "[]") !== "[]";
  } catch {
    // Storage blocked: nothing can be waiting there.
  }
  if (waiting) import(queue.href).catch(() => {});
})();
