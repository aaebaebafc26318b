"""The player's voice, with the browser's speechSynthesis stubbed: what it says, in which language.

The stub (an init script) records every `speak()` with its text, language and voice, every
`cancel()` and any `pause()`; its voice list arrives late, as Chrome's does. Time is the fake
clock's (`start_clock`), so a whole routine runs in a moment.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, Timeline, start_clock, timeline

#: Chrome fills its voice list a moment after the page asks for it (`voiceschanged`).
VOICES_AFTER_MS = 1500
SPEECH_STUB = """
(() => {
  const spoken = [];
  const said = { spoken, cancels: 0, pauses: 0, calls: [] };
  let voices = [];
  const listeners = new Set();
  window.hipdaySpeech = said;
  window.SpeechSynthesisUtterance = class {
    constructor(text) { this.text = text; this.lang = ""; this.voice = null; }
  };
  const synth = {
    speaking: false,
    pending: false,
    paused: false,
    speak(words) {
      spoken.push({ text: words.text, lang: words.lang, voice: words.voice && words.voice.name });
      said.calls.push(`speak ${words.text}`);
    },
    cancel() { said.cancels += 1; said.calls.push("cancel"); },
    pause() { said.pauses += 1; },
    resume() {},
    getVoices() { return voices; },
    addEventListener(type, listener) { if (type === "voiceschanged") listeners.add(listener); },
    removeEventListener(type, listener) { listeners.delete(listener); },
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  setTimeout(() => {
    voices = [
      { name: "Anna", lang: "de-DE", localService: true, default: true },
      { name: "Google US English", lang: "en-US", localService: false, default: false },
      { name: "Daniel", lang: "en-GB", localService: true, default: false },
    ];
    listeners.forEach((listener) => listener());
  }, VOICES_AFTER_MS);
})();
""".replace("VOICES_AFTER_MS", str(VOICES_AFTER_MS))


def spoken(page: Page) -> list[dict[str, Any]]:
    said: list[dict[str, Any]] = page.evaluate("window.hipdaySpeech.spoken")
    return said


def script_of(routine: Timeline) -> list[str]:
    """What the voice should say over a whole run of `routine`, from its steps' data."""
    words: list[str] = []
    for step in routine.steps:
        words += [step.say] if step.say else []
        words += ["Halfway"] if step.says_halfway else []
        words += ["3", "2", "1"] if step.says_countdown else []
    return [*words, "Session complete. Well done."]


def open_player(page: Page, live_server: LiveServer, routine: Timeline) -> None:
    page.add_init_script(SPEECH_STUB)
    start_clock(page)
    page.goto(live_server(f"/play/{routine.slug}"))


def test_a_whole_routine_says_exactly_what_its_steps_say_in_order_in_the_pages_language(
    page: Page, live_server: LiveServer
) -> None:
    routine = timeline("pre-run-warm-up")
    open_player(page, live_server, routine)
    expect(page.get_by_label("Voice")).to_be_checked()  # on by default
    page.get_by_role("button", name="Start", exact=True).tap()

    page.clock.run_for(routine.seconds_before(len(routine.steps)) * 1000 + 1000)
    expect(page.get_by_role("heading", name="Well done!")).to_be_visible()

    said = spoken(page)
    # The Start tap speaks nothing at once, which is what lets iOS speak later.
    assert said[0]["text"] == ""
    assert [s["text"] for s in said[1:]] == script_of(routine)
    assert said[1]["text"] == "Leg swings, front to back, 12 reps each side, right side first"
    lang = page.evaluate("document.documentElement.lang")
    assert lang == "en"
    assert {s["lang"] for s in said} == {lang}
    # The voice list came late; from then on every utterance has an English voice on the phone.
    assert said[1]["voice"] is None
    assert {s["voice"] for s in said[-10:]} == {"Daniel"}
    assert page.evaluate("window.hipdaySpeech.pauses") == 0


def test_pause_stops_the_voice_and_resume_says_the_step_again(
    page: Page, live_server: LiveServer
) -> None:
    routine = timeline("desk-reset")
    open_player(page, live_server, routine)
    page.get_by_role("button", name="Start", exact=True).tap()
    page.clock.run_for(1000)
    cancels = page.evaluate("window.hipdaySpeech.cancels")

    page.get_by_role("button", name="Pause").tap()
    assert page.evaluate("window.hipdaySpeech.cancels") == cancels + 1
    page.clock.run_for(5000)
    page.get_by_role("button", name="Resume").tap()
    said = [s["text"] for s in spoken(page) if s["text"]]
    assert said == [routine.steps[0].say, routine.steps[0].say]
    assert page.evaluate("window.hipdaySpeech.pauses") == 0  # Android's pause() would cancel


def test_one_tap_turns_the_voice_off_and_the_phone_remembers_it(
    page: Page, live_server: LiveServer
) -> None:
    routine = timeline("desk-reset")
    open_player(page, live_server, routine)
    voice = page.get_by_label("Voice")
    expect(voice).to_be_checked()
    voice.uncheck()

    page.reload()
    expect(voice).not_to_be_checked()
    page.get_by_role("button", name="Start", exact=True).tap()
    page.clock.run_for(routine.seconds_before(5) * 1000 + 500)
    expect(page.locator("#step-label")).to_have_text(routine.steps[5].label)
    assert spoken(page) == []

    # On again mid-hold: the count at its end, then the next exercise.
    page.get_by_role("button", name="Menu and sound").tap()
    voice.check()
    assert routine.steps[5].says_countdown and routine.steps[6].say
    page.clock.run_for(routine.steps[5].seconds * 1000)
    said = [s["text"] for s in spoken(page) if s["text"]]
    assert said == ["3", "2", "1", routine.steps[6].say]


def test_words_after_a_cancel_wait_a_tick_as_some_chromium_builds_drop_them_otherwise(
    page: Page, live_server: LiveServer
) -> None:
    routine = timeline("desk-reset")
    open_player(page, live_server, routine)
    page.evaluate("speechSynthesis.speaking = true")  # still saying something
    page.get_by_role("button", name="Start", exact=True).tap()
    assert page.evaluate("window.hipdaySpeech.calls") == ["speak ", "cancel"]
    page.clock.run_for(1)
    calls = page.evaluate("window.hipdaySpeech.calls")
    assert calls == ["speak ", "cancel", f"speak {routine.steps[0].say}"]
