// One rotation measured with the phone: zero while the shin hangs still, then follow the turn
// and capture where it stops. Fed readings, no DOM; the page shows what `feed` returns.

import { calibrate, isStill, median, rotationFor, Smoother, tiltDegrees, zeroProblem } from "./angle.js";

const ZERO_MS = 1000; // keep still this long to set zero
const HOLD_MS = 2000; // held still this long away from zero: captured
const TAP_HOLD_MS = 500; // a tap captures only a phone still for at least this long
const STILL_DEG = 2; // readings within this many degrees count as still
const AWAY_DEG = 5; // a hold nearer zero than this is not the end of a turn
const KEEP_MS = 3000;
const MOST_DEGREES = 90;

export class Measurer {
  constructor(side, direction) {
    this.side = side;
    this.direction = direction;
    this.phase = "zero";
    this.samples = [];
    this.smoother = new Smoother(5);
    this.fromZero = null;
    this.degrees = 0;
    this.wrongWay = false;
  }

  /** Take one reading {x, y, z} at time `t` (ms); returns what to show, and any capture. */
  feed(g, t) {
    return this.phase === "zero" ? this.zeroing(g, t) : this.turning(g, t);
  }

  zeroing(g, t) {
    const problem = zeroProblem(g);
    if (problem) {
      this.samples = [];
      return { phase: "zero", message: problem };
    }
    this.remember(t, tiltDegrees(g));
    if (!isStill(this.samples, STILL_DEG, ZERO_MS)) return { phase: "zero", message: "" };
    const held = this.samples.filter((s) => s.t >= t - ZERO_MS).map((s) => s.deg);
    this.fromZero = calibrate(median(held));
    this.phase = "turn";
    this.samples = [];
    return { phase: "turn", zeroed: true, degrees: 0, message: "" };
  }

  turning(g, t) {
    const raw = tiltDegrees(g);
    if (raw === null) return { phase: "turn", degrees: this.degrees, message: "" };
    const signed = this.smoother.push(this.fromZero(raw));
    const way = rotationFor(this.side, signed);
    this.wrongWay = way !== null && way !== this.direction && Math.abs(signed) >= AWAY_DEG;
    this.degrees = way === this.direction ? Math.min(MOST_DEGREES, Math.abs(signed)) : 0;
    this.remember(t, signed);
    const held = isStill(this.samples, STILL_DEG, HOLD_MS) && this.degrees >= AWAY_DEG;
    const shown = { phase: "turn", degrees: this.degrees, wrongWay: this.wrongWay, message: "" };
    return held ? { ...shown, captured: Math.round(this.degrees) } : shown;
  }

  /** A tap: the value now if the phone has held still a moment, else null (never a moving one). */
  tap() {
    if (this.phase !== "turn" || !isStill(this.samples, STILL_DEG, TAP_HOLD_MS)) return null;
    return Math.round(this.degrees);
  }

  remember(t, deg) {
    this.samples.push({ t, deg });
    while (this.samples.length && this.samples[0].t < t - KEEP_MS) this.samples.shift();
  }
}
