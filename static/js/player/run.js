// The run of a session: which step it is on, when that step ends, pauses, reps, and its end.
//
// Timing works from absolute end times (`endsAt`, epoch ms), never from counting ticks, so a
// throttled background tab, a pause or a reload can't make the clock drift. The run is saved to
// localStorage at every change (saved-run.js), so a reload resumes where it stopped.

import * as cues from "./cues.js";
import { saveSession, showFinishScreen } from "./finish.js";
import { STALE_AFTER_MS, forgetRun, readRun, writeRun } from "./saved-run.js";
import { elapsedMs, isSelfPaced, newRun, remainingMs, stepMs, tempoReps } from "./timeline.js";
import * as view from "./view.js";

const TICK_MS = 250;
const BACK_RESTARTS_AFTER_MS = 2000;

// `run` is the part that is saved; the rest lasts as long as the page.
const session = {
  slug: "",
  steps: [],
  run: null,
  ticker: null,
  enteredAt: 0,
};

/** Take the session's slug and steps, and show its start (or what a plain POST came back with). */
export function openSession(slug, steps) {
  Object.assign(session, { slug, steps });
  if (view.formHasErrors()) {
    view.showView("form"); // a plain POST came back with messages: keep the form in front
    return;
  }
  const saved = loadRun();
  if (saved && saved.finished) {
    // Its end was saved when it came, unless the page closed first: save it now, start afresh.
    saveSession(saved, steps.length).then((outcome) => {
      if (outcome.where !== "nowhere") forgetRun(slug);
    });
    session.run = null;
  } else {
    session.run = saved;
  }
  view.showStart(session.run, steps, () => beginRun(true));
}

function loadRun() {
  const run = readRun(session.slug);
  if (!run || run.index >= session.steps.length) return null;
  return run.finished === true || Date.now() - Date.parse(run.startedAt) < STALE_AFTER_MS ? run : null;
}

function saveRun() {
  writeRun(session.slug, session.run);
}

function makeOpId() {
  if (globalThis.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return view.formOpId() || String(Date.now());
}

/** Whether a run is under way and not finished (sw-register.js asks before it reloads the page). */
export function isActive() {
  return Boolean(session.run && !session.run.finished);
}

/** Whether the timer is running on the stage. */
export function isRunning() {
  return isActive() && !session.run.paused && view.currentView() === "stage";
}

function currentStep() {
  return session.steps[session.run.index];
}

function left() {
  return remainingMs(session.run, currentStep(), Date.now());
}

function elapsed() {
  return elapsedMs(session.run, currentStep(), session.enteredAt, Date.now());
}

/** Start (or, unless `fresh`, resume) the run, from the Start tap. */
export function beginRun(fresh) {
  cues.unlockCues();
  view.removeStartOver();
  const resuming = !fresh && session.run !== null;
  if (!resuming) session.run = newRun(makeOpId(), Date.now());
  cues.mixWithMusic(true);
  view.showView("stage");
  if (resuming) resumeSavedRun();
  else enterStep(0);
  startTicking();
  view.focusPause();
}

function resumeSavedRun() {
  const run = session.run;
  const step = currentStep();
  if (run.paused) {
    run.paused = false;
    run.endsAt = isSelfPaced(step) ? null : Date.now() + (run.remainingMs ?? stepMs(step));
    run.remainingMs = null;
  } else if (!isSelfPaced(step) && typeof run.endsAt !== "number") {
    run.endsAt = Date.now() + stepMs(step);
  }
  const rest = left();
  if (rest === 0) {
    advance(); // its time ran out while the page was closed: carry on with the step after it
    return;
  }
  session.enteredAt = Date.now() - (rest === null ? 0 : stepMs(step) - rest);
  cues.markStep(step, rest);
  saveRun();
  showStep();
  cues.stepCues(step);
  cues.lockScreen(isRunning);
}

function enterStep(index) {
  const run = session.run;
  const step = session.steps[index];
  const ms = isSelfPaced(step) ? null : stepMs(step);
  Object.assign(run, { index, reps: 0, stepsDone: index });
  run.endsAt = run.paused || ms === null ? null : Date.now() + ms;
  run.remainingMs = run.paused ? ms : null;
  session.enteredAt = Date.now();
  cues.markStep(step, ms);
  saveRun();
  showStep();
  cues.stepCues(step);
  if (!run.paused) cues.lockScreen(isRunning);
}

function showStep() {
  view.renderStep(session.steps, session.run);
  showPause();
  view.jumpRing(showClock);
}

function showPause() {
  const paused = Boolean(session.run.paused);
  view.renderPause(paused);
  view.syncFigure(currentStep(), paused, elapsed());
}

function showClock() {
  const step = currentStep();
  const rest = left();
  // A timed rep step counts its reps by its tempo.
  if (rest !== null && step.dosage === "reps" && step.tempo) session.run.reps = tempoReps(step, stepMs(step) - rest);
  view.renderClock(step, session.run, rest);
}

function startTicking() {
  stopTicking();
  session.ticker = setInterval(tick, TICK_MS);
  tick();
}

function stopTicking() {
  if (session.ticker !== null) clearInterval(session.ticker);
  session.ticker = null;
}

/** Bring the screen up to the clock: cues due, the timer, the next step when this one is over. */
export function tick() {
  const run = session.run;
  if (!run || run.finished) return;
  const step = currentStep();
  const rest = left();
  if (rest !== null && !run.paused) cues.timedCues(step, rest, run.reps);
  showClock();
  if (rest !== null && !run.paused && rest <= 0) advance();
}

/** On to the next step, or the end. */
export function advance() {
  if (!isActive()) return;
  const next = session.run.index + 1;
  if (next >= session.steps.length) finish(session.steps.length);
  else enterStep(next);
}

/** Back to the start of this step, or to the step before when this one has just begun. */
export function goBack() {
  if (!isActive()) return;
  const run = session.run;
  const intoStep = elapsed() > BACK_RESTARTS_AFTER_MS || run.reps > 0;
  enterStep(intoStep || run.index === 0 ? run.index : run.index - 1);
}

export function togglePause() {
  if (!isActive()) return;
  if (session.run.paused) resume();
  else pause();
}

function pause() {
  const run = session.run;
  run.remainingMs = left();
  run.endsAt = null;
  run.paused = true;
  cues.hush();
  cues.mixWithMusic(false);
  saveRun();
  cues.releaseScreen();
  showPause();
  showClock();
}

function resume() {
  const run = session.run;
  const step = currentStep();
  run.paused = false;
  run.endsAt = isSelfPaced(step) ? null : Date.now() + (run.remainingMs ?? stepMs(step));
  run.remainingMs = null;
  cues.unlockCues();
  cues.mixWithMusic(true);
  saveRun();
  cues.lockScreen(isRunning);
  showPause();
  cues.sayAgain(step); // what a pause may have cut short
  tick();
}

/** A tap on the rep counter of a self-paced step. */
export function countRep() {
  const run = session.run;
  if (!isActive() || run.paused || !isSelfPaced(currentStep())) return;
  run.reps += 1;
  saveRun();
  showClock();
  const last = run.reps >= (currentStep().reps || 0);
  cues.repCue(last);
  if (last) advance();
}

export function endEarly() {
  if (isActive()) finish(session.run.index);
}

// The session counts the moment it ends: saved at once (or kept on the phone), then celebrated.
function finish(stepsDone) {
  const run = session.run;
  const total = session.steps.length;
  stopTicking();
  Object.assign(run, { finished: true, stepsDone, endedAt: new Date().toISOString() });
  Object.assign(run, { paused: false, endsAt: null, remainingMs: null });
  saveRun();
  cues.releaseScreen();
  cues.finishCues(stepsDone === total);
  view.renderProgress(stepsDone, total);
  view.showView("finish");
  const saved = saveSession(run, total).then((outcome) => {
    if (outcome.where !== "nowhere") forgetRun(session.slug); // next time the routine starts fresh
    if (session.run === run) session.run = null;
    cues.mixWithMusic(false);
    return outcome;
  });
  showFinishScreen(run, total, saved);
}

/** The page is visible again: catch up with the clock, and keep the screen on and the sound awake. */
export function catchUp() {
  if (!isActive() || view.currentView() !== "stage") return;
  tick();
  if (!isRunning()) return;
  cues.lockScreen(isRunning);
  cues.wakeAudio();
}
