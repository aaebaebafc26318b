// Offline: the service worker and its updates. (Sessions waiting on the phone: pending.js.)
// The worker's address is the page's (data-worker-url on <body>); its scope is its folder, the
// site's root.

const body = document.body;
const updates = { accepted: false };

function sessionActive() {
  return Boolean(window.hipdayPlayer && window.hipdayPlayer.active());
}

// A page served from the phone's copy says so, with the time it was made.
function showSavedCopy() {
  if (body.dataset.savedCopy !== "1") return;
  const note = document.getElementById("saved-copy-note");
  const when = new Date(body.dataset.renderedAt || "");
  if (!Number.isNaN(when.getTime())) {
    const time = when.toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" });
    document.getElementById("saved-copy-time").textContent = `, as of ${time}`;
  }
  if (note) note.hidden = false;
}

function offerUpdate(worker) {
  const note = document.getElementById("update-note");
  const button = document.getElementById("update-button");
  if (!note || !button) return;
  note.hidden = false;
  button.onclick = () => {
    const text = document.getElementById("update-text");
    if (sessionActive()) {
      text.textContent = "Finish or end your session first; the update will wait.";
      return;
    }
    updates.accepted = true;
    button.disabled = true;
    text.textContent = "Updating…";
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

function refreshPagesAfterAnswers() {
  // New precautions answers change what routines and the player hold: the kept copies follow.
  if (document.querySelector("[data-refresh-pages]") && navigator.serviceWorker.controller) {
    navigator.serviceWorker.controller.postMessage({ type: "refresh-pages" });
  }
}

function register() {
  navigator.serviceWorker
    .register(body.dataset.workerUrl, { updateViaCache: "none" })
    .then(watch)
    .catch(() => {
      // No worker (an old browser, a private window): the app still works online.
    });
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // Only the page that accepted the update reloads, and never in the middle of a session.
    if (updates.accepted && !sessionActive()) window.location.reload();
  });
  navigator.serviceWorker.ready
    .then(precacheToday)
    .then(forgetPagesAfterLogout)
    .then(refreshPagesAfterAnswers)
    .catch(() => {});
}

showSavedCopy();
if ("serviceWorker" in navigator && body.dataset.workerUrl) register();
