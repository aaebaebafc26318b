// The outbox: finished sessions kept on the phone (IndexedDB) until the server has them.
//
// A finish that can't reach the server is stored with its Idempotency-Key and sent again on
// `online`, when the page becomes visible, at app start, and by Background Sync where the
// browser has it (the service worker loads this same file). The server stores each key once,
// so a replay never counts a session twice. What happens to an entry depends on the answer:
//
// - 2xx: the server has it; the entry is removed.
// - No answer (the network failed while the phone says it is online), 408, 429 or a 5xx: a
//   failed try. The page tries again after 1 minute, then 2, 4, 8, 16, 32 and 60 (never longer
//   than an hour, never sooner than the server's Retry-After); app start, `online`, a visible
//   page and Background Sync try too. After MOST_TRIES (8) failed tries, about two hours of
//   trying, the entry stops trying by itself and the page says it wasn't sent, with
//   "Try again" and "Discard it": it never says "will sync" forever, and it is never dropped
//   without the user's tap. It keeps counting in the phone's streak meanwhile.
// - Any other 4xx: refused. The entry keeps the server's words and stops counting in the
//   phone's streak. When only the phone's clock was wrong (the server says `fix: server-time`),
//   `resendWithServerTime` moves the session back by the clock's error measured at the refusal
//   (never past the server's time then), keeps its length, and sends it again.
//
// Works in a page and in the service worker: no DOM here. It needs session-facts.js, loaded
// before it.
/* exported HipdayOutbox */
"use strict";

const HipdayOutbox = (() => {
  const DB_NAME = "hipday";
  const STORE = "outbox";
  const SYNC_TAG = "hipday-outbox";
  const MOST_TRIES = 8;
  const FIRST_WAIT_MS = 60 * 1000;
  const LONGEST_WAIT_MS = 60 * 60 * 1000;
  let queue = Promise.resolve();

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(STORE, { keyPath: "op_id" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(mode, work) {
    const db = await open();
    try {
      return await new Promise((resolve, reject) => {
        const transaction = db.transaction(STORE, mode);
        const result = work(transaction.objectStore(STORE));
        transaction.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
        transaction.onerror = () => reject(transaction.error);
        transaction.onabort = () => reject(transaction.error);
      });
    } finally {
      db.close();
    }
  }

  /** Keep a finished session: {op_id, url, fields, token, name, local_date, minutes}. */
  async function add(entry) {
    await run("readwrite", (store) => store.put({ ...entry, saved_at: new Date().toISOString() }));
    changed();
    requestSync();
  }

  async function all() {
    try {
      return (await run("readonly", (store) => store.getAll())) || [];
    } catch (error) {
      return []; // no IndexedDB (private mode on some browsers): nothing is pending
    }
  }

  async function remove(opId) {
    await run("readwrite", (store) => store.delete(opId));
    changed();
  }

  /** Change an entry in one transaction, if it is still there (another context may have sent it). */
  async function update(opId, change) {
    await run("readwrite", (store) => {
      const request = store.get(opId);
      request.onsuccess = () => {
        if (request.result) store.put(change(request.result));
      };
    });
    changed();
  }

  /** Whether an automatic try may send it: not refused, and not given up on. */
  function isSendable(entry) {
    return !entry.refused && (entry.tries || 0) < MOST_TRIES;
  }

  /** Failed MOST_TRIES times: it waits for the user's "Try again". */
  function isStuck(entry) {
    return !entry.refused && (entry.tries || 0) >= MOST_TRIES;
  }

  /** One job at a time, in this page or worker: no entry is ever sent twice at once from here. */
  function serially(job) {
    const done = queue.then(job, job);
    queue = done.catch(() => {});
    return done;
  }

  /** Send every sendable entry; resolves with how many reached the server. */
  function flush(freshToken) {
    return serially(() => sendAll(freshToken, isSendable));
  }

  async function sendAll(freshToken, chosen) {
    let sent = 0;
    for (const entry of await all()) {
      if (!chosen(entry)) continue;
      const outcome = await send(entry, freshToken);
      if (outcome === "sent") sent += 1;
      if (outcome === "offline" || outcome === "unreachable") break; // the rest would fail too
    }
    return sent;
  }

  async function send(entry, freshToken) {
    const fresh = (freshToken && freshToken()) || "";
    let response;
    try {
      response = await fetch(entry.url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Idempotency-Key": entry.op_id,
          "X-CSRFToken": fresh || entry.token,
          // The server answers the outbox in JSON: its own words when it refuses.
          Accept: "application/json",
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams(entry.fields).toString(),
      });
    } catch (error) {
      if (self.navigator && self.navigator.onLine === false) return "offline"; // not a try
      await failed(entry.op_id, "network", 0);
      return "unreachable";
    }
    if (response.ok) {
      await remove(entry.op_id);
      return "sent";
    }
    const status = response.status;
    if (status === 408 || status === 429 || status >= 500) {
      await failed(entry.op_id, "busy", retryAfter(response));
      return "failed";
    }
    // The worker sends with the token saved with the entry; if the session's token has changed
    // since, the page sends it with its own. That is not a refusal of the session.
    if (status === 400 && !fresh) return "later";
    await refused(entry.op_id, status, await response.json().catch(() => null));
    return "refused";
  }

  function retryAfter(response) {
    const seconds = Number(response.headers.get("Retry-After"));
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
  }

  function failed(opId, problem, atLeastMs) {
    return update(opId, (entry) => {
      const tries = (entry.tries || 0) + 1;
      const wait = Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** (tries - 1));
      const nextTry = tries >= MOST_TRIES ? null : Date.now() + Math.max(wait, atLeastMs);
      return { ...entry, tries, problem, next_try: nextTry };
    });
  }

  function refused(opId, status, answer) {
    const words = answer && typeof answer.error === "string" ? answer.error.trim() : "";
    return update(opId, (entry) => ({
      ...entry,
      tries: 0,
      next_try: null,
      refused: {
        status,
        message: words || `Hipday's server didn't accept this session (error ${status}).`,
        fix: answer && answer.fix === "server-time" ? "server-time" : null,
        server_now: (answer && typeof answer.server_now === "string" && answer.server_now) || null,
        phone_now: new Date().toISOString(),
      },
    }));
  }

  /**
   * Put the finish screen's feedback ({effort, pain, note}) into a session that still waits here,
   * so it syncs with it. Resolves true if the session was still waiting, false if it has gone.
   */
  function attachFeedback(opId, feedback) {
    return serially(async () => {
      let found = false;
      await run("readwrite", (store) => {
        const request = store.get(opId);
        request.onsuccess = () => {
          if (!request.result) return;
          found = true;
          store.put({ ...request.result, fields: { ...request.result.fields, ...feedback } });
        };
      });
      if (found) changed();
      return found;
    });
  }

  /** The earliest time an automatic try is due (ms since the epoch), or null. */
  async function nextTry() {
    const due = (await all()).filter((e) => isSendable(e) && e.next_try).map((e) => e.next_try);
    return due.length ? Math.min(...due) : null;
  }

  /** Send one entry now, whatever its tries so far ("Try again"). */
  function retry(opId, freshToken) {
    return serially(async () => {
      await update(opId, (entry) => ({ ...entry, tries: 0, next_try: null, problem: null }));
      return sendAll(freshToken, (entry) => entry.op_id === opId);
    });
  }

  /** Send a session the server refused for the phone's clock, moved to the server's time. */
  function resendWithServerTime(opId, freshToken) {
    return serially(async () => {
      const fixable = (entry) => entry.refused?.fix === "server-time";
      await update(opId, (entry) => (fixable(entry) ? movedToServerTime(entry) : entry));
      return sendAll(freshToken, (entry) => entry.op_id === opId && !entry.refused);
    });
  }

  /**
   * The entry with its times moved back by the phone's clock error (the phone's time minus the
   * server's when the server refused it), and never past the server's time then: the end the
   * session had on the server's clock. It keeps its length, and its date follows its new end.
   */
  function movedToServerTime(entry) {
    const fields = entry.fields;
    const serverNow = Date.parse(entry.refused.server_now);
    const ahead = Date.parse(entry.refused.phone_now) - serverNow;
    const ended = Date.parse(fields.ended_at);
    const length = Math.max(0, ended - Date.parse(fields.started_at)) || 0;
    const end = Math.min(Number.isFinite(ended - ahead) ? ended - ahead : serverNow, serverNow);
    const { refused: _, ...rest } = entry;
    return {
      ...rest,
      tries: 0,
      next_try: null,
      local_date: self.HipdaySessionFacts.localDate(end, fields.time_zone),
      fields: {
        ...fields,
        started_at: new Date(end - length).toISOString(),
        ended_at: new Date(end).toISOString(),
      },
    };
  }

  function requestSync() {
    const registration = self.registration || null;
    const ready = registration
      ? Promise.resolve(registration)
      : self.navigator?.serviceWorker?.ready;
    if (!ready) return;
    ready
      .then((reg) => reg.sync && reg.sync.register(SYNC_TAG))
      .catch(() => {
        // No Background Sync here: online, visibility and app start still flush.
      });
  }

  function changed() {
    if (typeof window !== "undefined") {
      window.dispatchEvent(new CustomEvent("hipday:outbox"));
    } else if (self.clients) {
      self.clients
        .matchAll({ type: "window" })
        .then((clients) => clients.forEach((client) => client.postMessage({ type: "outbox" })));
    }
  }

  return {
    MOST_TRIES,
    add,
    all,
    remove,
    flush,
    retry,
    resendWithServerTime,
    movedToServerTime,
    attachFeedback,
    nextTry,
    isSendable,
    isStuck,
  };
})();

self.HipdayOutbox = HipdayOutbox;
