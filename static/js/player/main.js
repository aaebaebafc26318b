// Hipday's guided session player, started on the player page: it runs the step timeline embedded
// in #session-data. Without JavaScript the page still shows every step and a plain finish form.
//
// The player's modules, one job each: timeline.js (the steps as data), run.js (the run and its
// clock), view.js (what the page shows), cues.js (beeps, buzzes, the voice's words, the screen
// kept on), voice.js (speech), finish.js (saving the session and the finish screen), saved-run.js
// (the run kept on the phone). This one reads the page's data and wires the controls.

import * as cues from "./cues.js";
import { initFinish } from "./finish.js";
import * as run from "./run.js";
import * as view from "./view.js";

const FORM_TAGS = new Set(["INPUT", "TEXTAREA", "SELECT"]);
const OWN_KEYS = new Set(["BUTTON", "A", "SUMMARY", ...FORM_TAGS]);

function init() {
  const data = readSessionData();
  if (!data || !Array.isArray(data.steps) || data.steps.length === 0) return;
  // sw-register.js asks this before it reloads the page for an update.
  window.hipdayPlayer = { active: run.isActive };
  const els = view.initView();
  initFinish(data.name);
  const toggles = { sound: els.optSound, voice: els.optVoice, vibrate: els.optVibrate };
  cues.loadCues(toggles);
  bindControls(els, toggles);
  run.openSession(data.routine, data.steps);
}

function readSessionData() {
  const node = document.getElementById("session-data");
  try {
    return node ? JSON.parse(node.textContent) : null;
  } catch {
    return null;
  }
}

function bindControls(els, toggles) {
  els.btnStart.addEventListener("click", () => run.beginRun(false));
  els.btnPause.addEventListener("click", run.togglePause);
  els.btnSkip.addEventListener("click", run.advance);
  els.btnBack.addEventListener("click", run.goBack);
  els.btnEnd.addEventListener("click", run.endEarly);
  els.repCounter.addEventListener("click", run.countRep);
  els.btnChrome?.addEventListener("click", view.toggleChrome);
  for (const toggle of Object.values(toggles)) toggle?.addEventListener("change", () => cues.saveCues(toggles));
  document.addEventListener("keydown", onKey);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") run.catchUp();
  });
}

function onKey(event) {
  if (view.currentView() !== "stage" || !run.isActive()) return;
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const target = event.target;
  if (FORM_TAGS.has(target.tagName) || target.isContentEditable) return;
  const act = { ArrowRight: run.advance, ArrowLeft: run.goBack }[event.key];
  if (event.key === " " || event.code === "Space") {
    if (OWN_KEYS.has(target.tagName)) return; // a focused button answers Space by itself
    event.preventDefault();
    run.togglePause();
  } else if (act) {
    event.preventDefault();
    act();
  }
}

init();
