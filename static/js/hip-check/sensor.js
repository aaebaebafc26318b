// The phone's motion readings for the hip check: permission (iOS asks only inside a tap), and
// whether readings arrive at all. Readings go to the page's callback and nowhere else: raw
// sensor data never leaves the phone.

const FIRST_READING_MS = 1000;

/** Start listening; resolves "ok", "denied" (permission refused) or "none" (no sensor). */
export async function startMotion(onReading, waitMs = FIRST_READING_MS) {
  const Motion = window.DeviceMotionEvent;
  if (!Motion) return "none";
  if (typeof Motion.requestPermission === "function") {
    // iOS: this must be the first await inside the tap that started the check.
    let answer = "denied";
    try {
      answer = await Motion.requestPermission();
    } catch {
      answer = "denied";
    }
    if (answer !== "granted") return "denied";
  }
  return new Promise((resolve) => {
    let heard = false;
    const listen = (event) => {
      const g = event.accelerationIncludingGravity;
      if (!g || g.x == null || g.y == null || g.z == null) return; // desktops send empty events
      if (!heard) {
        heard = true;
        resolve("ok");
      }
      onReading({ x: g.x, y: g.y, z: g.z }, Date.now());
    };
    window.addEventListener("devicemotion", listen);
    setTimeout(() => {
      if (heard) return;
      window.removeEventListener("devicemotion", listen);
      resolve("none");
    }, waitMs);
  });
}
