// Installing Hipday: an "Install Hipday" button where the browser offers installation, the
// Add to Home Screen steps on iPhone and iPad Safari (which has no install prompt), and, once
// Hipday runs installed, one request that the browser keep its offline data.
// Everything appears in #install-slot, on the pages that have one.
(() => {
  "use strict";

  const KEYS = {
    persistAsked: "hipday.install.persist-asked",
    stepsDismissed: "hipday.install.ios-steps-dismissed",
  };
  const state = { deferredPrompt: null };

  const remembered = (key) => {
    try {
      return window.localStorage.getItem(key) === "1";
    } catch (error) {
      return false; // storage blocked: behave as on a first visit
    }
  };
  const remember = (key) => {
    try {
      window.localStorage.setItem(key, "1");
    } catch (error) {
      // Storage blocked: the question may come again, which does no harm.
    }
  };

  const slot = () => document.getElementById("install-slot");

  const isInstalled = () =>
    window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;

  const isAppleMobile = () =>
    /iPad|iPhone|iPod/.test(navigator.userAgent) ||
    (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);

  // Installed apps get persistent storage more readily; ask once, so the saved sessions waiting
  // to be sent are not evicted under storage pressure.
  const askToKeepData = () => {
    if (remembered(KEYS.persistAsked) || !navigator.storage || !navigator.storage.persist) return;
    remember(KEYS.persistAsked);
    navigator.storage.persist().catch(() => {
      // The browser said no or could not decide; nothing to show for it.
    });
  };

  const clearSlot = () => {
    const place = slot();
    if (place) place.replaceChildren();
  };

  const install = () => {
    const offer = state.deferredPrompt;
    state.deferredPrompt = null;
    clearSlot();
    if (!offer) return;
    offer.prompt();
    Promise.resolve(offer.userChoice).catch(() => {
      // A dismissed or failed prompt: the browser offers again later with a new event.
    });
  };

  const showInstallButton = () => {
    const place = slot();
    if (!place) return;
    const button = document.createElement("button");
    button.type = "button";
    button.id = "install-button";
    button.className = "button secondary";
    button.textContent = "Install Hipday";
    button.addEventListener("click", install);
    place.replaceChildren(button);
  };

  const element = (tag, text, attributes = {}) => {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, value));
    return node;
  };

  const dismissSteps = () => {
    remember(KEYS.stepsDismissed);
    clearSlot();
    const main = document.getElementById("main");
    if (main) main.focus();
  };

  const showHomeScreenSteps = () => {
    const place = slot();
    if (!place) return;
    const steps = element("section", "", {
      class: "install-steps",
      "aria-labelledby": "install-steps-heading",
    });
    // A level below the section the slot sits in (Settings), or a section of its own (Today).
    const heading = place.closest("section") ? "h3" : "h2";
    steps.append(
      element(heading, "Add Hipday to your Home Screen", { id: "install-steps-heading" }),
      element("p", "Tap Share, then Add to Home Screen. Hipday then opens like an app."),
    );
    const list = element("ol");
    [
      "Tap the Share button (a square with an arrow pointing up) in the browser's toolbar.",
      "Scroll down the list and tap Add to Home Screen.",
      "Tap Add. Hipday's icon is now on your Home Screen.",
    ].forEach((text) => list.append(element("li", text)));
    const dismiss = element("button", "Hide these steps", {
      type: "button",
      class: "button quiet",
    });
    dismiss.addEventListener("click", dismissSteps);
    steps.append(list, dismiss);
    place.replaceChildren(steps);
  };

  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault(); // our button asks, at a moment the person chooses
    state.deferredPrompt = event;
    showInstallButton();
  });

  window.addEventListener("appinstalled", () => {
    state.deferredPrompt = null;
    clearSlot();
    askToKeepData();
  });

  if (isInstalled()) {
    askToKeepData();
  } else if (isAppleMobile() && !remembered(KEYS.stepsDismissed)) {
    showHomeScreenSteps();
  }
})();
