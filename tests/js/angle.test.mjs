// The hip check's sensor maths (static/js/hip-check/angle.js), run by `node --test tests/js/`.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  Smoother,
  calibrate,
  isStill,
  median,
  rotationFor,
  tiltDegrees,
  wrap,
  zeroProblem,
} from "../../static/js/hip-check/angle.js";

const G = 9.81;
const RAD = Math.PI / 180;

// The reading of a phone upright on a vertical shin, turned `deg` in its screen plane (positive:
// anticlockwise seen from the screen's side) and leaning `leanDeg` back out of the vertical.
function phoneAt(deg, leanDeg = 0) {
  const inPlane = G * Math.cos(leanDeg * RAD);
  return {
    x: inPlane * Math.sin(deg * RAD),
    y: inPlane * Math.cos(deg * RAD),
    z: G * Math.sin(leanDeg * RAD),
  };
}

function near(actual, expected, within = 1) {
  const message = `${actual} is not within ${within} of ${expected}`;
  assert.ok(Math.abs(actual - expected) <= within, message);
}

function readings(degs, stepMs = 100) {
  return degs.map((deg, i) => ({ t: 1_000_000 + i * stepMs, deg }));
}

describe("the tilt worked out from gravity", () => {
  for (const deg of [0, 10, 35, 45, 60, 90, -10, -35, -45, -90]) {
    test(`a phone turned ${deg}° reads ${deg}° within a degree`, () => {
      near(tiltDegrees(phoneAt(deg)), deg);
    });
  }

  test("every whole-degree turn round the circle reads back within a degree", () => {
    for (let deg = -179; deg <= 180; deg += 1) near(tiltDegrees(phoneAt(deg)), deg);
  });

  test("a phone leaning a little out of the vertical still reads its turn within a degree", () => {
    near(tiltDegrees(phoneAt(35, 15)), 35);
    near(tiltDegrees(phoneAt(-35, -15)), -35);
  });

  test("the size of the reading does not matter, only its direction", () => {
    near(tiltDegrees({ x: 1, y: 1, z: 0 }), 45);
  });

  test("a sensor that gives nothing reads nothing", () => {
    assert.equal(tiltDegrees(null), null);
    assert.equal(tiltDegrees({ x: null, y: null, z: null }), null);
    assert.equal(tiltDegrees({ x: 0, y: 0, z: G }), null);
  });
});

describe("calibration from the angle held at zero", () => {
  test("a phone zeroed at 7° and turned to 42° has turned 35°", () => {
    const fromZero = calibrate(tiltDegrees(phoneAt(7)));
    near(fromZero(tiltDegrees(phoneAt(42))), 35);
    near(fromZero(tiltDegrees(phoneAt(-28))), -35);
  });

  test("a turn across the ±180° seam counts the short way round", () => {
    const fromZero = calibrate(170);
    near(fromZero(-155), 35);
    near(fromZero(135), -35);
  });

  test("angles wrap into the half-open range above −180 up to 180", () => {
    assert.equal(wrap(180), 180);
    assert.equal(wrap(-180), 180);
    assert.equal(wrap(360 + 35), 35);
    assert.equal(wrap(-360 - 35), -35);
  });
});

describe("which way the hip turned", () => {
  test("on the right leg a positive tilt is the foot swinging in: outward rotation", () => {
    assert.equal(rotationFor("right", 35), "outward");
    assert.equal(rotationFor("right", -35), "inward");
  });

  test("on the left leg, the mirror, a positive tilt is the foot swinging out: inward", () => {
    assert.equal(rotationFor("left", 35), "inward");
    assert.equal(rotationFor("left", -35), "outward");
  });

  test("no turn has no direction, and an unknown side is refused", () => {
    assert.equal(rotationFor("right", 0), null);
    assert.throws(() => rotationFor("middle", 10), RangeError);
  });
});

describe("the moving median", () => {
  test("one jolt in steady readings does not move the shown angle", () => {
    const smoother = new Smoother(5);
    const shown = [35, 35, 36, 80, 35, 34].map((deg) => smoother.push(deg));
    assert.ok(shown.every((deg) => deg <= 36), `a spike came through: ${shown}`);
  });

  test("it follows a real turn once most of the window has moved", () => {
    const smoother = new Smoother(5);
    [0, 0, 0, 0, 0].forEach((deg) => smoother.push(deg));
    assert.equal(smoother.push(20), 0);
    assert.equal(smoother.push(20), 0);
    assert.equal(smoother.push(20), 20);
  });

  test("it shows nothing before the first reading and after a reset", () => {
    const smoother = new Smoother(3);
    assert.equal(smoother.value, null);
    smoother.push(10);
    smoother.reset();
    assert.equal(smoother.value, null);
  });

  test("the median of an even count is the middle pair's mean", () => {
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });
});

describe("holding still", () => {
  test("readings within the tolerance for 2 s are still", () => {
    const held = readings([
      35, 35.4, 34.8, 35.2, 35, 35.1, 34.9, 35, 35.3, 35, 35, 35.2, 34.9, 35, 35.1, 35, 35, 35.2,
      35, 34.9, 35,
    ]);
    assert.equal(isStill(held, 1, 2000), true);
  });

  test("a phone still turning is not still", () => {
    const turning = readings(Array.from({ length: 21 }, (_, i) => i * 1.75));
    assert.equal(isStill(turning, 1, 2000), false);
  });

  test("a hold shorter than 2 s is not still yet", () => {
    const brief = readings([35, 35, 35, 35, 35, 35, 35, 35, 35, 35]);
    assert.equal(isStill(brief, 1, 2000), false);
    assert.equal(isStill([], 1, 2000), false);
  });

  test("only the last 2 s count: an earlier turn does not stop a later hold", () => {
    const turnedThenHeld = readings([0, 10, 20, 30, ...Array(21).fill(35)]);
    assert.equal(isStill(turnedThenHeld, 1, 2000), true);
  });

  test("a reading that changed just inside the 2 s is not still", () => {
    const moved = readings([...Array(20).fill(35), 40]);
    assert.equal(isStill(moved, 1, 2000), false);
  });
});

describe("where the phone may be zeroed", () => {
  test("a phone upright on a vertical shin can be zeroed", () => {
    assert.equal(zeroProblem(phoneAt(0)), null);
    assert.equal(zeroProblem(phoneAt(8, 10)), null);
  });

  test("a phone lying flat is refused with a sentence saying how to hold it", () => {
    const problem = zeroProblem({ x: 0, y: 0, z: G });
    assert.match(problem, /lying back or tipped forward/);
    assert.match(zeroProblem(phoneAt(0, 40)), /front of your shin/);
  });

  test("a phone held sideways or upside down is refused", () => {
    assert.match(zeroProblem(phoneAt(90)), /sideways/);
    assert.match(zeroProblem(phoneAt(-90)), /sideways/);
    assert.match(zeroProblem(phoneAt(180)), /upside down/);
    assert.match(zeroProblem(phoneAt(35)), /upright/);
  });

  test("no reading or a falling phone is refused", () => {
    assert.match(zeroProblem(null), /no motion readings/);
    assert.match(zeroProblem({ x: 0, y: 0.2, z: 0 }), /hold it still/);
  });
});
