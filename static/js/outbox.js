// The outbox: finished sessions kept on the phone (IndexedDB) until the server has them.
//
// A finish that can't reach the server is stored with its Idempotency-Key and sent again on
// `online`, when the page becomes visible, at app start, and by Background Sync where the
// browser has it (the service worker loads this same file). An entry is removed only after a
// 2xx answer; the server stores each key once, so a replay never counts a session twice.
// Works in a page and in the service worker: no DOM here.
/* exported HipdayOutbox */
"use strict";

const HipdayOutbox = (() => {
  const DB_NAME = "hipday";
  const STORE = "outbox";
  const SYNC_TAG = "hipday-outbox";
  let flushing = null;

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

  /** Send every entry; resolves with how many reached the server. One flush at a time. */
  function flush(freshToken) {
    if (!flushing) {
      flushing = sendAll(freshToken).finally(() => {
        flushing = null;
      });
    }
    return flushing;
  }

  async function sendAll(freshToken) {
    let sent = 0;
    for (const entry of await all()) {
      const token = (freshToken && freshToken()) || entry.token;
      let response;
      try {
        response = await fetch(entry.url, {
          method: "POST",
          credentials: "same-origin",
          headers: {
            "Idempotency-Key": entry.op_id,
            "X-CSRFToken": token,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
          },
          body: new URLSearchParams(entry.fields).toString(),
        });
      } catch (error) {
        break; // still offline: try again on the next occasion
      }
      if (response.ok) {
        await remove(entry.op_id);
        sent += 1;
      } else {
        await markFailed(entry, response.status);
      }
    }
    return sent;
  }

  async function markFailed(entry, status) {
    await run("readwrite", (store) => store.put({ ...entry, last_status: status }));
    changed();
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

  return { add, all, remove, flush };
})();

self.HipdayOutbox = HipdayOutbox;
