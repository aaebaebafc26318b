// A change made through htmx that didn't go through says so, instead of doing nothing: the server
// busy (a 5xx, such as the 503 of a database that is briefly away) or no signal. Nothing changed;
// the user can try again. The note goes away with the next request that succeeds.

const note = document.getElementById("request-failed-note");

function say(text) {
  note.textContent = text;
  note.hidden = false;
}

// A finished session that can't be sent goes into the outbox, and the player says so in its
// own card ("Saved on this phone"): this note would contradict it.
function keptOnPhone(event) {
  return Boolean(window.HipdayOutbox && event.detail.elt?.closest?.("#finish-form, [data-outbox]"));
}

if (note) {
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
}
