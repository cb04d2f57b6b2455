"""Speech output: F5/F6/F7, what is said for controls, privacy, the hint, espeak-ng itself."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import time
import wave
import weakref
from array import array
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Checkbox, Input, Label, RadioButton, RadioSet

from kiosk.app import KioskApp
from kiosk.config import ConfigError, check_files, parse_config
from kiosk.i18n import available_languages, gettext_in, set_language
from kiosk.speech import phrases
from kiosk.speech.hint import HINT, hint_in_languages
from kiosk.speech.phrases import Control
from kiosk.speech.speakers import (
    EspeakSpeaker,
    TranscriptSpeaker,
    espeak_installed,
    read_transcript,
    render_wav,
)
from kiosk.speech.voices import voice_for
from screens.name_entry import NameScreen
from screens.review import ReviewScreen
from screens.speech_reader import focus_phrase
from screens.staff_pin import StaffPinScreen
from screens.still_there import StillThereScreen
from screens.welcome import WelcomeScreen
from tests.conftest import SHARED_QUESTIONNAIRES
from tests.safety_helpers import demo_config, start_bare_visit, type_name
from tests.test_idle import _freed, _go_idle, still_reachable
from tests.visit_helpers import wait_for_screen, wait_until

PHQ9 = SHARED_QUESTIONNAIRES / "lforms__phq9.json"
NO_ESPEAK = "espeak-ng is not installed here (Debian: apt-get install espeak-ng)"
FIRST, LAST = "Wilhelmina", "Zzyzx-Quartermaine"


def spoken(path: Path) -> list[str]:
    return [phrase for _language, phrase in read_transcript(path)]


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Until the keys' effects are drawn and the speech pass they asked for has run (however
    long a busy machine takes to draw)."""
    await pilot.pause()
    await wait_until(pilot, lambda: not pilot.app.speech_pass_waiting)
    await pilot.pause()


# -- phrases ----------------------------------------------------------------------------


def test_each_kind_of_control_is_said_with_its_label_state_and_problem() -> None:
    say = phrases.control_phrase
    assert say(Control(phrases.TEXT, label="First name", required=True)) == (
        "First name, text field, required, blank"
    )
    assert say(Control(phrases.CHOICE, label="Pain", position=3, total=5, option="Sometimes")) == (
        "Pain, choice, 3 of 5: Sometimes"
    )
    assert (
        say(Control(phrases.CHECKBOX, label="I agree", ticked=True)) == "I agree, check box, ticked"
    )
    assert say(Control(phrases.TEXT, label="Date", value="", hint="2024-07-31", problem="No.")) == (
        "Date, text field, blank, 2024-07-31, Problem: No."
    )
    assert say(Control(phrases.PASSWORD, label="Password", value="x", length=9)) == (
        "Password, password field, 9 characters"
    )
    assert say(Control(phrases.SIGNATURE, label="Sign", value="Ana Lee")) == (
        "Sign, text field, your name as typed"
    )
    assert phrases.split_required("First name (required)") == ("First name", True)
    assert phrases.spell_out("QX7-K2M9") == "Q X 7, K 2 M 9"
    assert phrases.veil_name("Type it: ana LEE", "Ana Lee") == "Type it: your name as typed"


def test_phrases_are_in_the_current_language() -> None:
    set_language("es")
    assert phrases.control_phrase(Control(phrases.CHECKBOX, label="Acepto", ticked=False)) == (
        "Acepto, casilla, sin marcar"
    )
    assert phrases.kind_phrase(Control(phrases.PASSWORD, length=1)) == (
        "campo de contraseña, 1 carácter"
    )
    assert phrases.reference_phrase("AB-12") == "Su número de referencia: A B, 1 2"


def test_each_language_has_its_voice_and_the_config_may_pick_another() -> None:
    assert [voice_for(lang) for lang in available_languages()] == [
        "en", "es", "fr", "pt-br", "vi", "cmn",
    ]  # fmt: skip
    assert voice_for("es", {"es": "es-419"}) == "es-419"
    assert voice_for("de_AT") == "de"


def test_speech_settings_are_checked(tmp_path: Path) -> None:
    base = {"terminal": "t", "portals": [], "speech": True}
    with pytest.raises(ConfigError) as bad:
        parse_config({**base, "speech_rate": 20, "speech_voices": {"es": "es 419"}}, tmp_path)
    text = str(bad.value)
    assert "speech_rate" in text
    assert "speech_voices.es" in text
    config = demo_config(speech_voices={"de": "de"})
    assert "speech_voices.de: no catalog for language 'de'" in check_files(config)


def test_welcome_hint_is_in_every_language_and_remembered() -> None:
    found = dict(hint_in_languages(available_languages()))
    assert found["en"] == HINT
    assert found["es"] == gettext_in("es", HINT) != HINT
    assert len(set(found.values())) == len(found)  # a real translation in each
    assert dict(hint_in_languages(available_languages())) == found  # from the cache file


# -- the widgets, as the reader describes them ------------------------------------------


class Fields(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("Password", classes="field-label")
        yield Input(value="secret123", password=True, id="password")
        yield Label("How often? (required)", classes="field-label")
        yield RadioSet(
            *(RadioButton(o) for o in ("Never", "Rarely", "Sometimes", "Often", "Always")),
            id="q-often",
        )


async def test_a_password_is_said_by_its_length_and_a_choice_by_its_place() -> None:
    app = Fields()
    async with app.run_test() as pilot:
        password = app.query_one("#password", Input)
        assert focus_phrase(password) == "Password, password field, 9 characters"
        radios = app.query_one(RadioSet)
        radios.focus()
        await pilot.press("down", "down")
        assert focus_phrase(radios) == "How often?, choice, 3 of 5: Sometimes, required"
        await pilot.press("space")
        assert focus_phrase(radios).startswith("How often?, choice, 3 of 5: Sometimes, chosen")


# -- the kiosk ----------------------------------------------------------------------------


def kiosk(tmp_path: Path, **overrides: object) -> tuple[KioskApp, Path]:
    transcript = tmp_path / "speech.txt"
    app = KioskApp(demo_config(**overrides), speaker=TranscriptSpeaker(transcript))
    return app, transcript


async def test_f5_and_the_header_button_turn_speech_on_and_off(tmp_path: Path) -> None:
    app, transcript = kiosk(tmp_path, speech_hint=False)
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.press("f5")
        await settle(pilot)
        assert app.speech_on
        assert app.screen.query_one("#speech-button").has_class("-on")
        await pilot.click("#speech-button")
        await settle(pilot)
        assert not app.speech_on
        assert not app.screen.query_one("#speech-button").has_class("-on")
    said = spoken(transcript)
    assert said[0] == "Speech on."
    assert said[1].startswith("Welcome to the Northwind Logistics")
    assert said[2] == "I am applying for a job, button"
    assert said[-1] == "Speech off."


async def test_without_espeak_f5_says_so_on_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    app = KioskApp(demo_config())
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.press("tab", "f5")
        await settle(pilot)
        assert not app.speech_on
        assert any("Speech is not installed" in str(n.message) for n in app._notifications)
        await pilot.press("shift+tab", "enter")
        await wait_for_screen(pilot, NameScreen)  # the kiosk goes on as ever


async def test_the_first_key_on_welcome_says_the_hint_once_in_every_language(
    tmp_path: Path,
) -> None:
    app, transcript = kiosk(tmp_path)
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        shown_hint = str(app.screen.query_one("#speech-hint").render())
        for language in available_languages():
            assert gettext_in(language, HINT) in shown_hint, language
        await pilot.press("tab", "tab", "shift+tab")
        await settle(pilot)
        once = read_transcript(transcript)
        app.reset_to_welcome()  # the next visitor's Welcome says it again
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
    assert once == hint_in_languages(app.hint_languages())
    assert [lang for lang, _p in once] == ["en", "es", "fr", "pt_BR", "vi", "zh_Hans"]
    assert read_transcript(transcript) == once * 2


async def test_a_first_key_that_leaves_welcome_still_brings_the_hint(tmp_path: Path) -> None:
    """The hint is said after the key's own effect is drawn, yet it belongs to that key."""
    app, transcript = kiosk(tmp_path)
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.press("enter")  # "I am applying for a job": Welcome is gone at once
        await wait_for_screen(pilot, NameScreen)
        for _ in range(200):
            if len(read_transcript(transcript)) == len(app.languages()):
                break
            await pilot.pause(0.02)
    assert read_transcript(transcript) == hint_in_languages(app.hint_languages())


async def test_the_next_visitor_at_the_same_welcome_hears_the_hint_again(tmp_path: Path) -> None:
    """A visit that ends goes back to the Welcome it started from, not a fresh one: the hint
    belongs to the first key there after each visit, not to the screen."""
    app, transcript = kiosk(tmp_path)
    once = hint_in_languages(app.hint_languages())
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        welcome = app.screen
        await pilot.press("enter")  # a visitor starts (and hears the hint), then leaves
        await wait_for_screen(pilot, NameScreen)
        await pilot.press("escape")
        await wait_for_screen(pilot, WelcomeScreen)
        assert app.screen is welcome
        await pilot.press("tab", "tab")  # the next visitor's first keys
        for _ in range(200):
            if len(read_transcript(transcript)) >= 2 * len(once):
                break
            await pilot.pause(0.02)
        await settle(pilot)
    assert read_transcript(transcript) == once * 2


async def test_no_hint_when_the_terminal_turns_it_off(tmp_path: Path) -> None:
    app, transcript = kiosk(tmp_path, speech_hint=False)
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.press("tab", "tab")
        await settle(pilot)
    assert spoken(transcript) == []


async def test_f6_repeats_and_f7_reads_the_whole_screen(tmp_path: Path) -> None:
    app, transcript = kiosk(tmp_path, speech=True)
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await settle(pilot)
        assert app.speech_on, "speech = true: on from the start"
        start_bare_visit(app)
        await wait_for_screen(pilot, NameScreen)
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        before = len(spoken(transcript))
        await pilot.press("f7")
        await settle(pilot)
    said = spoken(transcript)
    assert said[before - 2 : before] == ["First name, text field, required, blank"] * 2
    read = said[before:]
    assert read[0] == app.portal.title
    assert "Your name" in read
    assert "Please enter your name as it appears on your ID." in read
    assert read.index("First name, text field, required, blank") < read.index(
        "Last name, text field, required, blank"
    )
    assert read[-1] == "Next, button"


async def test_a_visits_speech_ends_with_it_and_nothing_said_is_kept(tmp_path: Path) -> None:
    app, transcript = kiosk(tmp_path, idle_warning_seconds=6)
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.press("f5")
        visit = start_bare_visit(app)
        await wait_for_screen(pilot, NameScreen)
        await type_name(pilot, FIRST, LAST)
        await wait_for_screen(pilot, ReviewScreen)
        await pilot.press("f7")  # the review says the name
        await settle(pilot)
        # The visit and its screens: a screen's cancelled one-second timer can keep it (and
        # the name in its fields) alive a moment after the wipe on a busy machine.
        refs = [weakref.ref(visit), *(weakref.ref(s) for s in app.screen_stack[2:])]
        del visit
        _go_idle(app)
        await wait_for_screen(pilot, StillThereScreen)
        await settle(pilot)
        await pilot.press("f7")  # the keys work over a modal prompt too
        await wait_until(pilot, lambda: "Clearing in 5 seconds." in spoken(transcript))
        app.screen.remaining = 1  # type: ignore[attr-defined]
        await wait_for_screen(pilot, WelcomeScreen, tries=300)
        assert not app.speech_on, "the visitor's speech ended with the visit"
        assert await _freed(refs, pilot) == []
        assert await still_reachable(app, (FIRST, LAST), pilot) == []
    said = spoken(transcript)
    assert any(FIRST in p for p in said), "the review was read"
    assert any(p.startswith("Are you still there?") and "Clearing in 6 seconds" in p for p in said)
    assert "Clearing in 5 seconds." in said
    assert said.count("Continue, button") == 2, "focused, then read by F7"


async def test_a_pin_is_never_said(tmp_path: Path) -> None:
    from tests.test_staff import PIN_HASH

    app, transcript = kiosk(tmp_path, staff_pin_hash=PIN_HASH)
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.press("f5", "f12")
        await wait_for_screen(pilot, StaffPinScreen)
        await pilot.press(*"4711", "tab", "shift+tab")
        await settle(pilot)
    said = spoken(transcript)
    assert any(p.endswith("password field, 4 characters") for p in said)
    assert not any("4711" in p for p in said)


async def test_nothing_said_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    app, transcript = kiosk(tmp_path)
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.press("f5")
        start_bare_visit(app)
        await wait_for_screen(pilot, NameScreen)
        await pilot.press(*FIRST, "enter", "enter")
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
    said = spoken(transcript)
    assert any("Please enter this name." in p for p in said)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert FIRST not in logged
    for phrase in said:
        assert phrase not in logged


def test_kiosk_drive_writes_the_speech_transcript(tmp_path: Path, database_url: str) -> None:
    scenario = tmp_path / "speech.toml"
    scenario.write_text(
        '[[step]]\nexpect = "I am applying"\n[[step]]\npress = ["f5"]\n'
        '[[step]]\npress = ["enter"]\n[[step]]\nexpect = "Your name"\n'
        '[[step]]\npress = ["enter", "enter"]\n[[step]]\nexpect = "Please enter this name."\n',
        encoding="utf-8",
    )
    transcript = tmp_path / "out" / "speech.txt"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "drive", str(scenario), "--database", database_url,
         "--speech-transcript", str(transcript)],
        capture_output=True, text=True, timeout=300, check=False, env={"PATH": "/nonexistent",
        **{k: v for k, v in __import__("os").environ.items() if k != "PATH"}},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    lines = read_transcript(transcript)
    assert ("en", "Speech on.") in lines
    assert ("en", "Your name") in lines
    assert ("en", "First name, text field, required, blank, Problem: Please enter this name.") in (
        lines
    )
    assert ("en", "Last name: Problem: Please enter this name.") in lines


# -- espeak-ng ------------------------------------------------------------------------------


@pytest.mark.skipif(not espeak_installed(), reason=NO_ESPEAK)
@pytest.mark.parametrize("language", available_languages())
def test_espeak_says_a_phrase_in_each_language(language: str, tmp_path: Path) -> None:
    wav = tmp_path / f"{language}.wav"
    render_wav(gettext_in(language, HINT), language, wav)
    with wave.open(str(wav), "rb") as sound:
        seconds = sound.getnframes() / sound.getframerate()
        assert sound.getsampwidth() == 2
        samples = array("h", sound.readframes(sound.getnframes()))
    assert 0.8 < seconds < 15, seconds  # a short sentence, said
    assert max(abs(s) for s in samples) > 2000, "the file holds sound, not silence"


@pytest.mark.skipif(not espeak_installed(), reason=NO_ESPEAK)
def test_espeak_speaks_in_its_own_thread_and_a_new_phrase_interrupts() -> None:
    speaker = EspeakSpeaker(audio=False)
    try:
        speaker.say("A long text. " * 400, "en")
        deadline = time.monotonic() + 30
        while speaker._current is None and time.monotonic() < deadline:
            time.sleep(0.01)
        first = speaker._current
        assert first is not None, "espeak-ng was started"
        assert first.poll() is None, "say() returned while the phrase is still being said"
        speaker.say("Short.", "en", interrupt=True)
        first.wait(timeout=30)
        assert first.returncode != 0, "the long phrase was stopped, not finished"
    finally:
        speaker.close()


def test_espeak_command_gets_the_text_on_stdin_never_in_its_arguments() -> None:
    from kiosk.speech.speakers import espeak_argv

    argv = espeak_argv("espeak-ng", "es", 175)
    assert argv == ["espeak-ng", "-v", "es", "-s", "175", "--stdin"]
    assert shutil.which("definitely-not-espeak") is None
    assert not espeak_installed("definitely-not-espeak")


def test_a_missing_espeak_makes_no_error(tmp_path: Path) -> None:
    speaker = EspeakSpeaker(command=str(tmp_path / "absent"))
    speaker.say("hello", "en")
    speaker.say("again", "en", interrupt=True)
    speaker.close()
    assert not speaker._thread.is_alive()


class CheckBoxes(App[None]):
    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        yield Label("Symptoms (required)", classes="field-label")
        with Vertical(id="q-symptoms", classes="choices checks"):
            for index, option in enumerate(("Cough", "Fever", "Rash")):
                yield Checkbox(option, id=f"q-symptoms--o{index + 1}")


async def test_a_check_box_of_a_question_is_said_with_the_question_and_its_place() -> None:
    app = CheckBoxes()
    async with app.run_test() as pilot:
        box = app.query_one("#q-symptoms--o2", Checkbox)
        box.focus()
        await pilot.press("space")
        assert focus_phrase(box) == "Symptoms, check box, 2 of 3: Fever, ticked, required"


@pytest.mark.skipif(not PHQ9.exists(), reason=f"{PHQ9} is not here")
async def test_a_drop_down_says_its_options_as_the_arrows_move(tmp_path: Path) -> None:
    from tests.questionnaire.screen_driver import one_questionnaire_config, start

    transcript = tmp_path / "speech.txt"
    phq9 = PHQ9
    app = KioskApp(
        one_questionnaire_config(tmp_path, phq9),
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        speaker=TranscriptSpeaker(transcript),
    )
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.press("f5")
        await start(pilot)
        await settle(pilot)
        for key in ("enter", "down", "down", "enter"):
            await pilot.press(key)
            await settle(pilot)
    said = spoken(transcript)
    question = "Little interest or pleasure in doing things?"
    assert f"{question}, drop-down list, required, nothing chosen" in said
    assert f"{question}, drop-down list, nothing chosen" in said  # the open list's blank line
    assert "list, 2 of 4: Several days" in said
    assert f"{question}, drop-down list, required, Several days" in said


class Recorder:
    """A speaker that keeps each call, to see which phrases interrupt."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, bool]] = []

    def say(self, phrase: str, language: str, *, interrupt: bool = False) -> None:
        self.calls.append((phrase, interrupt))

    def stop(self) -> None:
        self.calls.append(("(stop)", True))

    def close(self) -> None:
        """Nothing to release."""


async def test_a_new_focus_interrupts_and_errors_follow_without_interrupting() -> None:
    recorder = Recorder()
    app = KioskApp(demo_config(speech_hint=False), speaker=recorder)
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.press("f5")
        start_bare_visit(app)
        await wait_for_screen(pilot, NameScreen)
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        assert recorder.calls[-1] == ("Last name, text field, required, blank", True)
        await pilot.press("enter")  # Next with no names: focus to the first name, two errors
        await settle(pilot)
    calls = recorder.calls
    first = calls.index(
        ("First name, text field, required, blank, Problem: Please enter this name.", True)
    )
    assert ("Last name: Problem: Please enter this name.", False) in calls[first:]


def test_an_unwritable_transcript_is_reported_plainly(tmp_path: Path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text('[[step]]\nexpect = "I am applying"\n', encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "drive", str(scenario),
         "--speech-transcript", str(blocker / "speech.txt")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--speech-transcript: cannot write" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_speech_modules_load_only_when_speech_is_turned_on(tmp_path: Path) -> None:
    """Welcome's hint is the only part loaded before speech is on (its tiny module)."""
    script = f"""
import asyncio, sys
from kiosk.app import KioskApp
from tests.safety_helpers import demo_config

async def main():
    KioskApp.BACKEND_START_DELAY = 3600
    app = KioskApp(demo_config(), database_url="sqlite:///{tmp_path / "db.sqlite3"}")
    async with app.run_test() as pilot:
        await pilot.pause()
        print(sorted(m for m in sys.modules if "speech" in m))
        await pilot.press("f5")  # espeak-ng or not, the speaker is looked for
        await pilot.pause()
        print(sorted(m for m in sys.modules if "speech" in m))

asyncio.run(main())
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False,
        cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    before, after = result.stdout.splitlines()[-2:]
    assert before == "['kiosk.speech', 'kiosk.speech.hint', 'kiosk.terminal.speech']"
    assert "kiosk.speech.speakers" in after
