// The session's steps as data: how long each lasts, how far into it a run is, and the words that
// describe it. Pure functions of a step and a moment (epoch ms): no page, no storage, no clock.

const KIND_WORDS = { "get-ready": "Get ready", work: "Work", "switch-sides": "Switch sides", rest: "Rest" };
// A rep with no tempo of its own is counted as 3 s (routines/dosage.py), so its figure cycles so.
const FIGURE_SECONDS_PER_REP = 3;

/** A fresh run of a session under the key `opId`, started at `now`. */
export function newRun(opId, now) {
  return {
    opId,
    startedAt: new Date(now).toISOString(),
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

/** Whether the user counts the step's reps by tapping (the step has no clock). */
export function isSelfPaced(step) {
  return step.auto === false;
}

export function stepMs(step) {
  return Math.max(0, step.seconds) * 1000;
}

/** What is left of the run's current step at `now`; null for a step without a clock. */
export function remainingMs(run, step, now) {
  if (isSelfPaced(step)) return null;
  if (run.paused) return run.remainingMs ?? stepMs(step);
  if (typeof run.endsAt !== "number") return stepMs(step);
  return Math.max(0, run.endsAt - now);
}

/** How far into its current step the run is at `now`, the step entered at `enteredAt`. */
export function elapsedMs(run, step, enteredAt, now) {
  const left = remainingMs(run, step, now);
  return left === null ? now - enteredAt : stepMs(step) - left;
}

/** The reps a timed rep step has counted after `elapsed` ms at its tempo. */
export function tempoReps(step, elapsed) {
  return Math.min(step.reps || 0, Math.floor(elapsed / (step.tempo * 1000)));
}

export function formatClock(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

export function kindWords(step) {
  return KIND_WORDS[step.kind] || "";
}

/** "Next: …" under step `index`, where saying it adds something. */
export function nextText(steps, index) {
  // Get-ready and rest steps say what comes next in their own label: don't say it twice.
  if (["get-ready", "rest"].includes(steps[index].kind)) return "";
  if (index >= steps.length - 1) return "Last one!";
  const later = steps.slice(index + 1);
  const next = later.find((step) => step.kind === "work") || later[0];
  return `Next: ${next.title} — ${next.label}`;
}

/** What a screen reader hears when the step begins. */
export function stepAnnouncement(step) {
  const tail = isSelfPaced(step) ? "Tap for each rep" : `${step.seconds} seconds`;
  return `${step.title}. ${step.label.replaceAll(" · ", ", ")}. ${tail}`;
}

/** Seconds per cycle of a rep step's figure; null where the figure plays as drawn. */
export function figureSeconds(step, cycleReps) {
  if (step.kind !== "work" || step.dosage !== "reps") return null; // holds and timed: as drawn
  return (step.tempo || FIGURE_SECONDS_PER_REP) * cycleReps;
}

/** The words of a right-side figure, said for the left side. */
export function otherSide(text) {
  const swap = { left: "right", right: "left", Left: "Right", Right: "Left" };
  return text.replace(/\b(left|right|Left|Right)\b/g, (word) => swap[word]);
}
