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
