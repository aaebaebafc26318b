// The end of a session: it is saved at once, then the finish screen celebrates and asks, if the
// user likes, how it felt.
//
// Saving sends the finish form's fields with the run's Idempotency-Key (its op_id), asking for
// JSON. With no answer, or a busy server, the session goes into the outbox (static/js/outbox.js)
// and syncs by itself; a refusal goes there too, so Today shows the server's words and what the
// user can do. The server stores each key once, so however often it is sent it counts once.
//
// Feedback follows the session, keyed by its op_id:
// - the session is on the server (this page saved it): feedback goes to its feedback endpoint;
// - it still waits in the outbox: the feedback joins its fields (HipdayOutbox.attachFeedback,
//   one IndexedDB transaction) and syncs with it; should the outbox send it meanwhile (the
//   service worker's Background Sync), the page sends the feedback again once the entry leaves;
// - the outbox has sent it already: the session is sent again with its key, which the server
//   answers with the stored session's address and does not count again; then the feedback.

const finishing = {
  els: {},
  name: "",
  opId: "",
  fields: null,
  token: "",
  publicId: "",
  saving: null,
  watching: null,
};

const MESSAGES = {
  offline: (day) =>
    `Saved on this phone. It will sync by itself when you're back online, and it counts on ${day}.`,
  busy: (day) =>
    `Hipday's server is busy right now. It will sync by itself when you next open Hipday, and it counts on ${day}.`,
  later: (day) => `Saved on this phone. It will sync by itself when you next open Hipday, and it counts on ${day}.`,
  refused: (words) =>
    `Hipday's server didn't take it: ${words} It's kept on this phone, and Today shows what you can do.`,
};

/** Find the finish screen and answer its feedback form. */
export function initFinish(name) {
  finishing.name = name;
  const ids = ["finish-screen", "done-heading", "done-status", "done-streak", "done-feedback",
    "done-feedback-status", "done-session-link", "finish-form"];
  for (const id of ids) finishing.els[id] = document.getElementById(id);
  finishing.els["done-feedback"]?.addEventListener("submit", submitFeedback);
}

/** The finish form's fields for `run`: what the server stores (and the outbox keeps). */
export function sessionFields(run, stepsTotal) {
  const form = finishing.els["finish-form"];
  const fields = form ? Object.fromEntries(new FormData(form).entries()) : {};
  Object.assign(fields, {
    op_id: run.opId,
    started_at: run.startedAt,
    ended_at: run.endedAt,
    steps_done: String(run.stepsDone),
    steps_total: String(stepsTotal),
    time_zone: timeZone(),
    effort: "",
    pain: "",
    note: "",
  });
  const token = fields.csrf_token || "";
  delete fields.csrf_token;
  return { fields, token };
}

/** Save a finished run: on the server, else on the phone. Resolves with what happened. */
export function saveSession(run, stepsTotal) {
  const { fields, token } = sessionFields(run, stepsTotal);
  Object.assign(finishing, { opId: run.opId, fields, token: csrfToken() || token, publicId: "" });
  finishing.saving = send();
  return finishing.saving;
}

async function send() {
  let response;
  try {
    response = await post(sessionsUrl(), finishing.fields, { "Idempotency-Key": finishing.opId });
  } catch {
    return keep("offline");
  }
  const answer = await response.json().catch(() => null);
  if (response.ok) {
    finishing.publicId = (answer && answer.public_id) || "";
    return { where: "server" };
  }
  const status = response.status;
  if (status === 408 || status === 429 || status >= 500) return keep("busy");
  // A 400 is the form's token, not the session: Today sends it again with its own.
  if (status === 400) return keep("later");
  const words = (answer && typeof answer.error === "string" && answer.error.trim()) || "";
  const kept = await keep("refused", words || `error ${status}.`);
  // The outbox sends it once more and keeps the refusal in its own words, with the fix it offers.
  window.HipdayOutbox?.flush(csrfToken).catch(() => {});
  return kept;
}

async function keep(why, words = "") {
  const outbox = window.HipdayOutbox;
  const fields = finishing.fields;
  try {
    await outbox.add({
      op_id: finishing.opId,
      url: sessionsUrl(),
      fields,
      token: finishing.token,
      name: finishing.name,
      local_date: sessionDay(fields),
      minutes: self.HipdaySessionFacts.minutes(fields),
    });
  } catch {
    return { where: "nowhere", why }; // no IndexedDB here: the screen offers to try again
  }
  return { where: "phone", why, words };
}

function post(url, fields, headers = {}) {
  return fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "X-CSRFToken": csrfToken() || finishing.token,
      Accept: "application/json",
      "Content-Type": "application/x-www-form-urlencoded",
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
  });
}

function sessionsUrl() {
  return finishing.els["finish-form"].getAttribute("action"); // url_for, in the template
}

/** Show the finish screen for `run` while it saves; `saved` says how the saving went. */
export async function showFinishScreen(run, stepsTotal, saved) {
  const { els } = finishing;
  els["finish-screen"].hidden = false;
  els["done-heading"].focus();
  setStatus("Saving your session…");
  showStreak(false);
  const outcome = await saved;
  const day = new Date(run.endedAt).toLocaleDateString([], { weekday: "long", day: "numeric", month: "long" });
  if (outcome.where === "server") {
    const minutes = self.HipdaySessionFacts.minutes(finishing.fields);
    setStatus(`Saved: ${finishing.name} · ${minutes} min · ${run.stepsDone} of ${stepsTotal} steps.`);
    linkSession();
  } else if (outcome.where === "phone") {
    setStatus(outcome.why === "refused" ? MESSAGES.refused(outcome.words) : MESSAGES[outcome.why](day));
  } else {
    setStatus("It couldn't be saved on this phone. Try again when you're back online.");
    offerRetry(run, stepsTotal);
  }
  const counts = outcome.where !== "nowhere" && outcome.why !== "refused" && run.stepsDone > 0;
  showStreak(counts && sessionDay(finishing.fields) === els["finish-screen"].dataset.today);
}

function setStatus(text) {
  finishing.els["done-status"].textContent = text;
}

function showStreak(shown) {
  const streak = finishing.els["done-streak"];
  if (streak) streak.hidden = !shown;
}

function offerRetry(run, stepsTotal) {
  const status = finishing.els["done-status"];
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button secondary";
  button.textContent = "Try again";
  button.addEventListener("click", () => {
    button.remove();
    showFinishScreen(run, stepsTotal, saveSession(run, stepsTotal));
  });
  status.after(button);
}

function linkSession() {
  const link = finishing.els["done-session-link"];
  const form = finishing.els["done-feedback"];
  if (!link || !form || !finishing.publicId) return;
  link.href = form.dataset.sessionUrl.replace("PUBLIC_ID", finishing.publicId);
  link.textContent = "Open this session";
}

async function submitFeedback(event) {
  event.preventDefault();
  const form = event.target;
  const data = new FormData(form);
  const feedback = {
    effort: String(data.get("effort") || ""),
    pain: String(data.get("pain") || ""),
    note: String(data.get("note") || ""),
  };
  sayFeedback("Saving…");
  await finishing.saving;
  if (finishing.publicId) return postFeedback(feedback);
  const outbox = window.HipdayOutbox;
  if (outbox && (await outbox.attachFeedback(finishing.opId, feedback).catch(() => false))) {
    sayFeedback("Kept with your session on this phone: it syncs with it.");
    followOutbox(feedback);
    return;
  }
  await fetchAddress();
  if (finishing.publicId) return postFeedback(feedback);
  sayFeedback("No signal right now, so your feedback didn't go through. Try again in a moment.", true);
}

// The session has left the outbox (synced): make sure its feedback reached the server too.
function followOutbox(feedback) {
  const outbox = window.HipdayOutbox;
  const check = async () => {
    if (finishing.watching !== check) return;
    const waiting = (await outbox.all()).some((entry) => entry.op_id === finishing.opId);
    if (waiting || finishing.watching !== check) return;
    finishing.watching = null;
    await fetchAddress();
    if (finishing.publicId) postFeedback(feedback);
  };
  finishing.watching = check;
  window.addEventListener("hipday:outbox", check);
  // Background Sync sends from the service worker, which tells the page by a message.
  navigator.serviceWorker?.addEventListener("message", (event) => {
    if (event.data && event.data.type === "outbox") check();
  });
}

// The server's address of the session: sent again under its key, it is stored once and answered.
async function fetchAddress() {
  try {
    const response = await post(sessionsUrl(), finishing.fields, { "Idempotency-Key": finishing.opId });
    const answer = await response.json().catch(() => null);
    if (response.ok && answer && answer.public_id) finishing.publicId = answer.public_id;
  } catch {
    // No signal: the caller says so.
  }
  linkSession();
}

async function postFeedback(feedback) {
  const form = finishing.els["done-feedback"];
  const url = form.dataset.feedbackUrl.replace("PUBLIC_ID", finishing.publicId);
  let response;
  try {
    response = await post(url, feedback);
  } catch {
    sayFeedback("No signal right now, so your feedback didn't go through. Try again in a moment.", true);
    return;
  }
  if (response.ok) {
    sayFeedback("Feedback saved.");
    return;
  }
  const answer = await response.json().catch(() => null);
  const words = answer && typeof answer.error === "string" ? answer.error : "";
  sayFeedback(words || `Hipday's server didn't take it (error ${response.status}). Try again.`, true);
}

function sayFeedback(text, problem = false) {
  const status = finishing.els["done-feedback-status"];
  if (!status) return;
  status.textContent = text;
  status.classList.toggle("error", problem);
}

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

function timeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return "";
  }
}

// The day the session counts on, as the server will say (static/js/session-facts.js).
function sessionDay(fields) {
  return self.HipdaySessionFacts.localDate(Date.parse(fields.ended_at), fields.time_zone);
}
