// The hip check's sensor maths: the phone's tilt from gravity, its zero, smoothing and stillness.
// Pure functions, no DOM, so node's test runner checks them (tests/js/angle.test.mjs).
//
// Axes (DeviceMotionEvent.accelerationIncludingGravity, as MDN describes them): x points to the
// right of the screen, y up the screen, z out of the screen. The accelerometer reports the
// reaction to gravity, so a phone at rest reads +9.8 m/s² along whichever axis points up.
//
// Held flat against the front of a vertical shin, screen facing forward (away from the person),
// top towards the knee, the phone reads about (0, +9.8, 0). Turning the hip swings the foot
// sideways about the knee, which turns the phone in the plane of its screen: the tilt is
// atan2(x, y). It is POSITIVE when the phone turns anticlockwise as seen by someone looking at
// the screen, i.e. from in front of the person: its top leans to the person's right, so the foot
// swings to the person's LEFT. On the right leg that is the foot swinging in, across the other
// shin (outward, external rotation); on the left leg it is the foot swinging out, away from the
// other leg (inward, internal rotation). `rotationFor` says this for the page.

const RADIANS = 180 / Math.PI;

// Beyond these the phone is not flat against an upright shin at zero: the screen leans more than
// 25° out of the vertical, or the phone's long axis is more than 20° from straight down the shin.
const MOST_LEAN_DEG = 25;
const MOST_ZERO_TILT_DEG = 20;

function isReading(g) {
  return g != null && [g.x, g.y, g.z].every((v) => Number.isFinite(v));
}

/** The phone's tilt in its screen plane, in degrees (−180, 180]; null without a reading. */
export function tiltDegrees(g) {
  if (!isReading(g) || (g.x === 0 && g.y === 0)) return null;
  return wrap(Math.atan2(g.x, g.y) * RADIANS);
}

/** How far the screen leans out of the vertical, in degrees (0 upright, 90 lying flat). */
export function leanDegrees(g) {
  if (!isReading(g)) return null;
  return Math.atan2(Math.abs(g.z), Math.hypot(g.x, g.y)) * RADIANS;
}

/** Null when the phone can be zeroed here, else the sentence that says what to change. */
export function zeroProblem(g) {
  if (!isReading(g)) return "This phone gives no motion readings here.";
  if (Math.hypot(g.x, g.y, g.z) < 1) return "The phone is moving too much: hold it still.";
  if (leanDegrees(g) > MOST_LEAN_DEG) {
    return (
      "The phone is lying back or tipped forward: hold it flat against the front of your shin, " +
      "screen facing out, with the shin hanging straight down."
    );
  }
  if (Math.abs(tiltDegrees(g)) > MOST_ZERO_TILT_DEG) {
    return (
      "The phone is turned sideways or upside down: hold it upright on your shin, its top " +
      "towards the knee, with the shin hanging straight down."
    );
  }
  return null;
}

/** An angle in degrees brought into (−180, 180]. */
export function wrap(deg) {
  const turned = ((((deg + 180) % 360) + 360) % 360) - 180;
  return turned === -180 ? 180 : turned;
}

/** A function from raw tilts to degrees from `zeroDeg`, the tilt held at zero (across ±180). */
export function calibrate(zeroDeg) {
  return (rawDeg) => wrap(rawDeg - zeroDeg);
}

/** Which way the hip turned for a signed, calibrated tilt on "right" or "left": see the top. */
export function rotationFor(side, tiltDeg) {
  if (side !== "right" && side !== "left") throw new RangeError(`no side called ${side}`);
  if (!Number.isFinite(tiltDeg) || tiltDeg === 0) return null;
  const footToTheLeft = tiltDeg > 0;
  return footToTheLeft === (side === "right") ? "outward" : "inward";
}

/** The median of a non-empty list of numbers. */
export function median(values) {
  if (values.length === 0) throw new RangeError("no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A moving median over the last `size` readings: one jolt does not move the shown angle. */
export class Smoother {
  constructor(size = 5) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError("size is a whole number ≥ 1");
    this.size = size;
    this.readings = [];
  }

  /** Adds a reading and returns the median of the latest ones. */
  push(deg) {
    this.readings.push(deg);
    if (this.readings.length > this.size) this.readings.shift();
    return this.value;
  }

  /** The current median, or null before the first reading. */
  get value() {
    return this.readings.length ? median(this.readings) : null;
  }

  reset() {
    this.readings = [];
  }
}

/**
 * Whether the readings `{t, deg}` (t in ms, oldest first) held still for the last `ms`: they
 * cover the whole span, and from the reading in force at its start to the latest, the highest
 * and lowest differ by at most `toleranceDeg`.
 */
export function isStill(samples, toleranceDeg, ms = 2000) {
  if (samples.length === 0) return false;
  const end = samples[samples.length - 1].t;
  const start = end - ms;
  let first = samples.length - 1;
  while (first > 0 && samples[first].t > start) first -= 1;
  if (samples[first].t > start) return false;
  const held = samples.slice(first).map((s) => s.deg);
  return Math.max(...held) - Math.min(...held) <= toleranceDeg;
}
