"""JUnit XML for ``kiosk drive --junit``: one test case per scenario file.

The format is the one CI servers read (Jenkins, GitLab, GitHub test reporters): a
``<testsuites>`` with one ``<testsuite>``; a failed step is a ``<failure>`` whose text is
the screen at that moment, and its SVG screenshot is named in ``<system-out>`` in the
``[[ATTACHMENT|path]]`` form that Jenkins and GitLab link to.
"""

from __future__ import annotations

import platform
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SUITE_NAME = "kiosk drive"


@dataclass(frozen=True)
class CaseResult:
    """How one scenario went: passed, failed at a step, or could not run (error)."""

    scenario: Path
    seconds: float = 0.0
    steps: int = 0
    failure: str | None = None
    error: str | None = None
    detail: str = ""
    screenshot: Path | None = None


def build_junit(results: list[CaseResult], *, timestamp: datetime | None = None) -> ET.Element:
    """The ``<testsuites>`` element for *results*."""
    failures = sum(1 for r in results if r.failure)
    errors = sum(1 for r in results if r.error)
    total = sum(r.seconds for r in results)
    counts = {
        "tests": str(len(results)),
        "failures": str(failures),
        "errors": str(errors),
        "skipped": "0",
        "time": f"{total:.3f}",
    }
    root = ET.Element("testsuites", {"name": SUITE_NAME, **counts})
    suite = ET.SubElement(
        root,
        "testsuite",
        {
            "name": SUITE_NAME,
            **counts,
            "timestamp": (timestamp or datetime.now(UTC)).isoformat(timespec="seconds"),
            "hostname": platform.node(),
        },
    )
    for result in results:
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": "kiosk.tools.drive",
                "name": result.scenario.stem,
                "file": str(result.scenario),
                "time": f"{result.seconds:.3f}",
            },
        )
        if result.error:
            ET.SubElement(case, "error", {"message": result.error}).text = result.detail
        elif result.failure:
            ET.SubElement(case, "failure", {"message": result.failure}).text = result.detail
        else:
            ET.SubElement(case, "system-out").text = f"{result.steps} steps passed"
        if result.screenshot is not None:
            ET.SubElement(case, "system-out").text = f"[[ATTACHMENT|{result.screenshot}]]"
    return root


def write_junit(path: Path, results: list[CaseResult]) -> None:
    """Write the report for *results* to *path* (its folder is created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tree = ET.ElementTree(build_junit(results))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
