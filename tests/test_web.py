"""``kiosk web``: a complete applicant visit on the fixture portal in headless Chromium, by
keyboard alone (the scenario of ``tests/keyboard_visit.py``).

The page is driven with Playwright on Debian's Chromium (``/usr/bin/chromium``; ``.ci/run``
installs it where missing). The terminal in the page draws on a canvas, so the test reads
what the kiosk sent down the page's websocket instead: the same bytes the terminal draws.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import textual_serve

from kiosk.config import load_config
from kiosk.tools.drive import load_scenario
from tests.keyboard_visit import FIRST, LAST, scenario_text
from tests.mini_portal import write_mini_portal
from tests.server.live import live_server, token_headers

TERMINAL_SCRIPT = Path(textual_serve.__file__).parent / "static" / "js" / "textual.js"
CHINESE_WELCOME = "我在申请工作"  # "I am applying for a job" in Simplified Chinese
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Textual key names in scenarios -> the browser's key names.
KEYS = {
    "enter": "Enter",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "down": "ArrowDown",
    "up": "ArrowUp",
    "left": "ArrowLeft",
    "right": "ArrowRight",
    "space": " ",
    "escape": "Escape",
    "backspace": "Backspace",
}
_ESCAPES = re.compile(
    r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|\x1bP.*?\x1b\\"  # DCS
    r"|\x1b[@-Z\\-_]",
    re.DOTALL,
)

pytestmark = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason="no Chromium at /usr/bin/chromium (apt-get install -y chromium chromium-driver)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def portal_config(tmp_path: Path) -> Path:
    return write_mini_portal(tmp_path / "portal")


@pytest.fixture
def kiosk_web(tmp_path: Path, portal_config: Path, database_url: str) -> Iterator[str]:
    """``kiosk web`` on the fixture portal on a free port; its URL. Stopped with every kiosk
    it started."""
    port = _free_port()
    log = (tmp_path / "web.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk.cli",
            "web",
            "--config",
            str(portal_config),
            "--database",
            database_url,
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert proc.poll() is None, (tmp_path / "web.log").read_text()
            assert time.monotonic() < deadline, "kiosk web did not listen within 60 s"
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


class Terminal:
    """What the kiosk has sent to the page, as text, and a way to wait for it."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.chunks: list[str] = []
        self.last_frame = time.monotonic()
        self.mark = 0
        page.on("websocket", self._watch)

    def _watch(self, ws) -> None:  # type: ignore[no-untyped-def]
        ws.on("framereceived", self._frame)

    def _frame(self, payload: str | bytes) -> None:
        text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
        self.chunks.append(text)
        self.last_frame = time.monotonic()

    def text(self) -> str:
        return _ESCAPES.sub("", "".join(self.chunks))

    def wait_for(self, wanted: str, seconds: float) -> None:
        """Wait until *wanted* is drawn after the previous match."""
        deadline = time.monotonic() + seconds
        while True:
            text = self.text()
            found = text.find(wanted, self.mark)
            if found >= 0:
                self.mark = found + len(wanted)
                return
            if time.monotonic() > deadline:
                tail = text[-1500:]
                raise AssertionError(f"{wanted!r} not drawn within {seconds:g} s; last:\n{tail}")
            self.page.wait_for_timeout(50)

    def press(self, key: str) -> None:
        """Press *key* and wait until the kiosk has answered it (see :meth:`settle`)."""
        sent = time.monotonic()
        self.page.keyboard.press(key)
        self.settle(sent)

    def settle(self, sent: float, quiet: float = 0.08) -> None:
        """Wait for the kiosk's first frame after *sent*, then for *quiet* seconds of none.

        Every key of a visit changes the screen (a character, a focus ring, a tick), so the
        first frame says the key arrived; the quiet spell lets the handlers it set off (a
        focus moved on Enter, a new screen) finish before the next key goes.
        """
        deadline = sent + 2.0
        while self.last_frame < sent and time.monotonic() < deadline:
            self.page.wait_for_timeout(10)
        deadline = time.monotonic() + 3.0
        while time.monotonic() - self.last_frame < quiet and time.monotonic() < deadline:
            self.page.wait_for_timeout(10)


def test_an_applicant_visit_in_headless_chromium(
    kiosk_web: str, portal_config: Path, database_url: str, tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    scenario_file = tmp_path / "visit.toml"
    portal = load_config(portal_config).portal()
    scenario_file.write_text(scenario_text(portal), encoding="utf-8")
    scenario = load_scenario(scenario_file)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            terminal = Terminal(page)
            page.goto(kiosk_web)
            terminal.wait_for("I am applying for a job", 60)
            page.locator(".xterm-helper-textarea").focus()  # the terminal takes the keys
            page.wait_for_timeout(300)
            try:
                for step in scenario.step:
                    assert step.click is None, "a browser visit is driven by keyboard alone"
                    if step.expect is not None:
                        terminal.wait_for(step.expect, max(step.timeout, 30))
                        # A new screen may still be settling (focus, recompose): let it.
                        terminal.settle(time.monotonic() - 1, quiet=0.5)
                    for key in [*(step.press or ()), *(step.type or "")]:
                        terminal.press(KEYS.get(key, key))
            except AssertionError:
                page.screenshot(path=str(tmp_path / "failed.png"))
                raise
            assert "Traceback" not in terminal.text()
            page.screenshot(path=str(tmp_path / "confirmation.png"))
        finally:
            browser.close()
    with live_server(database_url) as base:
        headers = token_headers(database_url)
        charts = httpx.get(f"{base}/v1/charts", headers=headers, timeout=30).json()
        assert [(c["first_name"], c["last_name"]) for c in charts] == [(FIRST, LAST)]
        chart = httpx.get(f"{base}/v1/charts/{charts[0]['id']}", headers=headers, timeout=30)
    assert len(chart.json()["documents"]) == 1


def terminal_font() -> str:
    """The font stack textual-serve's terminal draws with (read from its script)."""
    found = re.search(r'fontFamily:"([^"]+)"', TERMINAL_SCRIPT.read_text(encoding="utf-8"))
    assert found, f"no fontFamily in {TERMINAL_SCRIPT}"
    return found[1]


# Draws each character in the page's own canvas with the terminal's fonts, and says which are
# drawn as the same picture as a character no font has (U+E000): the empty boxes ("tofu") of a
# machine without CJK fonts. A real glyph also differs from a space (it has ink).
MISSING_GLYPHS_JS = """([font, characters]) => {
  const draw = (text) => {
    const canvas = document.createElement("canvas");
    canvas.width = 64; canvas.height = 64;
    const pen = canvas.getContext("2d");
    pen.fillStyle = "#fff"; pen.fillRect(0, 0, 64, 64);
    pen.fillStyle = "#000"; pen.font = "40px " + font; pen.textBaseline = "top";
    pen.fillText(text, 8, 8);
    return Array.from(pen.getImageData(0, 0, 64, 64).data).join(",");
  };
  const missing = draw("\\uE000"), blank = draw(" ");
  return Array.from(characters).filter((c) => [missing, blank].includes(draw(c)));
}"""


def test_chinese_is_drawn_with_real_glyphs_in_chromium(kiosk_web: str, tmp_path: Path) -> None:
    """A thin client needs CJK fonts (Debian: fonts-noto-cjk) or 中文 is drawn as empty boxes."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            terminal = Terminal(page)
            page.goto(kiosk_web)
            terminal.wait_for("I am applying for a job", 60)
            page.locator(".xterm-helper-textarea").focus()
            terminal.settle(time.monotonic() - 1, quiet=0.5)
            terminal.press("F2")  # the language list: English, Español, ..., 中文 (简体)
            terminal.wait_for("中文", 30)
            terminal.settle(time.monotonic() - 1, quiet=0.5)
            for key in ["Tab"] * 5 + ["Enter"]:
                terminal.press(key)
            terminal.wait_for(CHINESE_WELCOME, 30)  # Welcome, now in Chinese
            terminal.settle(time.monotonic() - 1, quiet=0.5)
            page.screenshot(path=str(tmp_path / "welcome-zh_Hans.png"))
            shown = sorted({c for c in CHINESE_WELCOME + "中文简体" if ord(c) > 0x2E80})
            boxes = page.evaluate(MISSING_GLYPHS_JS, [terminal_font(), "".join(shown)])
        finally:
            browser.close()
    assert boxes == [], f"drawn as empty boxes (no CJK font; Debian: fonts-noto-cjk): {boxes}"
