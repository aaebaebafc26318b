// The player's cues: beeps (Web Audio), buzzes, the voice's words (voice.js), the screen kept on
// (wake lock), and the user's choice of them, remembered on the phone.

import { initVoice, say, setVoice, silence, unlockVoice } from "./voice.js";
import { announce, showWakeNote } from "./view.js";
import { stepMs, tempoReps } from "./timeline.js";

const CUES_KEY = "hipday:cues";
// Choices saved before the voice was on by default kept `voice: false` without anyone choosing it.
const CUES_VERSION = 2;
const HALFWAY_FROM_SECONDS = 10;
const STEP_TONES = { "get-ready": 660, work: 880, "switch-sides": 740, rest: 520 };
const CHOICES = ["sound", "voice", "vibrate"];

const cues = {
  chosen: { sound: true, voice: true, vibrate: true },
  audio: null,
  wakeLock: null,
  halfwayCued: false,
  lastCountdown: null,
};

/** Read the saved choice of cues and tick the page's `toggles` ({sound, voice, vibrate}) so. */
export function loadCues(toggles) {
  initVoice();
  try {
    const saved = JSON.parse(localStorage.getItem(CUES_KEY) || "null");
    if (saved && typeof saved === "object") {
      for (const key of CHOICES) {
        if (key === "voice" && saved.version !== CUES_VERSION) continue;
        if (typeof saved[key] === "boolean") cues.chosen[key] = saved[key];
      }
    }
  } catch {
    // Keep the defaults.
  }
  for (const key of CHOICES) if (toggles[key]) toggles[key].checked = cues.chosen[key];
  setVoice(cues.chosen.voice);
}

/** Take the choice from the page's `toggles` and remember it. */
export function saveCues(toggles) {
  for (const key of CHOICES) cues.chosen[key] = Boolean(toggles[key]?.checked);
  setVoice(cues.chosen.voice);
  try {
    localStorage.setItem(CUES_KEY, JSON.stringify({ ...cues.chosen, version: CUES_VERSION }));
  } catch {
    // The choice holds for this visit only.
  }
  unlockCues();
}

/** Called inside a tap: iOS only lets audio and speech start from a user gesture. */
export function unlockCues() {
  unlockAudio();
  unlockVoice();
}

function unlockAudio() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  try {
    if (!cues.audio) cues.audio = new Context();
    if (cues.audio.state === "suspended") cues.audio.resume().catch(() => {});
  } catch {
    cues.audio = null;
  }
}

/** Back on screen: a suspended sound wakes up. */
export function wakeAudio() {
  if (cues.audio?.state === "suspended") cues.audio.resume().catch(() => {});
}

// Cues are short sounds over the user's music, not music of their own: where the browser has the
// Audio Session API (Safari), "transient" plays them over other audio (ducking it a moment)
// instead of stopping it. Back to "auto" when the session is over.
export function mixWithMusic(on) {
  try {
    if (navigator.audioSession) navigator.audioSession.type = on ? "transient" : "auto";
  } catch {
    // An older draft of the API: the browser's default mixing it is.
  }
}

/** Speech is cancelled, never paused: Android's pause() of speech cancels it anyway. */
export function hush() {
  silence();
}

export function sayAgain(step) {
  say(step.say);
}

function tone(frequency, ms, volume = 0.25, delayMs = 0) {
  const context = cues.audio;
  if (!cues.chosen.sound || !context || context.state === "closed") return;
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
  if (!cues.chosen.vibrate || typeof navigator.vibrate !== "function") return;
  try {
    navigator.vibrate(pattern);
  } catch {
    // Not every phone vibrates.
  }
}

/** Where a step is entered (or resumed) `left` ms from its end: which of its cues are behind it. */
export function markStep(step, left) {
  cues.halfwayCued = left !== null && left <= stepMs(step) / 2;
  cues.lastCountdown = left === null ? null : Math.ceil(left / 1000);
}

// What the voice says comes with each step (routines/session.py): the beeps and the buzz mark
// every step; the words, where the step has any, say what it is.
export function stepCues(step) {
  tone(STEP_TONES[step.kind] || 880, step.kind === "work" ? 160 : 120, 0.3);
  buzz(step.kind === "work" ? 120 : 60);
  say(step.say);
}

/** The cues of a running timed step with `left` ms to go, its counted `reps` so far. */
export function timedCues(step, left, reps) {
  const total = stepMs(step);
  if (!cues.halfwayCued && step.kind === "work" && step.seconds >= HALFWAY_FROM_SECONDS && left <= total / 2) {
    cues.halfwayCued = true;
    if (left > 0) halfwayCue(step);
  }
  const seconds = Math.ceil(left / 1000);
  if (left > 0 && seconds <= 3 && seconds !== cues.lastCountdown) {
    tone(1000, 90, 0.25);
    if (step.sayCount) say(String(seconds));
  }
  cues.lastCountdown = seconds;
  if (step.dosage === "reps" && step.tempo && left > 0 && tempoReps(step, total - left) > reps) {
    tone(1200, 40, 0.1);
  }
}

function halfwayCue(step) {
  tone(700, 120, 0.22);
  announce("Halfway");
  if (step.sayHalfway) say("Halfway");
}

/** A tapped rep: a higher, longer beep for the last one. */
export function repCue(last) {
  if (last) tone(1320, 90, 0.2);
  else tone(1100, 45, 0.12);
}

export function finishCues(whole) {
  tone(880, 140, 0.3);
  tone(1320, 220, 0.3, 200);
  buzz([200, 100, 400]);
  say(whole ? "Session complete. Well done." : "Session ended. Well done.");
  announce(whole ? "Session complete" : "Session ended");
}

/** Keep the screen on while `stillRunning()`; say so where the browser can't. */
export async function lockScreen(stillRunning) {
  if (!("wakeLock" in navigator)) {
    showWakeNote(true);
    return;
  }
  if (cues.wakeLock && !cues.wakeLock.released) return;
  try {
    const lock = await navigator.wakeLock.request("screen");
    if (!stillRunning()) {
      lock.release().catch(() => {});
      return;
    }
    cues.wakeLock = lock;
    lock.addEventListener("release", () => {
      if (cues.wakeLock === lock) cues.wakeLock = null;
    });
    showWakeNote(false);
  } catch {
    showWakeNote(true);
  }
}

export function releaseScreen() {
  const lock = cues.wakeLock;
  cues.wakeLock = null;
  if (lock && !lock.released) lock.release().catch(() => {});
}
