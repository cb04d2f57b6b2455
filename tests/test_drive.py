"""``kiosk drive``: a keyboard scenario completes a visit on the fixture portal; the shipped
demo scenario is what its generator makes of the demo; failures are reported plainly."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from kiosk.config import load_config
from tests.keyboard_visit import FIRST, LAST, scenario_text
from tests.mini_portal import write_mini_portal
from tests.scenarios.generate_demo_visit import demo_scenario
from tests.server.live import live_server, token_headers

SCENARIOS = Path(__file__).with_name("scenarios")


def drive(
    *args: str, timeout: float = 300, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "drive", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
    )


def test_a_keyboard_scenario_completes_a_visit(tmp_path: Path, database_url: str) -> None:
    config = write_mini_portal(tmp_path / "portal")
    scenario = tmp_path / "visit.toml"
    scenario.write_text(scenario_text(load_config(config).portal()), encoding="utf-8")
    shots = tmp_path / "shots"
    result = drive(
        str(scenario),
        *("--config", str(config), "--database", database_url, "--screenshots", str(shots)),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "steps passed" in result.stdout
    assert {p.name for p in shots.iterdir()} == {"welcome.svg", "review.svg", "confirmation.svg"}
    with live_server(database_url) as base:
        charts = httpx.get(f"{base}/v1/charts", headers=token_headers(database_url)).json()
    assert len(charts) == 1
    [chart] = charts
    assert (chart["first_name"], chart["last_name"]) == (FIRST, LAST)
    assert chart["login_enabled"] is False
    assert len(chart["documents"]) == 1


def test_the_demo_scenario_is_the_keyboard_visit_of_the_shipped_demo() -> None:
    """The example scenario follows the demo's forms (regenerate it after changing them)."""
    shipped = (SCENARIOS / "demo_applicant_visit.toml").read_text(encoding="utf-8")
    assert shipped == demo_scenario(), "run tests/scenarios/generate_demo_visit.py"


def test_screenshot_steps_go_into_a_screenshots_folder_by_default(
    tmp_path: Path, database_url: str
) -> None:
    scenario = tmp_path / "shots.toml"
    scenario.write_text(
        '[[step]]\nexpect = "I am applying"\n[[step]]\nscreenshot = "welcome"\n',
        encoding="utf-8",
    )
    working = tmp_path / "work"
    working.mkdir()
    result = drive(str(scenario), "--database", database_url, cwd=working)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "2 steps passed" in result.stdout
    [shot] = (working / "screenshots").iterdir()
    assert shot.name == "welcome.svg"
    assert "I am applying" in shot.read_text(encoding="utf-8").replace("&#160;", " ")


def test_a_failing_step_is_reported_with_the_screen(tmp_path: Path, database_url: str) -> None:
    scenario = tmp_path / "fail.toml"
    scenario.write_text(
        '[[step]]\nexpect = "I am applying"\n[[step]]\nexpect = "Not on any screen"\n'
        "timeout = 0.5\n",
        encoding="utf-8",
    )
    result = drive(str(scenario), "--database", database_url)
    assert result.returncode == 1
    assert "step 2 failed (expect = 'Not on any screen')" in result.stderr
    assert "--- screen ---" in result.stderr
    assert "I am applying for a job" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[[step]]\nclick = "#a"\ntype = "b"\n', "step.0: give exactly one of"),
        ('[[step]]\nwave = "hello"\n', "step.0.wave: Extra inputs are not permitted"),
        ("[[step]\n", "is not valid TOML"),
        ("", "step: Field required"),
    ],
)
def test_an_invalid_scenario_is_refused(tmp_path: Path, content: str, message: str) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text(content, encoding="utf-8")
    result = drive(str(scenario))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_click_on_a_missing_widget_fails_the_step(tmp_path: Path, database_url: str) -> None:
    scenario = tmp_path / "click.toml"
    scenario.write_text('[[step]]\nclick = "#no-such-widget"\ntimeout = 0.5\n', encoding="utf-8")
    result = drive(str(scenario), "--database", database_url)
    assert result.returncode == 1
    assert "no widget matches '#no-such-widget'" in result.stderr


def test_junit_report_has_one_case_per_scenario_and_a_failure_screenshot(
    tmp_path: Path, database_url: str
) -> None:
    passing = tmp_path / "welcome.toml"
    passing.write_text('[[step]]\nexpect = "I am applying for a job"\n', encoding="utf-8")
    failing = tmp_path / "lost.toml"
    failing.write_text(
        '[[step]]\nexpect = "I am applying"\n[[step]]\nexpect = "Not on any screen"\n'
        "timeout = 0.5\n",
        encoding="utf-8",
    )
    report = tmp_path / "reports" / "drive.xml"
    result = drive(str(passing), str(failing), "--database", database_url, "--junit", str(report))
    assert result.returncode == 1
    assert f"{passing}: 1 steps passed" in result.stdout
    root = ET.parse(report).getroot()
    [suite] = root.findall("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "1", "0")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == {"welcome", "lost"}
    assert cases["welcome"].find("failure") is None
    failure = cases["lost"].find("failure")
    assert failure is not None
    assert failure.get("message") == (
        "step 2 failed (expect = 'Not on any screen'): "
        "'Not on any screen' did not appear within 0.5 s"
    )
    assert "I am applying for a job" in (failure.text or "")
    shot = report.parent / "lost-failed.svg"
    assert shot.exists()
    svg = ET.parse(shot).getroot()
    assert svg.tag.endswith("svg")
    assert "applying" in shot.read_text(encoding="utf-8")
    assert f"[[ATTACHMENT|{shot}]]" in ET.tostring(cases["lost"], encoding="unicode")


def test_an_invalid_scenario_among_several_is_an_error_case(
    tmp_path: Path, database_url: str
) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[[step]]\nexpect = "I am applying for a job"\n', encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[step]]\nwave = "hello"\n', encoding="utf-8")
    report = tmp_path / "drive.xml"
    result = drive(str(good), str(bad), "--database", database_url, "--junit", str(report))
    assert result.returncode == 2
    assert "step.0.wave: Extra inputs are not permitted" in result.stderr
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "0", "1")
