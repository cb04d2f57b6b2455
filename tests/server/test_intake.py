"""The filing logic behind POST /v1/applicants: fingerprints and the recovery paths."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.server import intake
from kiosk.server.db import create_schema, make_engine, make_sessionmaker
from kiosk.server.models import Chart, ConsentSignature, Document, IdempotencyKey
from kiosk.server.schemas import ApplicantIn
from tests.server.payloads import applicant_body


@pytest.fixture
def sessions(sqlite_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(sqlite_url)
    create_schema(engine)
    yield make_sessionmaker(engine)
    engine.dispose()


def payload(**overrides: object) -> ApplicantIn:
    return ApplicantIn.model_validate(applicant_body(**overrides))


def count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_fingerprint_ignores_key_order_but_not_content() -> None:
    body = applicant_body()
    reordered = ApplicantIn.model_validate(dict(reversed(list(body.items()))))
    assert intake.fingerprint(reordered) == intake.fingerprint(payload())
    assert intake.fingerprint(payload(first_name="Bea")) != intake.fingerprint(payload())
    assert len(intake.fingerprint(payload())) == 64


def test_one_transaction_writes_chart_documents_consents_and_key(
    sessions: sessionmaker[Session],
) -> None:
    result = intake.create_applicant(sessions, "unit-key-1", payload())
    assert result.created is True
    assert (count(sessions, Chart), count(sessions, Document)) == (1, 2)
    assert (count(sessions, ConsentSignature), count(sessions, IdempotencyKey)) == (1, 1)
    with sessions() as session:
        record = session.get_one(IdempotencyKey, "unit-key-1")
        assert record.chart_id == result.chart_id
        assert record.response_body == {"chart_id": result.chart_id, "reference": result.reference}


def _miss_first_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the first key lookup miss, as it does for the loser of a race."""
    real = intake._replay
    calls = iter([False])

    def replay(session: Session, key: str, digest: str) -> intake.ApplicantCreated | None:
        if next(calls, True):
            return real(session, key, digest)
        return None

    monkeypatch.setattr(intake, "_replay", replay)


def test_losing_a_race_rolls_back_and_answers_the_winner(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    winner = intake.create_applicant(sessions, "race-key-1", payload())
    _miss_first_lookup(monkeypatch)

    loser = intake.create_applicant(sessions, "race-key-1", payload())

    assert loser.model_dump() == {**winner.model_dump(), "created": False}
    assert (count(sessions, Chart), count(sessions, Document)) == (1, 2)


def test_losing_a_race_with_another_body_is_a_conflict(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    intake.create_applicant(sessions, "race-key-2", payload())
    _miss_first_lookup(monkeypatch)

    with pytest.raises(intake.IdempotencyConflict):
        intake.create_applicant(sessions, "race-key-2", payload(first_name="Bea"))
    assert count(sessions, Chart) == 1


def _references(*refs: str) -> Callable[..., str]:
    queue = iter(refs)
    return lambda _is_taken: next(queue)


def test_a_reference_clash_at_insert_is_retried_with_a_new_reference(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "unused_reference", _references("AAAA-AAAA"))
    intake.create_applicant(sessions, "clash-key-1", payload())
    # The next request draws the same reference (as a concurrent one could), then a free one.
    monkeypatch.setattr(intake, "unused_reference", _references("AAAA-AAAA", "BBBB-BBBB"))

    second = intake.create_applicant(sessions, "clash-key-2", payload())

    assert second.created is True
    assert second.reference == "BBBB-BBBB"
    assert count(sessions, Chart) == 2
    assert count(sessions, Document) == 4


def test_endless_reference_clashes_give_up_without_writing(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "unused_reference", lambda _is_taken: "AAAA-AAAA")
    intake.create_applicant(sessions, "clash-key-3", payload())

    with pytest.raises(intake.IntakeRetriesExhausted):
        intake.create_applicant(sessions, "clash-key-4", payload())
    assert count(sessions, Chart) == 1
    assert count(sessions, IdempotencyKey) == 1
