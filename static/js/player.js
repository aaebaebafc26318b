// Hipday's guided session player: runs the step timeline embedded in #session-data.
//
// Timing works from absolute end times (`endsAt`, epoch ms), never from counting ticks, so a
// throttled background tab, a pause or a reload can't make the clock drift. The run is saved to
// localStorage at every change (player/saved-run.js), so a reload resumes where it stopped. The
// voice (player/voice.js) says what each step's data says it should; the end of a session saves
// it at once and shows the finish screen (player/finish.js). Without this script the page still
// shows every step and a plain finish form.

import { initFinish, saveSession, showFinishScreen } from "./player/finish.js";
import { STALE_AFTER_MS, forgetRun as forgetSaved, readRun, writeRun } from "./player/saved-run.js";
import { initVoice, say, setVoice, silence, unlockVoice } from "./player/voice.js";

const CUES_KEY = "hipday:cues";
// Choices saved before the voice was on by default kept `voice: false` without anyone choosing it.
const CUES_VERSION = 2;
const TICK_MS = 250;
const BACK_RESTARTS_AFTER_MS = 2000;
const HALFWAY_FROM_SECONDS = 10;
const RING_LENGTH = 2 * Math.PI * 54; // the SVG circle has r=54
const FORM_TAGS = new Set(["INPUT", "TEXTAREA", "SELECT"]);
const OWN_KEYS = new Set(["BUTTON", "A", "SUMMARY", ...FORM_TAGS]);

const KIND_WORDS = { "get-ready": "Get ready", work: "Work", "switch-sides": "Switch sides", rest: "Rest" };
// A rep with no tempo of its own is counted as 3 s (routines/dosage.py), so its figure cycles so.
const FIGURE_SECONDS_PER_REP = 3;
const STEP_TONES = { "get-ready": 660, work: 880, "switch-sides": 740, rest: 520 };

// Everything the player knows lives in this one object; `run` is the part that is saved.
const player = {
  slug: "",
  steps: [],
  els: {},
  run: null,
  cues: { sound: true, voice: true, vibrate: true },
  audio: null,
  wakeLock: null,
  ticker: null,
  stepEnteredAt: 0,
  halfwayCued: false,
  lastCountdown: null,
  startOver: null,
};

function init() {
  const data = readSessionData();
  if (!data || !Array.isArray(data.steps) || data.steps.length === 0) return;
  player.slug = data.routine;
  player.name = data.name;
  player.steps = data.steps;
  // app.js asks this before it reloads the page for an update or a sync.
  window.hipdayPlayer = { active: () => Boolean(player.run && !player.run.finished) };
  player.els = findElements();
  initVoice();
  initFinish(player.name);
  loadCues();
  collapseStepsList();
  bindControls();
  chooseFirstView();
}

function readSessionData() {
  const node = document.getElementById("session-data");
  try {
    return node ? JSON.parse(node.textContent) : null;
  } catch {
    return null;
  }
}

function findElements() {
  const ids = [
    "player", "player-start", "resume-note", "btn-start", "player-stage", "step-title",
    "step-label", "ring-progress", "timer", "rep-counter", "rep-count", "rep-target", "step-next",
    "progress", "progress-bar", "btn-back", "btn-pause", "btn-skip", "btn-end", "opt-sound",
    "opt-voice", "opt-vibrate", "wake-note", "announcer", "finish", "finish-form", "steps-list",
    "player-figure", "step-cue", "btn-howto", "rep-auto", "rep-auto-count", "rep-auto-target",
    "btn-chrome", "finish-screen",
  ];
  const els = {};
  for (const id of ids) els[camel(id)] = document.getElementById(id);
  return els;
}

function camel(id) {
  return id.replace(/-(\w)/g, (_, letter) => letter.toUpperCase());
}

function chooseFirstView() {
  if (document.querySelector("#finish-form .form-errors")) {
    // A plain POST came back with messages: keep the form in front.
    showView("form");
    return;
  }
  const saved = loadRun();
  if (saved && saved.finished) {
    // Its end was saved when it came, unless the page closed first: save it now, start afresh.
    saveSession(saved, player.steps.length).then((outcome) => {
      if (outcome.where !== "nowhere") forgetRun();
    });
    player.run = null;
    showStart(null);
    return;
  }
  player.run = saved;
  showStart(saved);
}

function showStart(saved) {
  const { resumeNote, btnStart } = player.els;
  showView("start");
  if (saved) {
    const step = player.steps[saved.index];
    resumeNote.textContent =
      `Resume where you left off: step ${saved.index + 1} of ${player.steps.length} — ${step.title}`;
    resumeNote.hidden = false;
    btnStart.textContent = "Resume";
    offerStartOver();
  } else {
    resumeNote.hidden = true;
    btnStart.textContent = "Start";
    removeStartOver();
  }
}

function removeStartOver() {
  player.startOver?.remove();
  player.startOver = null;
}

function offerStartOver() {
  if (player.startOver) return;
  const button = makeButton("btn-start-over", "button secondary", "Start over");
  button.addEventListener("click", () => beginRun(true));
  player.els.btnStart.after(button);
  player.startOver = button;
}

function makeButton(id, className, text) {
  const button = document.createElement("button");
  button.type = "button";
  button.id = id;
  button.className = className;
  button.textContent = text;
  return button;
}

function collapseStepsList() {
  const section = player.els.stepsList;
  const list = section?.querySelector("ol");
  if (!list) return;
  list.id = list.id || "steps-list-items";
  list.hidden = true;
  const toggle = makeButton("steps-toggle", "button quiet steps-toggle", "Show all steps");
  toggle.setAttribute("aria-expanded", "false");
  toggle.setAttribute("aria-controls", list.id);
  toggle.addEventListener("click", () => {
    list.hidden = !list.hidden;
    toggle.setAttribute("aria-expanded", String(!list.hidden));
    toggle.textContent = list.hidden ? "Show all steps" : "Hide all steps";
  });
  (section.querySelector("h2") || section.firstChild)?.after(toggle);
}

function showView(view) {
  const { player: article, playerStart, playerStage, finish, finishScreen } = player.els;
  if (article) article.dataset.view = view;
  playerStart.hidden = view !== "start";
  playerStage.hidden = view !== "stage";
  if (finish) finish.hidden = view !== "form";
  if (finishScreen) finishScreen.hidden = view !== "finish";
  focusOnTimer(view === "stage");
}

// While the timer runs, the site menu and the cue switches step aside so the timer, the step,
// the figure and the controls fill the screen; "Menu and sound" brings them back with one tap.
function focusOnTimer(on) {
  const button = player.els.btnChrome;
  document.body.classList.toggle("player-focus", on);
  if (!on) document.body.classList.remove("player-chrome");
  if (!button) return;
  button.hidden = !on;
  button.setAttribute("aria-expanded", String(document.body.classList.contains("player-chrome")));
}

function toggleChrome() {
  const open = document.body.classList.toggle("player-chrome");
  player.els.btnChrome.setAttribute("aria-expanded", String(open));
}

function newRun() {
  return {
    opId: makeOpId(),
    startedAt: new Date().toISOString(),
    index: 0,
    endsAt: null,
    remainingMs: null,
    paused: false,
    reps: 0,
    stepsDone: 0,
    finished: false,
    endedAt: null,
  };
}

function makeOpId() {
  if (globalThis.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return player.els.finishForm?.elements.namedItem("op_id")?.value || String(Date.now());
}

function saveRun() {
  writeRun(player.slug, player.run);
}

function forgetRun() {
  forgetSaved(player.slug);
}

function loadRun() {
  const run = readRun(player.slug);
  if (!run || run.index >= player.steps.length) return null;
  return run.finished === true || Date.now() - Date.parse(run.startedAt) < STALE_AFTER_MS ? run : null;
}

function currentStep() {
  return player.steps[player.run.index];
}

function isSelfPaced(step) {
  return step.auto === false;
}

function stepMs(step) {
  return Math.max(0, step.seconds) * 1000;
}

function remainingMs() {
  const run = player.run;
  const step = currentStep();
  if (isSelfPaced(step)) return null;
  if (run.paused) return run.remainingMs ?? stepMs(step);
  if (typeof run.endsAt !== "number") return stepMs(step);
  return Math.max(0, run.endsAt - Date.now());
}

function beginRun(fresh) {
  unlockCues();
  removeStartOver();
  const resuming = !fresh && player.run !== null;
  if (!resuming) player.run = newRun();
  mixWithMusic(true);
  showView("stage");
  if (resuming) resumeSavedRun();
  else enterStep(0);
  startTicking();
  player.els.btnPause.focus();
}

function resumeSavedRun() {
  const run = player.run;
  const step = currentStep();
  if (run.paused) {
    run.paused = false;
    run.endsAt = isSelfPaced(step) ? null : Date.now() + (run.remainingMs ?? stepMs(step));
    run.remainingMs = null;
  } else if (!isSelfPaced(step) && typeof run.endsAt !== "number") {
    run.endsAt = Date.now() + stepMs(step);
  }
  const left = remainingMs();
  if (left === 0) {
    // Its time ran out while the page was closed: carry on with the step after it.
    advance();
    return;
  }
  player.stepEnteredAt = Date.now() - (left === null ? 0 : stepMs(step) - left);
  player.halfwayCued = left !== null && left <= stepMs(step) / 2;
  player.lastCountdown = left === null ? null : Math.ceil(left / 1000);
  saveRun();
  renderStep();
  stepCues(step);
  lockScreen();
}

function enterStep(index) {
  const run = player.run;
  const step = player.steps[index];
  run.index = index;
  run.reps = 0;
  run.stepsDone = index;
  const ms = isSelfPaced(step) ? null : stepMs(step);
  run.endsAt = run.paused || ms === null ? null : Date.now() + ms;
  run.remainingMs = run.paused ? ms : null;
  player.stepEnteredAt = Date.now();
  player.halfwayCued = false;
  player.lastCountdown = ms === null ? null : Math.ceil(ms / 1000);
  saveRun();
  renderStep();
  stepCues(step);
  if (!run.paused) lockScreen();
}

function startTicking() {
  stopTicking();
  player.ticker = setInterval(tick, TICK_MS);
  tick();
}

function stopTicking() {
  if (player.ticker !== null) clearInterval(player.ticker);
  player.ticker = null;
}

function tick() {
  const run = player.run;
  if (!run || run.finished) return;
  const step = currentStep();
  if (isSelfPaced(step)) {
    renderClock();
    return;
  }
  const left = remainingMs();
  if (!run.paused) timedCues(step, left);
  renderClock();
  if (!run.paused && left <= 0) advance();
}

function advance() {
  const next = player.run.index + 1;
  if (next >= player.steps.length) finish(player.steps.length);
  else enterStep(next);
}

function goBack() {
  const run = player.run;
  const step = currentStep();
  const left = remainingMs();
  const elapsed = left === null ? Date.now() - player.stepEnteredAt : stepMs(step) - left;
  const intoStep = elapsed > BACK_RESTARTS_AFTER_MS || run.reps > 0;
  enterStep(intoStep || run.index === 0 ? run.index : run.index - 1);
}

function togglePause() {
  const run = player.run;
  if (!run || run.finished) return;
  if (run.paused) resume();
  else pause();
}

function pause() {
  const run = player.run;
  run.remainingMs = remainingMs();
  run.endsAt = null;
  run.paused = true;
  // Android's pause() of speech cancels it anyway, so speech is cancelled, never paused.
  silence();
  mixWithMusic(false);
  saveRun();
  releaseScreen();
  renderPause();
  renderClock();
}

function resume() {
  const run = player.run;
  const step = currentStep();
  run.paused = false;
  run.endsAt = isSelfPaced(step) ? null : Date.now() + (run.remainingMs ?? stepMs(step));
  run.remainingMs = null;
  unlockCues();
  mixWithMusic(true);
  saveRun();
  lockScreen();
  renderPause();
  say(step.say); // what a pause may have cut short
  tick();
}

function countRep() {
  const run = player.run;
  const step = currentStep();
  if (!run || run.paused || run.finished || !isSelfPaced(step)) return;
  run.reps += 1;
  saveRun();
  renderClock();
  if (run.reps >= (step.reps || 0)) {
    tone(1320, 90, 0.2);
    advance();
  } else {
    tone(1100, 45, 0.12);
  }
}

function endEarly() {
  if (!player.run || player.run.finished) return;
  finish(player.run.index);
}

// The session counts the moment it ends: saved at once (or kept on the phone), then celebrated.
function finish(stepsDone) {
  const run = player.run;
  stopTicking();
  run.finished = true;
  run.stepsDone = stepsDone;
  run.endedAt = new Date().toISOString();
  run.paused = false;
  run.endsAt = null;
  run.remainingMs = null;
  saveRun();
  releaseScreen();
  finishCues(stepsDone === player.steps.length);
  renderProgress(stepsDone);
  showView("finish");
  const saved = saveSession(run, player.steps.length).then((outcome) => {
    if (outcome.where !== "nowhere") forgetRun(); // next time the routine starts fresh
    if (player.run === run) player.run = null;
    mixWithMusic(false);
    return outcome;
  });
  showFinishScreen(run, player.steps.length, saved);
}

function renderStep() {
  const { stepTitle, stepLabel, stepNext, playerStage, repCounter, repTarget, repAuto } = player.els;
  const run = player.run;
  const step = currentStep();
  stepTitle.textContent = step.title;
  stepLabel.textContent = step.label;
  stepNext.textContent = nextText(run.index);
  playerStage.dataset.kind = step.kind;
  playerStage.dataset.index = String(run.index);
  playerStage.dataset.step = String(run.index + 1);
  playerStage.dataset.kindLabel = KIND_WORDS[step.kind] || "";
  const repWork = step.kind === "work" && step.dosage === "reps" && step.reps > 0;
  playerStage.dataset.pace = isSelfPaced(step) ? "self" : "timed";
  if (document.activeElement === repCounter && !(repWork && isSelfPaced(step))) player.els.btnPause.focus();
  // Reps the user counts are a big button; reps the app counts are plain words, nothing to tap.
  repCounter.hidden = !(repWork && isSelfPaced(step));
  repAuto.hidden = !(repWork && !isSelfPaced(step));
  repTarget.textContent = String(step.reps || 0);
  player.els.repAutoTarget.textContent = String(step.reps || 0);
  renderProgress(run.index);
  renderFigure(step);
  renderPause();
  markListStep(run.index);
  jumpRing();
  announce(stepAnnouncement(step));
}

// The step's exercise as a figure: get-ready, rest and switch-sides show its starting pose, still;
// work moves it, one cycle per rep at the step's tempo (a hold eases in once). The left side is
// the right side mirrored, flipped the moment the switch-sides step (and its cue) begins.
function renderFigure(step) {
  const box = player.els.playerFigure;
  if (!box) return;
  const shown = box.querySelector(`.fig[data-exercise="${CSS.escape(step.exercise)}"]`);
  for (const figure of box.querySelectorAll(".fig")) figure.toggleAttribute("hidden", figure !== shown);
  if (!shown) return;
  const left = step.side === "left";
  shown.dataset.side = left ? "left" : "right";
  shown.dataset.label = shown.dataset.label || shown.getAttribute("aria-label") || "";
  shown.setAttribute("aria-label", left ? otherSide(shown.dataset.label) : shown.dataset.label);
  shown.classList.toggle("fig-start", step.kind !== "work");
  const seconds = figureSeconds(step, shown);
  if (seconds) shown.style.setProperty("--fig-t", `${seconds}s`);
  else shown.style.removeProperty("--fig-t");
  if (player.els.stepCue) player.els.stepCue.textContent = shown.dataset.cue || "";
  player.els.btnHowto?.setAttribute("popovertarget", `howto-${step.exercise}`);
  syncFigure();
}

function figureSeconds(step, figure) {
  if (step.kind !== "work" || step.dosage !== "reps") return null; // holds and timed: as drawn
  return (step.tempo || FIGURE_SECONDS_PER_REP) * Number(figure.dataset.cycleReps || 1);
}

// The words of a right-side figure, said for the left side.
function otherSide(text) {
  const swap = { left: "right", right: "left", Left: "Right", Right: "Left" };
  return text.replace(/\b(left|right|Left|Right)\b/g, (word) => swap[word]);
}

// Keep the figure in step with the timer: paused with it, and as far into its cycle as the step.
function syncFigure() {
  const figure = player.els.playerFigure?.querySelector(".fig:not([hidden])");
  const run = player.run;
  if (!figure || !run) return;
  const step = currentStep();
  figure.classList.toggle("fig-paused", Boolean(run.paused));
  const left = remainingMs();
  const elapsed = left === null ? Date.now() - player.stepEnteredAt : stepMs(step) - left;
  const at = step.kind === "work" ? Math.max(0, elapsed) : 0;
  for (const animation of figure.getAnimations()) animation.currentTime = at;
}

function nextText(index) {
  // Get-ready and rest steps say what comes next in their own label: don't say it twice.
  if (["get-ready", "rest"].includes(player.steps[index].kind)) return "";
  if (index >= player.steps.length - 1) return "Last one!";
  const later = player.steps.slice(index + 1);
  const next = later.find((step) => step.kind === "work") || later[0];
  return `Next: ${next.title} — ${next.label}`;
}

function renderClock() {
  const { timer, repCount, repCounter } = player.els;
  const run = player.run;
  const step = currentStep();
  let done;
  if (isSelfPaced(step)) {
    timer.textContent = `${run.reps}/${step.reps || 0}`;
    timer.dataset.mode = "reps";
    done = step.reps ? run.reps / step.reps : 0;
  } else {
    const left = remainingMs();
    const total = stepMs(step);
    timer.textContent = formatClock(left);
    timer.dataset.mode = "time";
    done = total ? 1 - left / total : 1;
    if (step.dosage === "reps" && step.tempo) run.reps = tempoReps(step, total - left);
  }
  repCount.textContent = String(run.reps);
  player.els.repAutoCount.textContent = String(run.reps);
  repCounter.disabled = run.paused || !isSelfPaced(step);
  drawRing(done);
}

// A new step starts its ring afresh instead of sweeping back from the old one.
function jumpRing() {
  const ring = player.els.ringProgress;
  ring.classList.add("jump");
  renderClock();
  void getComputedStyle(ring).strokeDashoffset;
  ring.classList.remove("jump");
}

function tempoReps(step, elapsedMs) {
  return Math.min(step.reps || 0, Math.floor(elapsedMs / (step.tempo * 1000)));
}

function formatClock(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

function drawRing(done) {
  const ring = player.els.ringProgress;
  const fraction = Math.min(1, Math.max(0, done));
  // At 0, start one unit into a gap longer than the circle, or Chromium draws a hairline.
  ring.style.strokeDasharray = `${RING_LENGTH} ${RING_LENGTH + 4}`;
  ring.style.strokeDashoffset = `${fraction > 0 ? RING_LENGTH * (1 - fraction) : RING_LENGTH + 1}`;
}

function renderProgress(completed) {
  const { progress, progressBar } = player.els;
  const total = player.steps.length;
  progressBar.style.width = `${(100 * completed) / total}%`;
  progress.setAttribute("aria-valuenow", String(completed));
  progress.setAttribute("aria-valuetext", `${completed} of ${total} steps done`);
}

function renderPause() {
  const { btnPause, playerStage } = player.els;
  const paused = Boolean(player.run?.paused);
  btnPause.textContent = paused ? "Resume" : "Pause";
  btnPause.setAttribute("aria-pressed", String(paused));
  playerStage.dataset.paused = String(paused);
  syncFigure();
}

function markListStep(index) {
  const items = player.els.stepsList?.querySelectorAll("ol > li") || [];
  items.forEach((item, position) => {
    item.classList.toggle("is-current", position === index);
    if (position === index) item.setAttribute("aria-current", "step");
    else item.removeAttribute("aria-current");
  });
}

function loadCues() {
  try {
    const saved = JSON.parse(localStorage.getItem(CUES_KEY) || "null");
    if (saved && typeof saved === "object") {
      for (const key of Object.keys(player.cues)) {
        if (key === "voice" && saved.version !== CUES_VERSION) continue;
        if (typeof saved[key] === "boolean") player.cues[key] = saved[key];
      }
    }
  } catch {
    // Keep the defaults.
  }
  const { optSound, optVoice, optVibrate } = player.els;
  if (optSound) optSound.checked = player.cues.sound;
  if (optVoice) optVoice.checked = player.cues.voice;
  if (optVibrate) optVibrate.checked = player.cues.vibrate;
  setVoice(player.cues.voice);
}

function saveCues() {
  const { optSound, optVoice, optVibrate } = player.els;
  player.cues = {
    sound: Boolean(optSound?.checked),
    voice: Boolean(optVoice?.checked),
    vibrate: Boolean(optVibrate?.checked),
  };
  setVoice(player.cues.voice);
  try {
    localStorage.setItem(CUES_KEY, JSON.stringify({ ...player.cues, version: CUES_VERSION }));
  } catch {
    // The choice holds for this visit only.
  }
  unlockCues();
}

// Called inside a tap: iOS only lets audio and speech start from a user gesture.
function unlockCues() {
  unlockAudio();
  unlockVoice();
}

// Cues are short sounds over the user's music, not music of their own: where the browser has the
// Audio Session API (Safari), "transient" plays them over other audio (ducking it a moment)
// instead of stopping it. Back to "auto" when the session is over.
function mixWithMusic(on) {
  try {
    if (navigator.audioSession) navigator.audioSession.type = on ? "transient" : "auto";
  } catch {
    // An older draft of the API: the browser's default mixing it is.
  }
}

function unlockAudio() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  try {
    if (!player.audio) player.audio = new Context();
    if (player.audio.state === "suspended") player.audio.resume().catch(() => {});
  } catch {
    player.audio = null;
  }
}

function tone(frequency, ms, volume = 0.25, delayMs = 0) {
  const context = player.audio;
  if (!player.cues.sound || !context || context.state === "closed") return;
  try {
    const start = context.currentTime + delayMs / 1000;
    const end = start + ms / 1000;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(volume, start + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, end);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start);
    oscillator.stop(end + 0.02);
  } catch {
    // A missed beep must never stop the timer.
  }
}

function buzz(pattern) {
  if (!player.cues.vibrate || typeof navigator.vibrate !== "function") return;
  try {
    navigator.vibrate(pattern);
  } catch {
    // Not every phone vibrates.
  }
}

function announce(text) {
  const announcer = player.els.announcer;
  if (!announcer) return;
  // The same words twice in a row would not be read again, so nudge them.
  announcer.textContent = announcer.textContent === text ? `${text}\u00a0` : text;
}

function spoken(label) {
  return label.replaceAll(" · ", ", ");
}

function stepAnnouncement(step) {
  const tail = isSelfPaced(step) ? "Tap for each rep" : `${step.seconds} seconds`;
  return `${step.title}. ${spoken(step.label)}. ${tail}`;
}

// What the voice says comes with each step (routines/session.py): the beeps and the buzz mark
// every step; the words, where the step has any, say what it is.
function stepCues(step) {
  tone(STEP_TONES[step.kind] || 880, step.kind === "work" ? 160 : 120, 0.3);
  buzz(step.kind === "work" ? 120 : 60);
  say(step.say);
}

function timedCues(step, left) {
  const total = stepMs(step);
  if (!player.halfwayCued && step.kind === "work" && step.seconds >= HALFWAY_FROM_SECONDS && left <= total / 2) {
    player.halfwayCued = true;
    if (left > 0) halfwayCue(step);
  }
  const seconds = Math.ceil(left / 1000);
  if (left > 0 && seconds <= 3 && seconds !== player.lastCountdown) {
    tone(1000, 90, 0.25);
    if (step.sayCount) say(String(seconds));
  }
  player.lastCountdown = seconds;
  tempoCue(step, total - left, left);
}

function halfwayCue(step) {
  tone(700, 120, 0.22);
  announce("Halfway");
  if (step.sayHalfway) say("Halfway");
}

function tempoCue(step, elapsed, left) {
  if (step.dosage !== "reps" || !step.tempo || left <= 0) return;
  const reps = tempoReps(step, elapsed);
  if (reps > player.run.reps) tone(1200, 40, 0.1);
}

function finishCues(whole) {
  tone(880, 140, 0.3);
  tone(1320, 220, 0.3, 200);
  buzz([200, 100, 400]);
  say(whole ? "Session complete. Well done." : "Session ended. Well done.");
  announce(whole ? "Session complete" : "Session ended");
}

function isRunning() {
  const run = player.run;
  return Boolean(run && !run.finished && !run.paused && player.els.player?.dataset.view === "stage");
}

async function lockScreen() {
  if (!("wakeLock" in navigator)) {
    player.els.wakeNote.hidden = false;
    return;
  }
  if (player.wakeLock && !player.wakeLock.released) return;
  try {
    const lock = await navigator.wakeLock.request("screen");
    if (!isRunning()) {
      lock.release().catch(() => {});
      return;
    }
    player.wakeLock = lock;
    lock.addEventListener("release", () => {
      if (player.wakeLock === lock) player.wakeLock = null;
    });
    player.els.wakeNote.hidden = true;
  } catch {
    player.els.wakeNote.hidden = false;
  }
}

function releaseScreen() {
  const lock = player.wakeLock;
  player.wakeLock = null;
  if (lock && !lock.released) lock.release().catch(() => {});
}

function bindControls() {
  const els = player.els;
  els.btnStart.addEventListener("click", () => beginRun(false));
  els.btnPause.addEventListener("click", togglePause);
  els.btnSkip.addEventListener("click", () => player.run && !player.run.finished && advance());
  els.btnBack.addEventListener("click", () => player.run && !player.run.finished && goBack());
  els.btnEnd.addEventListener("click", endEarly);
  els.repCounter.addEventListener("click", countRep);
  els.btnChrome?.addEventListener("click", toggleChrome);
  for (const toggle of [els.optSound, els.optVoice, els.optVibrate]) {
    toggle?.addEventListener("change", saveCues);
  }
  document.addEventListener("keydown", onKey);
  document.addEventListener("visibilitychange", onVisible);
}

function onKey(event) {
  if (player.els.player?.dataset.view !== "stage" || !player.run || player.run.finished) return;
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const target = event.target;
  if (FORM_TAGS.has(target.tagName) || target.isContentEditable) return;
  if (event.key === " " || event.code === "Space") {
    if (OWN_KEYS.has(target.tagName)) return; // a focused button answers Space by itself
    event.preventDefault();
    togglePause();
  } else if (event.key === "ArrowRight") {
    event.preventDefault();
    advance();
  } else if (event.key === "ArrowLeft") {
    event.preventDefault();
    goBack();
  }
}

function onVisible() {
  if (document.visibilityState !== "visible" || !player.run || player.run.finished) return;
  if (player.els.player?.dataset.view !== "stage") return;
  tick();
  if (isRunning()) {
    lockScreen();
    if (player.audio?.state === "suspended") player.audio.resume().catch(() => {});
  }
}

init();
