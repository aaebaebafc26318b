// What the hip check page shows: one step at a time, the big numbers, answers from buttons.

const STEPS = ["check-intro", "check-rotation", "check-pain", "check-plank-kind", "check-timer", "check-pelvis", "check-result"];
const ANNOUNCE_EVERY_MS = 2000;

const view = { lastSaid: 0, lastDegrees: null };

export function $(id) {
  return document.getElementById(id);
}

/** Show step `id`, hide the others, and move focus to its heading for screen readers. */
export function show(id) {
  for (const step of STEPS) $(step).hidden = step !== id;
  const heading = $(id).querySelector("h2");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
  $(id).scrollIntoView({ block: "start" });
}

export function text(id, words) {
  $(id).textContent = words;
}

/** Speak to screen readers politely. */
export function announce(words) {
  text("check-announcer", words);
}

/** The live angle in big numbers; screen readers hear it at most every 2 s, when it changed. */
export function showAngle(degrees) {
  const rounded = degrees === null ? null : Math.round(degrees);
  text("live-angle", rounded === null ? "–" : `${rounded}°`);
  const now = Date.now();
  if (rounded === null || rounded === view.lastDegrees || now - view.lastSaid < ANNOUNCE_EVERY_MS) return;
  view.lastSaid = now;
  view.lastDegrees = rounded;
  text("live-angle-text", `${rounded} degrees`);
}

/** Which figures of a step show: those whose data-`key` is `value`, mirrored for the left side. */
export function showFigures(stepId, key, value, side) {
  for (const fig of $(stepId).querySelectorAll(`[data-${key}]`)) {
    fig.toggleAttribute("hidden", fig.dataset[key] !== value); // an SVG element has no .hidden
    fig.dataset.side = side;
  }
}

/** Resolves with the data-answer of the first button tapped in step `id`. */
export function answerFrom(id) {
  return new Promise((resolve) => {
    const step = $(id);
    const tapped = (event) => {
      const button = event.target.closest("button[data-answer]");
      if (!button) return;
      step.removeEventListener("click", tapped);
      resolve(button.dataset.answer);
    };
    step.addEventListener("click", tapped);
  });
}

/** Resolves with the degrees of the shin figure tapped. */
export function pickedShin() {
  return new Promise((resolve) => {
    const picker = $("figure-picker");
    const tapped = (event) => {
      const button = event.target.closest("button[data-degrees]");
      if (!button) return;
      picker.removeEventListener("click", tapped);
      resolve(Number(button.dataset.degrees));
    };
    picker.addEventListener("click", tapped);
  });
}

/** The results as a list: what was measured, per side. */
export function showResults(lines) {
  const list = $("result-list");
  list.replaceChildren();
  for (const [term, value] of lines) {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    list.append(dt, dd);
  }
}
