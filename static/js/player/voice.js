// The player's voice: the browser's speechSynthesis, every utterance in the page's language.
//
// The quirks it works around (research: Web Speech API quirks for a timer):
// - iOS speaks only after a tap: `unlockVoice` speaks an empty utterance inside the Start tap.
// - The voice list loads late (Chrome): it is read at once and again on `voiceschanged`, and
//   each utterance takes a voice of the page's language when the device has one.
// - `speak()` straight after `cancel()` is dropped by some Chromium builds: after a cancel, the
//   new words wait one tick.
// - `pause()` acts like `cancel()` on Android, so the player never pauses speech: Pause cancels
//   it (`silence`), and Resume says the step's words again.
// Newer words replace older ones: a cue that is late is worse than one cut short.

const voice = {
  on: true,
  lang: "",
  chosen: null,
  timer: null,
};

function synth() {
  return "speechSynthesis" in window && "SpeechSynthesisUtterance" in window
    ? window.speechSynthesis
    : null;
}

/** Read the page's language and the device's voices (now, and when the list arrives). */
export function initVoice() {
  voice.lang = document.documentElement.lang || navigator.language || "";
  const speech = synth();
  if (!speech) return;
  chooseVoice();
  try {
    speech.addEventListener("voiceschanged", chooseVoice);
  } catch {
    // An older engine without events: the voice list read at start is all there is.
  }
}

// A voice for the page's language: the exact tag, else the same language; the device's default
// and local (offline) voices first, since network voices stop after about 15 seconds.
function chooseVoice() {
  let voices = [];
  try {
    voices = synth()?.getVoices() || [];
  } catch {
    voices = [];
  }
  const wanted = voice.lang.toLowerCase().replace("_", "-");
  const language = wanted.split("-")[0];
  const tag = (v) => String(v.lang || "").toLowerCase().replace("_", "-");
  const rank = (v) => (v.default ? 0 : 2) + (v.localService === false ? 1 : 0);
  const exact = voices.filter((v) => tag(v) === wanted);
  const close = voices.filter((v) => tag(v).split("-")[0] === language);
  const found = (exact.length ? exact : close).sort((a, b) => rank(a) - rank(b));
  voice.chosen = found[0] || null;
}

/** Turn the voice on or off (off also stops what it is saying). */
export function setVoice(on) {
  voice.on = Boolean(on);
  if (!voice.on) silence();
}

/** Inside a tap: iOS lets speech start only from a user gesture, so speak nothing now. */
export function unlockVoice() {
  const speech = synth();
  if (!voice.on || !speech) return;
  try {
    speech.speak(utterance(""));
  } catch {
    // No voice on this device: the beeps and the screen still guide.
  }
}

/** Say `text` now, instead of whatever is still being said. */
export function say(text) {
  const speech = synth();
  if (!voice.on || !speech || !text) return;
  clearTimeout(voice.timer);
  try {
    if (speech.speaking || speech.pending) {
      speech.cancel();
      voice.timer = setTimeout(() => speakNow(text), 0);
    } else {
      speakNow(text);
    }
  } catch {
    // Voice is a nicety; the beeps and the screen still guide.
  }
}

function speakNow(text) {
  try {
    synth()?.speak(utterance(text));
  } catch {
    // As above.
  }
}

/** Stop speaking (Pause, End, the voice turned off); words waiting for their tick are dropped. */
export function silence() {
  clearTimeout(voice.timer);
  try {
    synth()?.cancel();
  } catch {
    // Nothing was being said.
  }
}

function utterance(text) {
  const words = new SpeechSynthesisUtterance(text);
  words.lang = voice.lang;
  if (voice.chosen) words.voice = voice.chosen;
  return words;
}
