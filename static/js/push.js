// Reminders on this phone (Web Push).
//
// The server puts its push key and the devices' addresses on <body> (data-push-key,
// data-push-url, data-push-remove-url); without them this file does nothing. On every page,
// once notifications are allowed, the phone's subscription is kept in step with the server:
// sent again once a day so the server knows it is still in use, and made afresh when the
// server's key has changed.
// On Settings → Reminders, the "This phone" section (#this-phone) shows whether reminders are
// on here and turns them on or off. Permission is only ever asked for after a tap on
// "Turn on reminders on this phone".
(() => {
  "use strict";

  const body = document.body;
  const pushKey = body.dataset.pushKey || "";
  const devicesUrl = body.dataset.pushUrl || "";
  const removeUrl = body.dataset.pushRemoveUrl || "";
  if (!pushKey || !devicesUrl || !removeUrl) return;

  const DAY_MS = 24 * 60 * 60 * 1000;
  const WORKER_WAIT_MS = 10000;
  const SUBSCRIBE_WAIT_MS = 20000;
  const STORE = {
    sent: "hipday.push.sent", // {endpoint, key, at}: what the server last heard from this phone
    forget: "hipday.push.forget", // endpoints the server should drop when it can be reached
  };
  const TEXT = {
    unsupported: "This browser can't show reminders.",
    oldApple: "Reminders need iOS or iPadOS 16.4 or newer on this phone.",
    addToHomeScreen: "To get reminders on this phone, add Hipday to your Home Screen first.",
    denied:
      "Notifications are blocked for Hipday in this browser's settings. Allow them there, then come back.",
    notAllowed: "Reminders stay off: Hipday needs your permission to show notifications.",
    on: "Reminders are on for this phone.",
    off: "Reminders are off for this phone.",
    turningOn: "Turning on…",
    turningOff: "Turning off…",
    offline: "Couldn't reach Hipday. Try again when you have signal.",
    notReady: "Hipday isn't ready on this phone yet. Reload the page, then try again.",
    noPushService: "This browser couldn't sign up for reminders just now. Try again in a moment.",
    failed: "Something went wrong. Try again in a moment.",
  };

  let keyBytes;
  try {
    keyBytes = bytesFromBase64Url(pushKey);
  } catch (error) {
    return; // a broken key can't subscribe anything; the page stays as the server made it
  }

  // --- small helpers ----------------------------------------------------------------------------

  function bytesFromBase64Url(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "="));
    return Uint8Array.from(raw, (char) => char.charCodeAt(0));
  }

  function sameBytes(a, b) {
    return a.length === b.length && a.every((byte, index) => byte === b[index]);
  }

  function csrfToken() {
    try {
      return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function read(name) {
    try {
      return JSON.parse(window.localStorage.getItem(name) || "null");
    } catch (error) {
      return null; // storage blocked or garbled: as if nothing was kept
    }
  }

  function write(name, value) {
    try {
      if (value === null) window.localStorage.removeItem(name);
      else window.localStorage.setItem(name, JSON.stringify(value));
    } catch (error) {
      // Storage blocked: the phone sends its subscription more often, which does no harm.
    }
  }

  /** An error whose message can be shown as it is; `status` 0 means no answer at all. */
  function plainError(message, status = 0) {
    return Object.assign(new Error(message), { plain: true, status });
  }

  // static/js/with-timeout.js, loaded before this file.
  function withTimeout(promise, ms, message) {
    return self.hipdayWithTimeout(promise, ms, () => plainError(message));
  }

  const supported = () =>
    "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

  const isAppleMobile = () =>
    /iPad|iPhone|iPod/.test(navigator.userAgent) ||
    (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);

  // Safari on iPhone and iPad shows notifications only for apps added to the Home Screen.
  const needsHomeScreen = () => isAppleMobile() && navigator.standalone !== true;

  const changed = () => body.dispatchEvent(new CustomEvent("hipday:devices-changed"));

  // Subscribing needs the active worker, which may still be installing on a first visit (and
  // never comes in some private windows, hence the time limit).
  const worker = () =>
    withTimeout(navigator.serviceWorker.ready, WORKER_WAIT_MS, TEXT.notReady);

  /** This phone's subscription, or null. No worker registered means none, so no waiting here. */
  async function currentSubscription() {
    const registration = await navigator.serviceWorker.getRegistration();
    return registration ? registration.pushManager.getSubscription() : null;
  }

  // --- talking to the server --------------------------------------------------------------------

  async function post(url, payload) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(payload),
      });
    } catch (error) {
      throw plainError(TEXT.offline);
    }
    if (response.ok) return response;
    let message = "";
    try {
      message = (await response.json()).error || "";
    } catch (error) {
      // Not the JSON answer the server gives: fall back to the general words.
    }
    throw plainError(typeof message === "string" && message ? message : TEXT.failed, response.status);
  }

  /** Tell the server about `subscription`, made under the page's key; its note, if any (such
   * as which device this one replaced). */
  async function save(subscription) {
    const json = subscription.toJSON();
    const response = await post(devicesUrl, {
      endpoint: json.endpoint,
      expirationTime: json.expirationTime ?? null,
      keys: json.keys,
      key: pushKey,
    });
    write(STORE.sent, { endpoint: json.endpoint, key: pushKey, at: Date.now() });
    try {
      const note = (await response.json()).message;
      return typeof note === "string" ? note : "";
    } catch (error) {
      return "";
    }
  }

  /** Ask the server to drop `endpoint`: now if it can be reached, else on a later page. */
  async function forget(endpoint) {
    const waiting = new Set(read(STORE.forget) || []);
    if (endpoint) waiting.add(endpoint);
    if (!waiting.size) return;
    for (const each of waiting) {
      try {
        await post(removeUrl, { endpoint: each });
        waiting.delete(each);
      } catch (error) {
        // No signal or a server hiccup: a later page tries again. Any other answer means the
        // server won't take it, and asking again would not change that.
        if (!error.status || error.status >= 500) break;
        waiting.delete(each);
      }
    }
    write(STORE.forget, waiting.size ? [...waiting] : null);
  }

  /** Was `subscription` made under the page's key? Unknown counts as yes, to avoid churn. */
  function madeWithPageKey(subscription) {
    const used = subscription.options && subscription.options.applicationServerKey;
    if (used) return sameBytes(new Uint8Array(used), keyBytes);
    const sent = read(STORE.sent);
    if (sent && sent.endpoint === subscription.endpoint) return sent.key === pushKey;
    return true;
  }

  function subscribe(registration) {
    return withTimeout(
      registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes }),
      SUBSCRIBE_WAIT_MS,
      TEXT.noPushService,
    );
  }

  /** Drop a subscription made under an old key, here and on the server. */
  async function replaced(subscription) {
    const endpoint = subscription.endpoint;
    await subscription.unsubscribe();
    write(STORE.sent, null);
    // Forgotten before the new one is made, so a failure there leaves no stale device behind.
    await forget(endpoint);
  }

  // --- every page: keep the server in step ------------------------------------------------------

  async function keepInStep() {
    const sent = read(STORE.sent);
    const subscription =
      supported() && Notification.permission === "granted" ? await currentSubscription() : null;
    if (!subscription) {
      // Turned off, or notifications switched off in the browser (which drops the subscription).
      write(STORE.sent, null);
      await forget(sent ? sent.endpoint : null);
      return;
    }
    if (read(STORE.forget)) await forget(null);
    if (!madeWithPageKey(subscription)) {
      // The server has a new key: messages signed with it can't reach the old subscription.
      // Permission is already granted, so subscribing again asks nothing.
      await replaced(subscription);
      await save(await subscribe(await worker()));
      changed();
      return;
    }
    const age = sent && sent.endpoint === subscription.endpoint ? Date.now() - sent.at : -1;
    if (!(age >= 0 && age < DAY_MS)) await save(subscription);
  }

  // --- Settings → Reminders: this phone -------------------------------------------------------

  const section = document.getElementById("this-phone");
  const status = document.getElementById("push-status");
  const onButton = document.getElementById("push-on");
  const offButton = document.getElementById("push-off");
  const iosNote = document.getElementById("push-ios");

  function show(text, { on = false, off = false, ios = false } = {}) {
    if (status) status.textContent = text;
    if (onButton) {
      onButton.hidden = !on;
      onButton.disabled = false;
    }
    if (offButton) {
      offButton.hidden = !off;
      offButton.disabled = false;
    }
    if (iosNote) iosNote.hidden = !ios;
  }

  function working(text) {
    if (status) status.textContent = text;
    if (onButton) onButton.disabled = true;
    if (offButton) offButton.disabled = true;
  }

  /** Show where this phone stands; `note` replaces the usual words (after a failure). */
  async function render(note) {
    if (needsHomeScreen()) {
      show(TEXT.addToHomeScreen, { ios: true });
      return;
    }
    if (!supported()) {
      show(isAppleMobile() ? TEXT.oldApple : TEXT.unsupported);
      return;
    }
    if (Notification.permission === "denied") {
      show(TEXT.denied);
      return;
    }
    let subscription = null;
    if (Notification.permission === "granted") {
      try {
        subscription = await currentSubscription();
      } catch (error) {
        subscription = null;
      }
    }
    if (subscription) show(note || TEXT.on, { off: true });
    else show(note || TEXT.off, { on: true });
  }

  async function turnOn() {
    working(TEXT.turningOn);
    try {
      // The only place Hipday asks: right after the tap that asked for reminders.
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        await render(permission === "denied" ? undefined : TEXT.notAllowed);
        return;
      }
      const registration = await worker();
      let subscription = await registration.pushManager.getSubscription();
      if (subscription && !madeWithPageKey(subscription)) {
        await replaced(subscription);
        subscription = null;
      }
      const made = !subscription;
      if (!subscription) subscription = await subscribe(registration);
      let note = "";
      try {
        note = await save(subscription);
      } catch (error) {
        // The server doesn't have it, so the phone doesn't keep it either: on means on both.
        if (made) await subscription.unsubscribe().catch(() => {});
        throw error;
      }
      await render(note || undefined);
      changed();
      if (offButton) offButton.focus();
    } catch (error) {
      await render(error.plain ? error.message : TEXT.failed);
    }
  }

  async function turnOff() {
    working(TEXT.turningOff);
    try {
      const subscription = await currentSubscription();
      write(STORE.sent, null);
      if (subscription) {
        const endpoint = subscription.endpoint;
        // Unsubscribing in the browser is what stops reminders here, signal or not; the server
        // hears about it now or from a later page.
        await subscription.unsubscribe();
        await forget(endpoint);
      }
      await render();
      changed();
      if (onButton) onButton.focus();
    } catch (error) {
      await render(error.plain ? error.message : TEXT.failed);
    }
  }

  const settled = keepInStep()
    .catch(() => {
      // Offline, or the browser's push service is away: the next page tries again.
    })
    .then(() => {
      if (!section) return undefined;
      if (onButton) onButton.addEventListener("click", turnOn);
      if (offButton) offButton.addEventListener("click", turnOff);
      return render();
    });

  // For the browser tests: resolves once this page's push work has finished.
  window.hipdayPush = { settled: () => settled };
})();
