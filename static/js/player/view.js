// What the player shows: the start card, the stage (step, timer ring, reps, figure, progress),
// the finish screen's place, and the words for screen readers. It draws what it is given and
// keeps no run of its own.

import { figureSeconds, formatClock, isSelfPaced, kindWords, nextText, otherSide, stepAnnouncement } from "./timeline.js";

const RING_LENGTH = 2 * Math.PI * 54; // the SVG circle has r=54
const IDS = [
  "player", "player-start", "resume-note", "btn-start", "player-stage", "step-title",
  "step-label", "ring-progress", "timer", "rep-counter", "rep-count", "rep-target", "step-next",
  "progress", "progress-bar", "btn-back", "btn-pause", "btn-skip", "btn-end", "opt-sound",
  "opt-voice", "opt-vibrate", "wake-note", "announcer", "finish", "finish-form", "steps-list",
  "player-figure", "step-cue", "btn-howto", "rep-auto", "rep-auto-count", "rep-auto-target",
  "btn-chrome", "finish-screen",
];

const view = {
  els: {},
  startOver: null,
};

/** Find the player's elements (by camel-cased id) and fold the list of steps away. */
export function initView() {
  for (const id of IDS) view.els[id.replace(/-(\w)/g, (_, letter) => letter.toUpperCase())] = document.getElementById(id);
  collapseStepsList();
  return view.els;
}

/** Which of start, stage, form or finish is in front. */
export function currentView() {
  return view.els.player?.dataset.view || "";
}

export function showView(name) {
  const { player: article, playerStart, playerStage, finish, finishScreen } = view.els;
  if (article) article.dataset.view = name;
  playerStart.hidden = name !== "start";
  playerStage.hidden = name !== "stage";
  if (finish) finish.hidden = name !== "form";
  if (finishScreen) finishScreen.hidden = name !== "finish";
  focusOnTimer(name === "stage");
}

/** The start card: Start, or Resume (and Start over) for the `saved` run. */
export function showStart(saved, steps, onStartOver) {
  const { resumeNote, btnStart } = view.els;
  showView("start");
  if (!saved) {
    resumeNote.hidden = true;
    btnStart.textContent = "Start";
    removeStartOver();
    return;
  }
  const step = steps[saved.index];
  resumeNote.textContent = `Resume where you left off: step ${saved.index + 1} of ${steps.length} — ${step.title}`;
  resumeNote.hidden = false;
  btnStart.textContent = "Resume";
  offerStartOver(onStartOver);
}

export function removeStartOver() {
  view.startOver?.remove();
  view.startOver = null;
}

function offerStartOver(onStartOver) {
  if (view.startOver) return;
  const button = makeButton("btn-start-over", "button secondary", "Start over");
  button.addEventListener("click", onStartOver);
  view.els.btnStart.after(button);
  view.startOver = button;
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
  const section = view.els.stepsList;
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

// While the timer runs, the site menu and the cue switches step aside so the timer, the step,
// the figure and the controls fill the screen; "Menu and sound" brings them back with one tap.
function focusOnTimer(on) {
  const button = view.els.btnChrome;
  document.body.classList.toggle("player-focus", on);
  if (!on) document.body.classList.remove("player-chrome");
  if (!button) return;
  button.hidden = !on;
  button.setAttribute("aria-expanded", String(document.body.classList.contains("player-chrome")));
}

export function toggleChrome() {
  const open = document.body.classList.toggle("player-chrome");
  view.els.btnChrome.setAttribute("aria-expanded", String(open));
}

/** Draw step `run.index` of `steps`: its words, its rep counter, the progress and its figure. */
export function renderStep(steps, run) {
  const { stepTitle, stepLabel, stepNext, playerStage, repCounter, repTarget, repAuto } = view.els;
  const step = steps[run.index];
  stepTitle.textContent = step.title;
  stepLabel.textContent = step.label;
  stepNext.textContent = nextText(steps, run.index);
  Object.assign(playerStage.dataset, {
    kind: step.kind,
    index: String(run.index),
    step: String(run.index + 1),
    kindLabel: kindWords(step),
    pace: isSelfPaced(step) ? "self" : "timed",
  });
  const repWork = step.kind === "work" && step.dosage === "reps" && step.reps > 0;
  if (document.activeElement === repCounter && !(repWork && isSelfPaced(step))) view.els.btnPause.focus();
  // Reps the user counts are a big button; reps the app counts are plain words, nothing to tap.
  repCounter.hidden = !(repWork && isSelfPaced(step));
  repAuto.hidden = !(repWork && !isSelfPaced(step));
  repTarget.textContent = String(step.reps || 0);
  view.els.repAutoTarget.textContent = String(step.reps || 0);
  renderProgress(run.index, steps.length);
  renderFigure(step);
  markListStep(run.index);
  announce(stepAnnouncement(step));
}

// The step's exercise as a figure: get-ready, rest and switch-sides show its starting pose, still;
// work moves it, one cycle per rep at the step's tempo (a hold eases in once). The left side is
// the right side mirrored, flipped the moment the switch-sides step (and its cue) begins.
function renderFigure(step) {
  const box = view.els.playerFigure;
  if (!box) return;
  const shown = box.querySelector(`.fig[data-exercise="${CSS.escape(step.exercise)}"]`);
  for (const figure of box.querySelectorAll(".fig")) figure.toggleAttribute("hidden", figure !== shown);
  if (!shown) return;
  const left = step.side === "left";
  shown.dataset.side = left ? "left" : "right";
  shown.dataset.label = shown.dataset.label || shown.getAttribute("aria-label") || "";
  shown.setAttribute("aria-label", left ? otherSide(shown.dataset.label) : shown.dataset.label);
  shown.classList.toggle("fig-start", step.kind !== "work");
  const seconds = figureSeconds(step, Number(shown.dataset.cycleReps || 1));
  if (seconds) shown.style.setProperty("--fig-t", `${seconds}s`);
  else shown.style.removeProperty("--fig-t");
  if (view.els.stepCue) view.els.stepCue.textContent = shown.dataset.cue || "";
  view.els.btnHowto?.setAttribute("popovertarget", `howto-${step.exercise}`);
}

/** Keep the figure in step with the timer: paused with it, `elapsed` ms into its cycle. */
export function syncFigure(step, paused, elapsed) {
  const figure = view.els.playerFigure?.querySelector(".fig:not([hidden])");
  if (!figure) return;
  figure.classList.toggle("fig-paused", paused);
  const at = step.kind === "work" ? Math.max(0, elapsed) : 0;
  for (const animation of figure.getAnimations()) animation.currentTime = at;
}

/** The timer (or the rep count of a self-paced step) and its ring; `left` ms, null when self-paced. */
export function renderClock(step, run, left) {
  const { timer, repCount, repCounter } = view.els;
  let done;
  if (left === null) {
    timer.textContent = `${run.reps}/${step.reps || 0}`;
    timer.dataset.mode = "reps";
    done = step.reps ? run.reps / step.reps : 0;
  } else {
    const total = Math.max(0, step.seconds) * 1000;
    timer.textContent = formatClock(left);
    timer.dataset.mode = "time";
    done = total ? 1 - left / total : 1;
  }
  repCount.textContent = String(run.reps);
  view.els.repAutoCount.textContent = String(run.reps);
  repCounter.disabled = run.paused || left !== null;
  drawRing(done);
}

/** A new step starts its ring afresh (drawn by `draw`) instead of sweeping back from the old one. */
export function jumpRing(draw) {
  const ring = view.els.ringProgress;
  ring.classList.add("jump");
  draw();
  void getComputedStyle(ring).strokeDashoffset;
  ring.classList.remove("jump");
}

function drawRing(done) {
  const ring = view.els.ringProgress;
  const fraction = Math.min(1, Math.max(0, done));
  // At 0, start one unit into a gap longer than the circle, or Chromium draws a hairline.
  ring.style.strokeDasharray = `${RING_LENGTH} ${RING_LENGTH + 4}`;
  ring.style.strokeDashoffset = `${fraction > 0 ? RING_LENGTH * (1 - fraction) : RING_LENGTH + 1}`;
}

export function renderProgress(completed, total) {
  const { progress, progressBar } = view.els;
  progressBar.style.width = `${(100 * completed) / total}%`;
  progress.setAttribute("aria-valuenow", String(completed));
  progress.setAttribute("aria-valuetext", `${completed} of ${total} steps done`);
}

export function renderPause(paused) {
  const { btnPause, playerStage } = view.els;
  btnPause.textContent = paused ? "Resume" : "Pause";
  btnPause.setAttribute("aria-pressed", String(paused));
  playerStage.dataset.paused = String(paused);
}

function markListStep(index) {
  const items = view.els.stepsList?.querySelectorAll("ol > li") || [];
  items.forEach((item, position) => {
    item.classList.toggle("is-current", position === index);
    if (position === index) item.setAttribute("aria-current", "step");
    else item.removeAttribute("aria-current");
  });
}

/** Words for screen readers, read politely. */
export function announce(text) {
  const announcer = view.els.announcer;
  if (!announcer) return;
  // The same words twice in a row would not be read again, so nudge them.
  announcer.textContent = announcer.textContent === text ? `${text}\u00a0` : text;
}

/** The note that this browser may let the screen sleep. */
export function showWakeNote(shown) {
  view.els.wakeNote.hidden = !shown;
}

export function focusPause() {
  view.els.btnPause.focus();
}

/** The key the no-script finish form was rendered with, for a browser without randomUUID. */
export function formOpId() {
  return view.els.finishForm?.elements.namedItem("op_id")?.value || "";
}

/** Whether a plain POST of the finish form came back with messages to show. */
export function formHasErrors() {
  return Boolean(document.querySelector("#finish-form .form-errors"));
}
