// The guided hip check: seated rotation measured with the phone (or picked from figures), then
// single-leg balance, a side plank and one question about the pelvis. Only the results are
// posted when it ends; with no signal they wait on the phone (queue.js).

import { initVoice, say, setVoice, unlockVoice } from "../player/voice.js";
import { Measurer } from "./measure.js";
import { keep, send } from "./queue.js";
import { startMotion } from "./sensor.js";
import { $, announce, answerFrom, pickedShin, show, showAngle, showFigures, showResults, text } from "./view.js";

const root = $("hip-check");
const skipped = JSON.parse(root.dataset.skipped || "{}");
const SIDES = ["right", "left"];
const SIDE_NAMES = { right: "Right", left: "Left" };
const UNSTEADY_MS = 15000; // no steady zero for this long: the readings can't be trusted
const TURNS = {
  outward: { name: "turning out", cue: "Turn your foot in slowly, across the other shin." },
  inward: { name: "turning in", cue: "Turn your foot out slowly, away from the other leg." },
};
const FIGURES_INSTEAD = "Pick the figure closest to where your foot stopped.";
const NO_SENSOR = {
  denied: `Motion sensors are off for Hipday, so you pick from figures instead. ${FIGURES_INSTEAD}`,
  none: `This device gives no motion readings, so you pick from figures instead. ${FIGURES_INSTEAD}`,
};

const check = { sensors: false, noSensor: "", measurer: null, onCapture: null, steadySince: 0, results: {} };

function speak(words) {
  say(words);
  announce(words);
}

function onReading(g, t) {
  const measurer = check.measurer;
  if (!measurer) return;
  const seen = measurer.feed(g, t);
  if (seen.phase === "zero") return zeroing(seen, t);
  if (seen.zeroed) speak(TURNS[measurer.direction].cue);
  showAngle(seen.degrees);
  const otherWay = `That is the other way: ${TURNS[measurer.direction].cue.toLowerCase()}`;
  text("sensor-message", seen.wrongWay ? otherWay : "Stop where the hip stops, and hold still.");
  if (seen.captured !== undefined) captured(seen.captured, false);
}

function zeroing(seen, t) {
  // A phone held wrongly gets its sentence; one held right that never settles is too noisy.
  if (seen.message && !seen.message.includes("moving")) check.steadySince = t;
  text("sensor-message", seen.message || "Hold still: setting zero.");
  if (t - check.steadySince > UNSTEADY_MS) {
    useFigures(`The readings are too unsteady to trust here. ${FIGURES_INSTEAD}`);
  }
}

function captured(degrees, estimated) {
  check.measurer = null;
  speak(`Got it: ${degrees} degrees`);
  const done = check.onCapture;
  check.onCapture = null;
  if (done) done({ degrees, estimated });
}

function useFigures(reason) {
  check.sensors = false;
  check.measurer = null;
  $("figure-picker").hidden = false;
  $("btn-capture").hidden = true;
  $("btn-use-figures").hidden = true;
  root.querySelector(".live-angle").hidden = true;
  text("sensor-message", reason);
  pickedShin().then((degrees) => captured(degrees, true));
}

function measureTurn(side, direction, attempt) {
  text("rotation-try", check.sensors ? `Try ${attempt} of 2` : "");
  const result = new Promise((resolve) => {
    check.onCapture = resolve;
  });
  if (!check.sensors) {
    useFigures(check.noSensor || FIGURES_INSTEAD);
    return result;
  }
  check.measurer = new Measurer(side, direction);
  check.steadySince = Date.now();
  showAngle(null);
  speak("Let the shin hang straight down, and hold still.");
  return result;
}

async function rotation(side, direction) {
  show("check-rotation");
  text("rotation-title", `${SIDE_NAMES[side]} hip · ${TURNS[direction].name}`);
  text("rotation-cue", TURNS[direction].cue);
  showFigures("check-rotation", "direction", direction, side);
  let best = null;
  for (const attempt of [1, 2]) {
    if (attempt === 2 && !check.sensors) break; // a figure picked once is the answer
    const got = await measureTurn(side, direction, attempt);
    if (!best || got.degrees > best.degrees) best = got;
  }
  show("check-pain");
  text("pain-what", `${SIDE_NAMES[side]} hip, ${TURNS[direction].name}: ${best.degrees}°. Was it pain-free?`);
  speak("Pain-free?");
  return { ...best, painFree: await answerFrom("check-pain") };
}

function timed(title, cue, most) {
  show("check-timer");
  text("timer-title", title);
  text("timer-cue", cue);
  text("check-timer-clock", "0 s");
  const button = $("btn-timer");
  button.textContent = "Start";
  speak(cue);
  return new Promise((resolve) => {
    let started = 0;
    let ticker = null;
    const seconds = () => Math.min(most, Math.floor((Date.now() - started) / 1000));
    const stop = () => {
      clearInterval(ticker);
      button.removeEventListener("click", tapped);
      speak(`${seconds()} seconds`);
      resolve(seconds());
    };
    const tick = () => {
      text("check-timer-clock", `${seconds()} s`);
      if (seconds() >= most) stop();
    };
    const tapped = () => {
      if (started) return stop();
      started = Date.now();
      button.textContent = "Stop";
      ticker = setInterval(tick, 250);
    };
    button.addEventListener("click", tapped);
  });
}

async function balance() {
  const held = {};
  for (const side of SIDES) {
    showFigures("check-timer", "timed", "balance", side);
    const cue = `Stand on your ${side} leg, the other foot just off the floor. Tap Start, and Stop when the foot touches down.`;
    held[side] = await timed(`Balance on your ${side} leg`, cue, 30);
  }
  return held;
}

async function plank() {
  // The plan's own side plank when it has one; else the person says which they do.
  let kind = root.dataset.plank;
  if (!kind) {
    show("check-plank-kind");
    kind = await answerFrom("check-plank-kind");
  }
  const held = { onKnees: kind === "knees" };
  for (const side of SIDES) {
    showFigures("check-timer", "timed", kind, side);
    const cue = `Side plank on your ${side} side, ${held.onKnees ? "on your knees" : "on your feet"}. Tap Start, and Stop when the hips drop.`;
    held[side] = await timed(`Side plank, ${side} side`, cue, 180);
  }
  return held;
}

async function run() {
  const turns = skipped.inward ? ["outward"] : ["outward", "inward"];
  const results = check.results;
  results.rotations = {};
  for (const side of SIDES) {
    for (const direction of turns) results.rotations[`${side}_${direction}`] = await rotation(side, direction);
  }
  if (!skipped.balance) results.balance = await balance();
  if (!skipped.plank) results.plank = await plank();
  show("check-pelvis");
  speak("Did your pelvis stay level?");
  results.pelvisLevel = await answerFrom("check-pelvis");
  await finish(results);
}

function localDay(now = new Date()) {
  const two = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
}

/** The results as the server's form fields (the hip-check contract); empty for a part left out. */
function fields(results, clientId) {
  const out = { client_id: clientId, taken_on: localDay() };
  for (const side of SIDES) {
    for (const direction of ["outward", "inward"]) {
      const key = `${side}_${direction}`;
      const found = results.rotations[key];
      out[key] = found ? String(found.degrees) : "";
      if (found?.estimated) out[`${key}_estimated`] = "1";
      out[`${key}_pain_free`] = found ? found.painFree : "";
    }
    out[`balance_${side}`] = results.balance ? String(results.balance[side]) : "";
    out[`plank_${side}`] = results.plank ? String(results.plank[side]) : "";
  }
  if (results.plank?.onKnees) out.plank_on_knees = "1";
  out.pelvis_level = results.pelvisLevel || "";
  return out;
}

function resultLines(results) {
  const lines = [];
  for (const [key, found] of Object.entries(results.rotations)) {
    const [side, direction] = key.split("_");
    const notes = [found.estimated ? "estimated" : "", found.painFree === "yes" ? "pain-free" : "not pain-free"];
    lines.push([`${SIDE_NAMES[side]} hip, ${TURNS[direction].name}`, `${found.degrees}° (${notes.filter(Boolean).join(", ")})`]);
  }
  const knees = results.plank?.onKnees ? " on the knees" : "";
  for (const side of SIDES) {
    if (results.balance) lines.push([`Balance on the ${side} leg`, `${results.balance[side]} s`]);
  }
  for (const side of SIDES) {
    if (results.plank) lines.push([`Side plank, ${side} side`, `${results.plank[side]} s${knees}`]);
  }
  lines.push(["Pelvis stayed level", results.pelvisLevel === "yes" ? "Yes" : "No"]);
  return lines;
}

async function finish(results) {
  const entry = { client_id: crypto.randomUUID(), url: root.dataset.postUrl };
  entry.fields = fields(results, entry.client_id);
  keep(entry); // first on the phone, so a lost connection loses nothing
  showResults(resultLines(results));
  show("check-result");
  speak("Done. Here are your results.");
  text("save-status", "Saving…");
  const sent = await send(entry);
  const words = {
    sent: "Saved. Progress shows it under Your hips.",
    later: navigator.onLine
      ? "Saved on this phone: it is sent the next time Hipday reaches the server."
      : "Saved on this phone: it is sent when you are back online.",
    refused: `Not saved: ${sent.answer?.error || "the server refused it."}`,
  };
  text("save-status", words[sent.outcome]);
  if (sent.outcome === "sent" && sent.answer?.check_url) {
    const link = Object.assign(document.createElement("a"), { href: sent.answer.check_url });
    link.textContent = "See this check in full";
    $("save-status").append(" ", link);
  }
}

function start() {
  unlockVoice();
  $("btn-check-start").disabled = true;
  $("check-lead").hidden = true; // from here the step on screen is all that matters
  // Called inside the tap: iOS asks for motion permission only from one.
  startMotion(onReading).then((state) => {
    check.sensors = state === "ok";
    check.noSensor = NO_SENSOR[state] || "";
    run();
  });
}

initVoice();
$("check-voice").addEventListener("change", (event) => setVoice(event.target.checked));
$("btn-check-start").addEventListener("click", start);
$("btn-use-figures").addEventListener("click", () => useFigures(FIGURES_INSTEAD));
$("btn-capture").addEventListener("click", () => {
  const degrees = check.measurer?.tap();
  if (degrees === null || degrees === undefined) {
    text("sensor-message", "Hold the phone still, then tap Capture.");
    speak("Hold still");
  } else {
    captured(degrees, false);
  }
});
