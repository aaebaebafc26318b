// A routine's run as the player saves it in localStorage at every step, read back: by the player
// to resume after a reload (player/saved-run.js writes it), and here, on Today, to offer
// "Resume" on the card of a routine left in the middle less than 6 hours ago. One file for both
// keeps Today's first visit to one small script.

const STORE_PREFIX = "hipday:player:";
// The server refuses sessions longer than 6 hours, so an older run can't be resumed.
export const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

export function runKey(slug) {
  return STORE_PREFIX + slug;
}

/** The run saved for `slug`, if it is readable; whether it can still be used is the caller's. */
export function readRun(slug) {
  let run;
  try {
    run = JSON.parse(localStorage.getItem(runKey(slug)) || "null");
  } catch {
    return null;
  }
  if (!run || typeof run !== "object" || typeof run.opId !== "string") return null;
  if (!Number.isInteger(run.index) || run.index < 0) return null;
  return Number.isNaN(Date.parse(run.startedAt)) ? null : run;
}

/** Whether `run` was left in the middle less than 6 hours ago. */
export function resumable(run, now = Date.now()) {
  return Boolean(run) && run.finished !== true && now - Date.parse(run.startedAt) < STALE_AFTER_MS;
}

// A player's address as the server makes it, with ROUTINE for the slug (data-player-url on <body>).
function slugOf(link) {
  const [before, after = ""] = (document.body.dataset.playerUrl || "").split("ROUTINE");
  const path = new URL(link.href, window.location.href).pathname;
  if (!before || !path.startsWith(before) || !path.endsWith(after)) return null;
  const slug = path.slice(before.length, path.length - after.length);
  return /^[\w-]+$/.test(slug) ? slug : null;
}

function offerResume(link) {
  const slug = slugOf(link);
  if (!slug || !resumable(readRun(slug))) return;
  link.classList.add("is-resumable");
  if (link.classList.contains("quick-start")) {
    const badge = document.createElement("span");
    badge.className = "badge resume";
    badge.textContent = "Resume";
    link.querySelector(".quick-name")?.after(badge);
  } else if (link.firstChild) {
    link.firstChild.textContent = "Resume"; // "Start<span> Desk reset</span>" -> "Resume Desk reset"
  }
}

// The player imports the functions above; a page listing routines gets its Resume badges.
if (!document.getElementById("session-data")) {
  document.querySelectorAll("main a[href]").forEach(offerResume);
}
