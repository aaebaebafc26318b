// Hipday's service worker: the app opens, plays its cached sessions and keeps finished ones
// with no signal.
//
// - Navigations: network first (about 3 s), then the last copy of the page, then /offline.
// - Static files: from this version's precache (the version is a hash of every static file, so
//   a precached file can't be stale); anything else static is stale-while-revalidate. The
//   figures' generated stylesheet (/figures.css?v=<its hash>) is precached too, by its address.
//   Only `ok` responses are ever cached.
// - htmx fragment requests are never answered from the cache (a full page must not land in a
//   fragment's place); they go to the network and fail visibly when offline.
// - POSTs always go to the network; the page keeps a finished session in its outbox
//   (static/js/outbox.js) when the network fails, and this worker replays the outbox on
//   Background Sync where the browser has it.
// - A new version waits until the user accepts the update (message "skip-waiting").
// - Push: every push message shows a reminder (a generic one when its payload is missing or
//   broken, since a push must always show something). Tapping it opens or focuses a page of
//   Hipday, or tells the server to snooze or skip it (static/js/reminder-actions.js decides
//   which); when that can't reach the server, a small notification says so.
//
// The server fills in VERSION (a hash of the app's files), the precache lists and URLS, the
// app's addresses the worker needs (made by url_for when the worker is served).
"use strict";

const VERSION = "__HIPDAY_VERSION__";
const STATIC_FILES = __HIPDAY_STATIC__;
const PAGES = __HIPDAY_PAGES__;
const URLS = __HIPDAY_URLS__;
const OFFLINE_PAGE = URLS.offline;
const STATIC_CACHE = `hipday-static-${VERSION}`;
const PAGE_CACHE = `hipday-pages-${VERSION}`;
const NETWORK_TIMEOUT_MS = 3000;
const SYNC_TAG = "hipday-outbox";

const REMINDER_ICON = URLS.icon;
const GENERIC_REMINDER = { title: "Hipday", body: "Time for your hips.", tag: "hipday" };
const REMINDER_ACTIONS = new Set(["start", "snooze", "skip"]);
const REMINDER_KINDS = new Set(["session", "desk", "test"]);

importScripts(...URLS.scripts); // session-facts.js, outbox.js, reminder-actions.js, with-timeout.js

self.addEventListener("install", (event) => {
  event.waitUntil(
    Promise.all([
      caches.open(STATIC_CACHE).then((cache) => cache.addAll(STATIC_FILES)),
      caches.open(PAGE_CACHE).then((cache) => precachePages(cache, PAGES)),
    ]),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("hipday-") && ![STATIC_CACHE, PAGE_CACHE].includes(name))
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "skip-waiting") {
    self.skipWaiting();
  } else if (message.type === "precache" && Array.isArray(message.urls)) {
    // Today asks for today's planned session, so it plays with no signal too.
    event.waitUntil(caches.open(PAGE_CACHE).then((cache) => precachePages(cache, message.urls)));
  } else if (message.type === "forget-pages") {
    // After a logout: drop the account's pages, keep the shell (fetched afresh as the new visitor).
    event.waitUntil(
      caches
        .delete(PAGE_CACHE)
        .then(() => caches.open(PAGE_CACHE))
        .then((cache) => precachePages(cache, [OFFLINE_PAGE])),
    );
  } else if (message.type === "refresh-pages") {
    // New precautions answers: every kept page is fetched again (one that can't be is dropped),
    // so no cached routine or player keeps a move the answers now leave out.
    event.waitUntil(refreshPages());
  } else if (message.type === "version" && event.ports[0]) {
    event.ports[0].postMessage({ version: VERSION });
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(syncOutbox());
});

async function syncOutbox() {
  await HipdayOutbox.flush();
  // A session whose try failed waits for another: failing this sync makes the browser fire it
  // again later with its own backoff (Chromium: after 5, then 15 minutes).
  if (await HipdayOutbox.nextTry()) throw new Error("Sessions are waiting to be tried again.");
}

self.addEventListener("push", (event) => {
  event.waitUntil(showReminder(reminderFrom(event.data)));
});

self.addEventListener("notificationclick", (event) => {
  const notification = event.notification;
  notification.close();
  const step = self.hipdayReminderAction(event.action || "", notification.data || {}, URLS);
  event.waitUntil(step.kind === "post" ? actOnReminder(step) : openPage(step.url));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // POSTs go to the network as they are
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.headers.get("HX-Request")) return; // fragments: network only, never a cached page
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else if (url.pathname.startsWith(URLS.staticRoot) || url.pathname === URLS.manifest) {
    event.respondWith(staleWhileRevalidate(event, request));
  } else if (url.pathname === URLS.figures) {
    event.respondWith(versioned(request));
  }
});

async function refreshPages() {
  const cache = await caches.open(PAGE_CACHE);
  const offline = new URL(OFFLINE_PAGE, self.location.href).href;
  const kept = (await cache.keys()).filter((request) => request.url !== offline);
  await Promise.all(
    kept.map(async (request) => {
      try {
        const response = await fetch(request.url, { credentials: "same-origin" });
        await (response.ok ? cache.put(request, response) : cache.delete(request));
      } catch (error) {
        await cache.delete(request); // no signal: better no copy than one with a left-out move
      }
    }),
  );
}

async function precachePages(cache, urls) {
  // One page failing (a plan day gone, a blip) must not fail the install.
  await Promise.all(
    urls.map(async (url) => {
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        if (response.ok) await cache.put(url, response);
      } catch (error) {
        // offline right now: the page is cached on its next visit
      }
    }),
  );
}

async function navigate(event) {
  const request = event.request;
  const cache = await caches.open(PAGE_CACHE);
  try {
    const timedOut = () => new Error("network timeout");
    const response = await self.hipdayWithTimeout(fetch(request), NETWORK_TIMEOUT_MS, timedOut);
    if (response.ok && !response.redirected && isHtml(response)) {
      event.waitUntil(cache.put(pageKey(request.url), response.clone()));
    }
    return response;
  } catch (error) {
    const copy = await cache.match(pageKey(request.url));
    if (copy) return markedAsCopy(copy);
    return (await cache.match(OFFLINE_PAGE)) || Response.error();
  }
}

const PRECACHED = new Set(STATIC_FILES);

async function staleWhileRevalidate(event, request) {
  const cache = await caches.open(STATIC_CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached && PRECACHED.has(new URL(request.url).pathname)) return cached;
  const refresh = fetch(request)
    .then((response) => {
      if (response.ok) return cache.put(request, response.clone()).then(() => response);
      return response;
    })
    .catch(() => cached || Response.error());
  if (cached) {
    event.waitUntil(refresh.then(() => undefined));
    return cached;
  }
  return refresh;
}

// The figures' stylesheet is generated; its ?v= is a hash of its content, so the copy cached
// under that exact address is never stale (another version is another address).
async function versioned(request) {
  const cache = await caches.open(STATIC_CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

function isHtml(response) {
  return (response.headers.get("Content-Type") || "").startsWith("text/html");
}

function pageKey(url) {
  // The player's ?source=shortcut and the like don't change the page.
  const key = new URL(url);
  key.hash = "";
  key.searchParams.delete("source");
  return key.href;
}

async function markedAsCopy(response) {
  // The page says it is a saved copy, so it can show "as of <time>" and not pretend to be live.
  const html = (await response.text()).replace("<body ", '<body data-saved-copy="1" ');
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  headers.delete("Content-Encoding");
  return new Response(html, { status: 200, headers });
}

// --- reminders ----------------------------------------------------------------------------------

/** The notification a push message asks for; the generic reminder when it can't be read. */
function reminderFrom(data) {
  let payload = null;
  try {
    payload = data ? data.json() : null;
  } catch (error) {
    payload = null; // not JSON: still remind, with the generic words
  }
  if (!payload || typeof payload !== "object" || !nonEmpty(payload.title)) {
    return { ...GENERIC_REMINDER, data: { url: URLS.home, token: null, kind: "session" }, actions: [] };
  }
  let actions = Array.isArray(payload.actions)
    ? payload.actions
        .filter((a) => a && REMINDER_ACTIONS.has(a.action) && nonEmpty(a.title))
        .map((a) => ({ action: a.action, title: a.title }))
    : [];
  // Some browsers show fewer buttons (Chromium: 2). Tapping the notification itself opens the
  // session, so Start is the one to leave out and Snooze and Skip stay reachable.
  const most = (self.Notification && Notification.maxActions) || actions.length;
  if (actions.length > most) actions = actions.filter((a) => a.action !== "start").slice(0, most);
  return {
    title: payload.title,
    body: typeof payload.body === "string" ? payload.body : "",
    // A later reminder with the same tag replaces the earlier one instead of piling up.
    tag: nonEmpty(payload.tag) ? payload.tag : GENERIC_REMINDER.tag,
    data: {
      url: typeof payload.url === "string" ? payload.url : URLS.home,
      token: nonEmpty(payload.token) ? payload.token : null,
      kind: REMINDER_KINDS.has(payload.kind) ? payload.kind : "session",
    },
    actions,
  };
}

function nonEmpty(value) {
  return typeof value === "string" && value !== "";
}

function showReminder(reminder) {
  return self.registration.showNotification(reminder.title, {
    body: reminder.body,
    tag: reminder.tag,
    renotify: true, // a replaced reminder still buzzes: it is a new moment to move
    icon: REMINDER_ICON,
    data: reminder.data,
    actions: reminder.actions,
    timestamp: Date.now(),
  });
}

/** Focus a window already showing `url`; otherwise open a new one. */
async function openPage(url) {
  const target = new URL(url, self.location.origin);
  target.hash = "";
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  // Only a window already at this page is reused: any other may be in the middle of a session,
  // and navigating it would end that session.
  const same = windows.find((client) => {
    const at = new URL(client.url);
    at.hash = "";
    return at.href === target.href;
  });
  if (same) {
    try {
      await same.focus();
      return;
    } catch (error) {
      // The browser would not focus it: open the page instead.
    }
  }
  await self.clients.openWindow(target.href);
}

/** Snooze or skip on the server; if that fails, say so rather than fail silently. */
async function actOnReminder(step) {
  const what = step.body.action === "skip" ? "skipped" : "snoozed";
  let problem = `Couldn't reach Hipday, so the reminder wasn't ${what}.`;
  try {
    const response = await fetch(step.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(step.body),
    });
    if (response.ok) return;
    // The server's own words when it gives them ("That reminder … has expired."): reaching it
    // and being told no is not the same as no signal.
    const answer = await response.json().catch(() => ({}));
    if (answer && nonEmpty(answer.error)) problem = answer.error;
  } catch (error) {
    // No signal: the words above say so.
  }
  await self.registration.showNotification("Hipday", {
    body: problem,
    tag: "hipday-action",
    icon: REMINDER_ICON,
    data: { url: URLS.home, token: null, kind: "session" },
    timestamp: Date.now(),
  });
}
