// What the server will say of a finished session, worked out on the phone for when it can't be
// asked: its length in whole minutes and the day it counts on. The server's rules, kept in one
// place here: routines/session.py `session_minutes` (Python's round, halves to even) and the
// date of its end in its time zone. tests/e2e/test_phone_session_facts.py pins them together.
// A classic script: the pages load it before outbox.js and pending.js, the service worker with
// importScripts.
/* exported HipdaySessionFacts */
"use strict";

const HipdaySessionFacts = (() => {
  /** x rounded to a whole number, a half to the even one (as Python's round). */
  function roundHalfEven(x) {
    const rounded = Math.round(x);
    return rounded - x === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
  }

  /** The session's whole minutes from its form fields: at least 1 once a step is done, else 0. */
  function minutes(fields) {
    if (Number(fields.steps_done) === 0) return 0;
    const seconds = (Date.parse(fields.ended_at) - Date.parse(fields.started_at)) / 1000;
    return Number.isFinite(seconds) ? Math.max(1, roundHalfEven(seconds / 60)) : 1;
  }

  /** The date (YYYY-MM-DD) of `ms` in the IANA zone `zone` (the phone's own if unknown). */
  function localDate(ms, zone) {
    const moment = new Date(ms);
    try {
      const parts = new Intl.DateTimeFormat("en-CA", {
        timeZone: zone || undefined,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
      }).formatToParts(moment);
      const part = (type) => parts.find((p) => p.type === type).value;
      return `${part("year")}-${part("month")}-${part("day")}`;
    } catch (error) {
      const pad = (n) => String(n).padStart(2, "0");
      return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
    }
  }

  return { minutes, localDate };
})();

self.HipdaySessionFacts = HipdaySessionFacts;
