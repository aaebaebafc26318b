// Passkeys: add one on the account page, log in with one on the login page.
// The server sends WebAuthn options as JSON; the browser's own parse…FromJSON and toJSON
// turn them into credentials and back. Without them (older browsers) the buttons stay hidden.
(() => {
  "use strict";

  const credentialApi = window.PublicKeyCredential;
  const supported =
    Boolean(credentialApi) &&
    typeof credentialApi.parseCreationOptionsFromJSON === "function" &&
    typeof credentialApi.parseRequestOptionsFromJSON === "function" &&
    Boolean(navigator.credentials);

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {}),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || "Hipday couldn't be reached. Try again.");
    return data;
  }

  function say(status, text) {
    if (status) status.textContent = text;
  }

  function cancelled(error) {
    return error && (error.name === "NotAllowedError" || error.name === "AbortError");
  }

  async function addPasskey(section, status) {
    say(status, "Follow your device's prompt…");
    try {
      const options = await post(section.dataset.passkeyOptions);
      const publicKey = credentialApi.parseCreationOptionsFromJSON(options);
      const credential = await navigator.credentials.create({ publicKey });
      const done = await post(section.dataset.passkeyAdd, credential.toJSON());
      say(status, done.message);
      window.location.assign(done.redirect);
    } catch (error) {
      say(status, cancelled(error) ? "No passkey was added." : error.message);
    }
  }

  async function logIn(section, status) {
    say(status, "Follow your device's prompt…");
    try {
      const options = await post(section.dataset.passkeyOptions);
      const publicKey = credentialApi.parseRequestOptionsFromJSON(options);
      const credential = await navigator.credentials.get({ publicKey });
      const done = await post(section.dataset.passkeyLogin, credential.toJSON());
      say(status, done.message);
      window.location.assign(done.redirect);
    } catch (error) {
      say(status, cancelled(error) ? "Not logged in. Try again, or use your password." : error.message);
    }
  }

  function start() {
    const status = document.getElementById("passkey-status");
    const add = document.getElementById("passkey-add");
    const section = document.getElementById("passkeys");
    if (add && section) {
      if (supported) add.hidden = false;
      else say(status, "This browser can't make passkeys. Your password still works.");
      add.addEventListener("click", () => addPasskey(section, status));
    }
    const login = document.querySelector("[data-passkey-login]");
    const button = document.getElementById("passkey-login");
    if (login && button && supported) {
      login.hidden = false;
      button.addEventListener("click", () => logIn(login, status));
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
