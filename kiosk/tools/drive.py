"""``kiosk drive``: run the kiosk headless and perform a scenario's steps, for testers.

A scenario is a TOML file of ``[[step]]`` tables, each with exactly one action::

    click = "#start-applicant"      # CSS selector of a widget on the current screen
    type = "Ana"                    # characters typed, one key at a time, into the focus
    press = ["tab", "enter"]        # Textual key names
    expect = "Your name"            # text that must appear on screen (waits)
    expect_not = "Traceback"        # text that must not be on screen
    screenshot = "welcome"          # an SVG of the screen into --screenshots DIR (./screenshots)

and optionally ``timeout = 5.0`` (seconds to wait for ``expect``/``expect_not``/``click``).
``--speech-transcript FILE`` writes every phrase speech would say (F5 turns it on, or the
config's ``speech = true``) to FILE instead of espeak-ng, a ``language<TAB>phrase`` line each.
Several scenario files run in turn, each on a fresh kiosk; ``--junit FILE`` reports them
(:mod:`kiosk.tools.junit`), and a failing step leaves an SVG of the screen beside that report.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

if TYPE_CHECKING:
    from textual.app import App
    from textual.pilot import Pilot

ACTIONS = ("click", "type", "press", "expect", "expect_not", "screenshot")
DEFAULT_TIMEOUT = 5.0
POLL_SECONDS = 0.05


class ScenarioStep(BaseModel):
    """One ``[[step]]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    click: str | None = None
    type: str | None = None
    press: list[str] | None = None
    expect: str | None = None
    expect_not: str | None = None
    screenshot: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$")] | None = None
    timeout: Annotated[float, Field(gt=0, le=120)] = DEFAULT_TIMEOUT

    @model_validator(mode="after")
    def _exactly_one_action(self) -> ScenarioStep:
        given = [name for name in ACTIONS if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(ACTIONS)} (got {len(given)})")
        return self

    @property
    def action(self) -> str:
        return next(name for name in ACTIONS if getattr(self, name) is not None)

    def describe(self) -> str:
        return f"{self.action} = {getattr(self, self.action)!r}"


class Scenario(BaseModel):
    """A whole scenario file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    step: list[ScenarioStep] = Field(min_length=1)


class ScenarioError(Exception):
    """The scenario file cannot be used; ``problems`` says why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class StepFailure:
    """Why step *number* failed, with the screen's text at that moment."""

    number: int
    step: ScenarioStep
    reason: str
    screen_text: str
    screenshot: Path | None = None

    def describe(self) -> str:
        return f"step {self.number} failed ({self.step.describe()}): {self.reason}"


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError([f"{path} does not exist"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"cannot read {path}: {exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{path} is not valid TOML: {exc}"]) from None
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(
            [
                ".".join(str(p) for p in err["loc"])
                + ": "
                + str(err["msg"]).removeprefix("Value error, ")
                for err in exc.errors()
            ]
        ) from None


def screen_text(app: App[Any]) -> str:
    """Everything the current screen shows, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips).rstrip()


async def _wait_for(pilot: Pilot[Any], predicate, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while True:
        await pilot.pause()
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(POLL_SECONDS)


DEFAULT_SCREENSHOTS_DIR = Path("screenshots")
"""Where ``screenshot`` steps write without ``--screenshots`` (in the working folder)."""


async def perform(
    pilot: Pilot[Any], step: ScenarioStep, screenshots: Path = DEFAULT_SCREENSHOTS_DIR
) -> str | None:
    """Do one step; the reason it failed, or ``None``."""
    app = pilot.app
    if step.click is not None:
        selector = step.click

        def present() -> bool:
            return bool(app.screen.query(selector))

        if not await _wait_for(pilot, present, step.timeout):
            return f"no widget matches {selector!r} on this screen"
        widget = app.screen.query(selector).first()
        app.screen.scroll_to_widget(widget, animate=False)
        await pilot.pause()
        if not await pilot.click(selector):
            return f"{selector!r} could not be clicked (hidden or covered)"
    elif step.type is not None:
        await pilot.press(*step.type)
    elif step.press is not None:
        await pilot.press(*step.press)
    elif step.expect is not None:
        text = step.expect
        if not await _wait_for(pilot, lambda: text in screen_text(app), step.timeout):
            return f"{text!r} did not appear within {step.timeout:g} s"
    elif step.expect_not is not None:
        text = step.expect_not
        if not await _wait_for(pilot, lambda: text not in screen_text(app), step.timeout):
            return f"{text!r} is still on screen after {step.timeout:g} s"
    elif step.screenshot is not None:
        try:
            await asyncio.to_thread(screenshots.mkdir, parents=True, exist_ok=True)
        except OSError as exc:
            return f"cannot write screenshots into {screenshots}: {exc.strerror or exc}"
        app.save_screenshot(filename=f"{step.screenshot}.svg", path=str(screenshots))
    await pilot.pause()
    return None


async def run_scenario(
    app: App[Any],
    scenario: Scenario,
    *,
    size: tuple[int, int] = (100, 36),
    screenshots: Path = DEFAULT_SCREENSHOTS_DIR,
    failure_screenshot: Path | None = None,
) -> StepFailure | None:
    """Perform every step of *scenario* on *app*, headless; the first failure, or ``None``.

    With *failure_screenshot*, a failing step leaves an SVG of the screen at that path.
    """
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for number, step in enumerate(scenario.step, start=1):
            reason = await perform(pilot, step, screenshots)
            if reason is not None:
                failure = StepFailure(number, step, reason, screen_text(app))
                if failure_screenshot is not None:
                    failure_screenshot.parent.mkdir(parents=True, exist_ok=True)
                    app.save_screenshot(
                        filename=failure_screenshot.name, path=str(failure_screenshot.parent)
                    )
                    failure.screenshot = failure_screenshot
                return failure
    return None


def parse_size(text: str) -> tuple[int, int]:
    """``100x36`` -> (100, 36)."""
    cols, _, rows = text.lower().partition("x")
    width, height = int(cols), int(rows)
    if not (20 <= width <= 1000 and 10 <= height <= 1000):
        raise ValueError(text)
    return width, height


def transcript_speaker(path: Path):  # type: ignore[no-untyped-def]
    """Speech into *path* instead of espeak-ng (``--speech-transcript``)."""
    from kiosk.speech.speakers import TranscriptSpeaker

    return TranscriptSpeaker(path)


def drive_main(args: argparse.Namespace) -> int:
    """The ``kiosk drive`` command: every scenario in turn, each on a fresh kiosk."""
    from kiosk.cli import EXIT_INVALID_CONFIG, _load_or_report
    from kiosk.tools.junit import CaseResult, write_junit

    try:
        size = parse_size(args.size)
    except ValueError:
        print(f"--size: expected COLSxROWS such as 100x36, got {args.size!r}", file=sys.stderr)
        return EXIT_INVALID_CONFIG
    paths: list[Path] = args.scenario if isinstance(args.scenario, list) else [args.scenario]
    scenarios: dict[Path, Scenario] = {}
    results: list[CaseResult] = []
    for path in paths:
        try:
            scenarios[path] = load_scenario(path)
        except ScenarioError as exc:
            print(f"{path}: the scenario is not valid:", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
            results.append(CaseResult(path, error="the scenario is not valid", detail=str(exc)))
    config = _load_or_report(getattr(args, "config", None))
    junit: Path | None = getattr(args, "junit", None)
    if config is None:
        results = [CaseResult(p, error="the configuration is not valid") for p in paths]
        scenarios = {}
    from kiosk.app import KioskApp

    shots_beside = junit.parent if junit is not None else args.screenshots
    transcript: Path | None = getattr(args, "speech_transcript", None)
    if transcript is not None:
        try:
            transcript.parent.mkdir(parents=True, exist_ok=True)
            transcript.write_text("", encoding="utf-8")  # this run's phrases only
        except OSError as exc:
            reason = f"cannot write {transcript}: {exc.strerror}"
            print(f"--speech-transcript: {reason}", file=sys.stderr)
            return EXIT_INVALID_CONFIG
    for path, scenario in scenarios.items():
        assert config is not None  # no scenario is left to run without a configuration
        app = KioskApp(
            config,
            portal=getattr(args, "portal", None),
            database_url=getattr(args, "database", None),
            speaker=None if transcript is None else transcript_speaker(transcript),
        )
        shot = None if shots_beside is None else shots_beside / f"{path.stem}-failed.svg"
        started = time.monotonic()
        failure = asyncio.run(
            run_scenario(
                app,
                scenario,
                size=size,
                screenshots=args.screenshots or DEFAULT_SCREENSHOTS_DIR,
                failure_screenshot=shot,
            )
        )
        seconds = time.monotonic() - started
        if failure is None:
            print(f"{path}: {len(scenario.step)} steps passed")
            results.append(CaseResult(path, seconds=seconds, steps=len(scenario.step)))
            continue
        where = f"\n(screenshot: {failure.screenshot})" if failure.screenshot else ""
        print(
            f"{path}: {failure.describe()}\n--- screen ---\n{failure.screen_text}{where}",
            file=sys.stderr,
        )
        results.append(
            CaseResult(
                path,
                seconds=seconds,
                steps=len(scenario.step),
                failure=failure.describe(),
                detail=failure.screen_text,
                screenshot=failure.screenshot,
            )
        )
    if junit is not None:
        write_junit(junit, results)
    if any(r.error for r in results):
        return EXIT_INVALID_CONFIG
    return 1 if any(r.failure for r in results) else 0
