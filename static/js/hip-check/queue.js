// Hip checks waiting to reach the server, kept in localStorage (a few hundred bytes each: only
// results, never sensor readings). Sent when the check ends, when a page opens while one is kept
// (pending.js loads this module only then) and when the phone comes back online. The server
// counts each client_id once, so sending one twice is harmless.

const KEY = "hipday-hip-checks";

/** The checks not yet sent: [{client_id, url, fields}]. */
export function pending() {
  try {
    const kept = JSON.parse(localStorage.getItem(KEY) || "[]");
    return Array.isArray(kept) ? kept : [];
  } catch {
    return [];
  }
}

function store(entries) {
  try {
    localStorage.setItem(KEY, JSON.stringify(entries));
  } catch {
    // Storage full or blocked: the check is still sent now if the network allows.
  }
}

/** Keep a finished check until the server has it. */
export function keep(entry) {
  store([...pending().filter((e) => e.client_id !== entry.client_id), entry]);
}

function forget(clientId) {
  store(pending().filter((e) => e.client_id !== clientId));
}

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

/** Send one check: "sent" (with the server's answer), "refused" (with its words) or "later". */
export async function send(entry) {
  let response;
  try {
    response = await fetch(entry.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "X-CSRFToken": csrfToken(),
        Accept: "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams(entry.fields).toString(),
    });
  } catch {
    return { outcome: "later" };
  }
  const answer = await response.json().catch(() => ({}));
  if (response.ok) {
    forget(entry.client_id);
    return { outcome: "sent", answer };
  }
  // Busy, or (400) a page kept from an older visit sent a stale CSRF token: the next page
  // opened with a fresh one sends it again.
  if ([400, 408, 429].includes(response.status) || response.status >= 500) {
    return { outcome: "later" };
  }
  forget(entry.client_id); // refused: resending the same values would be refused again
  return { outcome: "refused", answer };
}

let sending = null;

/** Send every kept check, one at a time. */
export function sendPending() {
  if (sending) return sending;
  sending = (async () => {
    for (const entry of pending()) {
      if ((await send(entry)).outcome === "later") break;
    }
  })().finally(() => {
    sending = null;
  });
  return sending;
}

if (typeof window !== "undefined" && !window.hipdayHipQueue) {
  window.hipdayHipQueue = true;
  window.addEventListener("online", () => sendPending());
  if (navigator.onLine && pending().length) sendPending();
}
