// The server renders the account's zone on <body>. When it differs from the phone's and the
// account follows the phone, the page tells the server; a page showing "today" reloads once
// when the phone's date is not the date it was rendered for.

const body = document.body;

function phoneZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return "";
  }
}

function phoneToday() {
  const pad = (n) => String(n).padStart(2, "0");
  const now = new Date();
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function csrfToken() {
  try {
    return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return null;
  }
}

function tellServer(zone, token) {
  const today = phoneToday();
  fetch(body.dataset.timeZoneUrl, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": token },
    body: new URLSearchParams({ time_zone: zone }),
  })
    .then((response) => {
      if (response.ok && body.dataset.today && body.dataset.today !== today) window.location.reload();
    })
    .catch(() => {
      // Offline or the server is away: the next visit tries again.
    });
}

if (body.dataset.timeZoneAuto === "1" && body.dataset.timeZoneUrl) {
  const zone = phoneZone();
  const token = csrfToken();
  if (zone && zone !== body.dataset.timeZone && token !== null) tellServer(zone, token);
}
