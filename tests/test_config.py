"""The configuration file: the shipped demo is valid; every kind of mistake is named by field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.config import ConfigError, consent_version, load_config, read_consent_text

VALID = """
terminal = "lobby-9"
[[portals]]
name = "p1"
title = "Portal One"
applicant_department = "Applicants"
colour = "#123456"
[[portals.consents]]
id = "c1"
title = "Consent"
text = "consent.txt"
renewal_interval_days = 365
[[portals.questionnaires]]
file = "q.json"
order_item = "Order"
document_type = "Doc"
chart_tab = "Tab"
"""

QUESTIONNAIRE = {
    "resourceType": "Questionnaire",
    "status": "active",
    "title": "Tiny",
    "item": [
        {
            "linkId": "g",
            "type": "group",
            "text": "G",
            "item": [{"linkId": "a", "type": "boolean", "text": "A?"}],
        }
    ],
}


def write_setup(tmp_path: Path, toml: str = VALID, questionnaire: object = QUESTIONNAIRE) -> Path:
    (tmp_path / "consent.txt").write_text("I agree to things.\n", encoding="utf-8")
    (tmp_path / "q.json").write_text(json.dumps(questionnaire), encoding="utf-8")
    path = tmp_path / "kiosk.toml"
    path.write_text(toml, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value.problems


def test_shipped_demo_config_is_valid(demo_config_path: Path) -> None:
    config = load_config(demo_config_path)
    portal = config.portal()
    assert portal.applicant_department
    assert len(portal.questionnaires) >= 2
    assert portal.consents[0].renewal_interval_days == 365
    for q in portal.questionnaires:
        assert q.file.is_absolute()
        assert q.file.exists()


def test_paths_resolve_against_the_file_folder(tmp_path: Path) -> None:
    config = load_config(write_setup(tmp_path))
    portal = config.portal("p1")
    assert portal.questionnaires[0].file == (tmp_path / "q.json").resolve()
    assert portal.consents[0].text == {"en": (tmp_path / "consent.txt").resolve()}
    assert portal.colour == "#123456"
    assert config.backend.embedded


def test_consent_version_is_a_hash_of_the_text(tmp_path: Path) -> None:
    consent = load_config(write_setup(tmp_path)).portal().consents[0]
    text = read_consent_text(consent, "en")
    assert text.version == consent_version("I agree to things.\n")
    assert text.version.startswith("sha256:")
    assert len(text.version) == 7 + 64


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ('colour = "#123456"', 'colour = "blue"', "portals[0].colour: String should match pattern"),
        ('terminal = "lobby-9"', "", "terminal: Field required"),
        ('name = "p1"', 'name = "has space"', "portals[0].name: String should match pattern"),
        ("renewal_interval_days = 365", "renewal_interval_days = 0", "renewal_interval_days"),
        ('chart_tab = "Tab"', 'chart_tab = "Tab"\nsurprise = 1', "surprise: Extra inputs"),
        ('file = "q.json"', 'file = "missing.json"', "portals[0].questionnaires[0].file"),
        ('text = "consent.txt"', 'text = "nope.txt"', "portals[0].consents[0].text.en"),
    ],
)
def test_mistakes_are_named_by_field(tmp_path: Path, replace: str, by: str, expected: str) -> None:
    path = write_setup(tmp_path, VALID.replace(replace, by))
    problems = problems_of(path)
    assert any(expected in p for p in problems), problems


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    broken = VALID.replace('colour = "#123456"', 'colour = "x"').replace(
        'title = "Portal One"', 'title = ""'
    )
    problems = problems_of(write_setup(tmp_path, broken))
    assert len(problems) >= 2
    assert all(": " in p for p in problems)


def test_not_toml(tmp_path: Path) -> None:
    problems = problems_of(write_setup(tmp_path, "terminal = [unclosed"))
    assert problems[0].startswith("(file): ")
    assert "not valid TOML" in problems[0]


def test_missing_file(tmp_path: Path) -> None:
    assert "does not exist" in problems_of(tmp_path / "nope.toml")[0]


@pytest.mark.parametrize(
    "questionnaire",
    ["not json at all {", {"resourceType": "Patient"}, [1, 2, 3]],
)
def test_bad_questionnaire_file_is_named(tmp_path: Path, questionnaire: object) -> None:
    path = write_setup(tmp_path)
    if isinstance(questionnaire, str):
        (tmp_path / "q.json").write_text(questionnaire, encoding="utf-8")
    else:
        (tmp_path / "q.json").write_text(json.dumps(questionnaire), encoding="utf-8")
    problems = problems_of(path)
    assert all(p.startswith("portals[0].questionnaires[0].file: ") for p in problems), problems


def test_duplicate_portal_names(tmp_path: Path) -> None:
    doubled = VALID + VALID[VALID.index("[[portals]]") :]
    assert any(
        "portal names must be unique" in p for p in problems_of(write_setup(tmp_path, doubled))
    )


def test_settings_compare_hash_and_show_themselves_as_dataclasses_do(tmp_path: Path) -> None:
    """Their equality, hash and repr are written once for all (not made per class at each
    start) and behave as the ones ``@dataclass`` makes."""
    import dataclasses

    from kiosk.config import OutboxConfig, WordsConfig

    first = load_config(check_again=True)
    again = load_config(check_again=True)
    assert first == again
    assert first is not again
    moved = dataclasses.replace(again, source=tmp_path / "elsewhere.toml")
    assert moved == first  # where it was read from is not a setting (compare=False)
    assert dataclasses.replace(first, idle_timeout_seconds=91) != first
    assert first.portals[0] != first.portals[1]
    assert first != "a configuration"

    words = WordsConfig(applicant="candidate")
    assert hash(words) == hash(WordsConfig(applicant="candidate"))
    assert {words, WordsConfig(applicant="candidate")} == {words}
    assert (
        repr(words)
        == "WordsConfig(applicant='candidate', patient=None, employer=None, portal=None)"
    )
    assert repr(OutboxConfig()) == "OutboxConfig(database=None, key_file=None)"
    assert "source=" in repr(first)
    with pytest.raises(dataclasses.FrozenInstanceError):
        words.applicant = "someone"  # type: ignore[misc]
    with pytest.raises(TypeError):
        hash(first)  # it holds lists and dicts, as a generated hash would say
