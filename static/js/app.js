// Hipday on every page: focus follows content htmx swaps in, and the days follow the phone's
// time zone from the first visit on.

// After an htmx swap, keyboard and screen reader focus moves to the first element the new
// content marks with data-autofocus (the new month's heading, the first of the older sessions),
// instead of falling back to <body> when the control that was activated is replaced.
(() => {
  "use strict";

  const settle = () => {
    const target = document.querySelector("[data-autofocus]");
    document.querySelectorAll("[data-autofocus]").forEach((element) => {
      element.removeAttribute("data-autofocus");
    });
    return target;
  };
  settle(); // what the page loaded with stays where it is
  document.addEventListener("htmx:afterSettle", () => {
    const target = settle();
    if (target) target.focus({ preventScroll: false });
  });
})();

// A change made through htmx that didn't go through says so, instead of doing nothing: the server
// busy (a 5xx, such as the 503 of a database that is briefly away) or no signal. Nothing changed;
// the user can try again. The note goes away with the next request that succeeds.
(() => {
  "use strict";

  const note = document.getElementById("request-failed-note");
  if (!note) return;
  const say = (text) => {
    note.textContent = text;
    note.hidden = false;
  };
  // A finished session that can't be sent goes into the outbox, and the player says so in its
  // own card ("Saved on this phone"): this note would contradict it.
  const keptOnPhone = (event) =>
    Boolean(window.HipdayOutbox && event.detail.elt?.closest?.("#finish-form, [data-outbox]"));
  document.addEventListener("htmx:responseError", (event) => {
    if (keptOnPhone(event)) return;
    if (event.detail.xhr && event.detail.xhr.status >= 500) {
      say("Hipday's server is busy for a moment, so that didn't go through. Try again in a few seconds.");
    }
  });
  document.addEventListener("htmx:sendError", (event) => {
    if (keptOnPhone(event)) return;
    say("No signal, so that didn't go through. Try again when you're back online.");
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) note.hidden = true;
  });
})();

// The server renders the account's zone on <body>. When it differs from the phone's and the
// account follows the phone, the page tells the server; a page showing "today" reloads once
// when the phone's date is not the date it was rendered for.
(() => {
  "use strict";

  const body = document.body;
  if (body.dataset.timeZoneAuto !== "1" || !body.dataset.timeZoneUrl) return;

  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  if (!zone || zone === body.dataset.timeZone) return;

  const pad = (n) => String(n).padStart(2, "0");
  const now = new Date();
  const phoneToday = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  let token = "";
  try {
    token = JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch (error) {
    return;
  }

  fetch(body.dataset.timeZoneUrl, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": token },
    body: new URLSearchParams({ time_zone: zone }),
  })
    .then((response) => {
      if (response.ok && body.dataset.today && body.dataset.today !== phoneToday) {
        window.location.reload();
      }
    })
    .catch(() => {
      // Offline or the server is away: the next visit tries again.
    });
})();

// Offline: the service worker and its updates. (Sessions waiting on the phone: pending.js.)
(() => {
  "use strict";

  const body = document.body;
  const sessionActive = () => Boolean(window.hipdayPlayer && window.hipdayPlayer.active());

  // A page served from the phone's copy says so, with the time it was made.
  if (body.dataset.savedCopy === "1") {
    const note = document.getElementById("saved-copy-note");
    const when = new Date(body.dataset.renderedAt || "");
    if (!Number.isNaN(when.getTime())) {
      const time = when.toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" });
      document.getElementById("saved-copy-time").textContent = `, as of ${time}`;
    }
    if (note) note.hidden = false;
  }

  let acceptedUpdate = false;

  function offerUpdate(worker) {
    const note = document.getElementById("update-note");
    const button = document.getElementById("update-button");
    if (!note || !button) return;
    note.hidden = false;
    button.onclick = () => {
      if (sessionActive()) {
        document.getElementById("update-text").textContent =
          "Finish or end your session first; the update will wait.";
        return;
      }
      acceptedUpdate = true;
      button.disabled = true;
      document.getElementById("update-text").textContent = "Updating…";
      worker.postMessage({ type: "skip-waiting" });
    };
  }

  function watch(registration) {
    if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
    registration.addEventListener("updatefound", () => {
      const worker = registration.installing;
      if (!worker) return;
      worker.addEventListener("statechange", () => {
        if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
      });
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") registration.update().catch(() => {});
    });
  }

  function precacheToday() {
    const urls = [...document.querySelectorAll("[data-precache]")].map((a) => a.getAttribute("href"));
    if (urls.length && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "precache", urls });
    }
  }

  function forgetPagesAfterLogout() {
    // The pages kept for offline use were the account's: a device logged out of it, or whose
    // account was deleted, drops them.
    const gone = document.querySelector("[data-signed-out], [data-forget-pages]");
    if (gone && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "forget-pages" });
    }
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker
      .register("/service-worker.js", { scope: "/", updateViaCache: "none" })
      .then(watch)
      .catch(() => {
        // No worker (an old browser, a private window): the app still works online.
      });
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      // Only the page that accepted the update reloads, and never in the middle of a session.
      if (acceptedUpdate && !sessionActive()) window.location.reload();
    });
    navigator.serviceWorker.ready.then(precacheToday).then(forgetPagesAfterLogout).catch(() => {});
  }
})();
