// Writing the player's run to localStorage; reading it is resume.js's, which Today loads alone.

import { runKey } from "../resume.js";

export { STALE_AFTER_MS, readRun } from "../resume.js";

export function writeRun(slug, run) {
  try {
    localStorage.setItem(runKey(slug), JSON.stringify(run));
  } catch {
    // Private mode or a full disk: the run goes on, it just can't survive a reload.
  }
}

export function forgetRun(slug) {
  try {
    localStorage.removeItem(runKey(slug));
  } catch {
    // Nothing saved, nothing to forget.
  }
}
