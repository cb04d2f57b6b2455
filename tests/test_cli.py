"""The ``kiosk`` command line: version, help, check-config, and never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import __version__
from kiosk.cli import main


def run_kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_version() -> None:
    result = run_kiosk("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"kiosk {__version__}"


@pytest.mark.parametrize("command", [[], ["run"], ["check-config"], ["drive"]])
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([*command, "--help"])
    assert info.value.code == 0
    assert "usage: kiosk" in capsys.readouterr().out


def test_check_config_ok(demo_config_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-config", str(demo_config_path)]) == 0
    assert "ok" in capsys.readouterr().out


def test_check_config_uses_the_environment_variable(
    demo_config_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KIOSK_CONFIG", str(demo_config_path))
    assert main(["check-config"]) == 0
    assert str(demo_config_path) in capsys.readouterr().out


def test_check_config_reports_every_problem_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'terminal = "t"\n[[portals]]\nname = "p"\ntitle = ""\napplicant_department = "A"\n'
        'colour = "red"\n[[portals.questionnaires]]\nfile = "missing.json"\n'
        'order_item = "o"\ndocument_type = "d"\nchart_tab = "c"\n',
        encoding="utf-8",
    )
    result = run_kiosk("check-config", str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "portals[0].title: " in result.stderr
    assert "portals[0].colour: " in result.stderr


def test_check_config_names_a_questionnaire_that_is_not_json(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[1] / "config" / "kiosk.toml"
    text = (
        shipped.read_text(encoding="utf-8")
        .replace(
            "demo/questionnaires/preplacement-health-history.json", str(tmp_path / "broken.json")
        )
        .replace('"demo/', f'"{shipped.parent}/demo/')
    )
    (tmp_path / "broken.json").write_text("{ not json", encoding="utf-8")
    config = tmp_path / "kiosk.toml"
    config.write_text(text, encoding="utf-8")
    result = run_kiosk("check-config", str(config))
    assert result.returncode == 2
    assert "portals[0].questionnaires[0].file: " in result.stderr
    assert "Traceback" not in result.stderr


def test_run_refuses_an_invalid_config(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    result = run_kiosk("--config", str(missing))
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_refuses_an_unknown_portal(demo_config_path: Path) -> None:
    result = run_kiosk("--config", str(demo_config_path), "--portal", "nope")
    assert result.returncode == 2
    assert "no portal named 'nope'" in result.stderr


def test_version_does_not_import_textual() -> None:
    code = (
        "import sys; from kiosk.cli import build_parser; build_parser(); "
        "print(any(m.startswith(('textual', 'fastapi', 'sqlalchemy')) for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["smoke"],
        ["--config", "smoke"],  # "smoke" is the configuration file's name here, not a command
        ["--config", "k.toml", "smoke", "--timeout", "3"],
        ["--config=k.toml", "run", "--portal", "p"],
        ["--portal", "p"],
        ["questionnaire", "check", "a.json"],
        ["drive", "a.toml", "--size", "80x24"],
        ["check-config", "k.toml"],
    ],
)
def test_the_grammar_built_for_a_start_reads_argv_as_the_full_one(argv: list[str]) -> None:
    """A start builds only the subcommand it names (kiosk.cli.commands_needed), and must
    read its arguments exactly as the full grammar does."""
    from kiosk.cli import build_parser, commands_needed

    needed = commands_needed(argv)
    assert needed is not None
    assert len(needed) <= 1
    assert build_parser(only=needed).parse_args(argv) == build_parser().parse_args(argv)


@pytest.mark.parametrize("argv", [["-h"], ["--version"], ["bogus"], ["--config"], ["-x", "run"]])
def test_help_and_mistakes_get_the_full_grammar(argv: list[str]) -> None:
    from kiosk.cli import commands_needed

    assert commands_needed(argv) is None
