// What tapping a reminder does, as a plain object the service worker acts on:
//   { kind: "open", url }              open (or focus) that page of Hipday
//   { kind: "post", url, body }        tell Hipday to snooze or skip the reminder
// The service worker loads this file with importScripts and passes the app's addresses (`urls`:
// home, reminderSettings, reminderAct, as the server made them); the browser tests load it in a
// page. A reminder's data arrives in a push message, so its URL is only ever used as a path on
// this site: anything that could lead elsewhere opens Today instead.
/* exported hipdayReminderAction */
"use strict";

(() => {
  // One slash, then no backslash, whitespace or control character: browsers read "//host",
  // "/\host" and "/<tab>/host" as another site.
  const SAFE_PATH = /^\/(?![/\\])[^\\\s\u0000-\u001f\u007f]*$/;

  function samePath(url) {
    if (typeof url !== "string" || !SAFE_PATH.test(url)) return false;
    try {
      // A second opinion from the URL parser itself, on a made-up origin.
      return new URL(url, "https://hipday.invalid").origin === "https://hipday.invalid";
    } catch (error) {
      return false;
    }
  }

  function open(url) {
    return { kind: "open", url };
  }

  self.hipdayReminderAction = function hipdayReminderAction(action, data, urls) {
    const details = data && typeof data === "object" ? data : {};
    if (action === "" || action === undefined || action === null || action === "start") {
      return open(samePath(details.url) ? details.url : urls.home);
    }
    if (action === "snooze" || action === "skip") {
      const token = details.token;
      // Without its token the server can't tell which reminder this was: show the settings.
      if (typeof token !== "string" || token === "") return open(urls.reminderSettings);
      return { kind: "post", url: urls.reminderAct, body: { token, action } };
    }
    return open(urls.home);
  };
})();
