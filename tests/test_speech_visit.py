"""A whole applicant visit, keyboard only, with speech on: the transcript holds every question,
every answer option, every error and the reference number, in English and in Spanish."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RadioButton, RadioSet, Static, TextArea

from kiosk.app import KioskApp
from kiosk.config import load_config
from kiosk.i18n import gettext_in
from kiosk.speech.hint import hint_in_languages
from kiosk.speech.phrases import clean, spell_out, split_required
from kiosk.speech.speakers import TranscriptSpeaker, read_transcript
from screens.confirmation import ConfirmationScreen
from screens.language import LanguageScreen
from screens.questionnaire_page import QuestionnairePageScreen
from screens.review import ReviewScreen
from screens.speech_reader import shown
from screens.welcome import WelcomeScreen
from tests.visit_helpers import TYPED_EXAMPLES, wait_for_screen

PORTAL = "cascade-contractors"  # every text of its questionnaire is translated
FIRST, LAST = "Ana", "Lopez"


def _said(transcript: Path, words: str) -> bool:
    """Whether a phrase holding *words* is in the transcript yet."""
    return transcript.exists() and any(words in phrase for _, phrase in read_transcript(transcript))


class Walk:
    reference = ""

    """Keys only, as a visitor who cannot see the screen: Tab, arrows, Space, Enter, typing."""

    def __init__(self, pilot: Pilot[None], transcript: Path) -> None:
        self.pilot = pilot
        self.app = pilot.app
        self.transcript = transcript
        self.errors: set[str] = set()
        self.questions: set[str] = set()
        self.options: set[str] = set()

    async def press(self, *keys: str) -> None:
        for key in keys:
            await self.pilot.press(key)
            await self.pilot.pause()

    def focused_id(self) -> str | None:
        focused = self.app.screen.focused
        return None if focused is None else focused.id

    async def tab_to(self, widget_id: str) -> None:
        for _n in range(60):
            if self.focused_id() == widget_id:
                return
            await self.press("tab")
        raise AssertionError(f"Tab never reached #{widget_id}")

    def note_errors(self) -> None:
        for error in self.app.screen.query(".field-error"):
            if shown(error) and (text := clean(str(error.render()))):
                self.errors.add(text)

    async def press_next(self, button: str = "next") -> None:
        await self.tab_to(button)
        before = self.app.screen
        await self.press("enter")
        await self.settle()
        if self.app.screen is before:
            self.note_errors()

    async def settle(self) -> None:
        await self.pilot.pause()
        await self.pilot.wait_for_scheduled_animations()
        await self.pilot.pause(0.05)
        await self.pilot.pause()

    async def page(self, *, answer: bool) -> None:
        """Tab through one questionnaire page, to Next, hearing every option of each choice."""
        screen = self.app.screen
        assert isinstance(screen, QuestionnairePageScreen)
        for _n in range(80):
            focused = screen.focused
            if focused is None or focused.id == "next":
                return
            ref = screen.ctx.refs.get(focused.id or "")
            if ref is not None:
                field = ref.field
                self.questions.add(field.item.label_in(self.app.language))
                if isinstance(focused, RadioSet):
                    buttons = list(focused.query(RadioButton))
                    self.options.update(str(b.label) for b in buttons)
                    await self.press(*["down"] * len(buttons))  # each one, round to the first
                    if answer and focused.pressed_index < 0:
                        await self.press("space")
                elif isinstance(focused, Input | TextArea) and answer:
                    current = focused.value if isinstance(focused, Input) else focused.text
                    if not current:
                        await self.press(*TYPED_EXAMPLES[field.item.type])
            await self.press("tab")
        raise AssertionError("Tab never reached Next")


async def walk_visit(app: KioskApp, transcript: Path, language: str) -> Walk:
    async with app.run_test(size=(110, 40)) as pilot:
        walk = Walk(pilot, transcript)
        await wait_for_screen(pilot, WelcomeScreen)
        if language != "en":
            await walk.press("f2")
            await wait_for_screen(pilot, LanguageScreen)
            for _n in range(10):
                if walk.focused_id() == f"choose-{language}":
                    break
                await walk.press("down")
            await walk.press("enter")
            await wait_for_screen(pilot, WelcomeScreen)
        await walk.press("f5")
        assert app.speech_on
        await walk.settle()
        await walk.tab_to("start-applicant")
        await walk.press("enter")
        # Name: Next with nothing typed, then the names.
        await walk.settle()
        await walk.press_next()
        await walk.tab_to("first-name")
        await walk.press(*FIRST, "enter", *LAST, "enter")
        await walk.settle()
        # Consent: Next first (two errors), then sign.
        await walk.press_next()
        await walk.tab_to("consent-signature")
        await walk.press(*f"{FIRST} {LAST}", "enter", "space")
        await walk.press_next()
        # Each page: to Next without answering (errors), then answer from the top.
        for _n in range(20):
            if not isinstance(app.screen, QuestionnairePageScreen):
                break
            screen = app.screen
            await walk.page(answer=False)
            await walk.press_next()
            for _n in range(5):
                if app.screen is not screen:
                    break
                await walk.page(answer=True)
                await walk.press_next()
        await wait_for_screen(pilot, ReviewScreen)
        await walk.press_next("submit")
        await wait_for_screen(pilot, ConfirmationScreen, tries=400)
        walk.reference = str(app.screen.query_one("#reference", Static).render())
        # The confirmation is spoken once the screen has opened: on a busy machine that may be a
        # while after it shows, so wait for the phrase (generously) instead of a fixed pause.
        digits = spell_out(walk.reference)
        for _n in range(600):
            await walk.settle()
            if _said(transcript, digits):
                break
    return walk


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_keyboard_visit_is_spoken_whole(
    language: str, demo_config_path: Path, database_url: str, tmp_path: Path
) -> None:
    transcript = tmp_path / "speech.txt"
    speaker = TranscriptSpeaker(transcript)
    app = KioskApp(
        load_config(demo_config_path), portal=PORTAL, database_url=database_url, speaker=speaker
    )
    walk = await walk_visit(app, transcript, language)
    lines = read_transcript(transcript)
    spoken = "\n".join(phrase for lang, phrase in lines if lang == language)

    assert walk.questions, "the walk met no question"
    for question in walk.questions:
        assert clean(split_required(question)[0]) in spoken, question
    assert {"Yes", "No"} <= walk.options if language == "en" else {"Sí", "No"} <= walk.options
    for option in walk.options:
        assert option in spoken, option
    assert len(walk.errors) >= 4, walk.errors  # both names, the consent's two, the pages'
    for error in walk.errors:
        assert error in spoken, error
    said_reference = gettext_in(language, "Your reference number:")
    assert f"{said_reference} {spell_out(walk.reference)}" in spoken
    # The name on the consent is said only as "your name as typed".
    assert f"{FIRST} {LAST}" not in transcript.read_text(encoding="utf-8")
    assert gettext_in(language, "your name as typed") in spoken
    # Everything is said in the visitor's language (Welcome's hint is said in all of them).
    hints = {hint for _lang, hint in hint_in_languages(app.hint_languages())}
    assert {lang for lang, phrase in lines if phrase not in hints} == {language}
