"""The filing logic behind POST /v1/applicants: fingerprints and the recovery paths."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.contract.wire.applicant import ApplicantIn
from kiosk.server import intake
from kiosk.server.charts import get_chart
from kiosk.server.db import create_schema, make_engine, make_sessionmaker
from kiosk.server.models import Chart, ConsentSignature, Document, IdempotencyKey
from kiosk.server.tokens import Caller
from tests.server.payloads import HEALTH_HISTORY, applicant_body, configure_payload_portal


@pytest.fixture
def sessions(server_database_url: str) -> Iterator[sessionmaker[Session]]:
    """Write sessions on SQLite, and on PostgreSQL when the tests have a server."""
    configure_payload_portal(server_database_url)
    engine = make_engine(server_database_url)
    create_schema(engine)
    yield make_sessionmaker(engine, writes=True)
    engine.dispose()


LOBBY = Caller(terminal="lobby-1", admin=False)


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
    result = intake.create_applicant(sessions, LOBBY, "unit-key-1", payload())
    assert result.created is True
    assert (count(sessions, Chart), count(sessions, Document)) == (1, 2)
    assert (count(sessions, ConsentSignature), count(sessions, IdempotencyKey)) == (1, 1)
    with sessions() as session:
        record = session.get_one(IdempotencyKey, intake.scoped_key("lobby-1", "unit-key-1"))
        assert record.chart_id == result.chart_id
        assert record.response_body == {"chart_id": result.chart_id, "reference": result.reference}


def _miss_first_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the first key lookup miss, as it does for the loser of a race."""
    real = intake._look_up
    calls = iter([False])

    def look_up(connection: Connection, key: str, digest: str, portal: str) -> intake.Earlier:
        found = real(connection, key, digest, portal)
        if next(calls, True):
            return found
        return intake.Earlier(replay=None, portal=found.portal)

    monkeypatch.setattr(intake, "_look_up", look_up)


def test_losing_a_race_rolls_back_and_answers_the_winner(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    winner = intake.create_applicant(sessions, LOBBY, "race-key-1", payload())
    _miss_first_lookup(monkeypatch)

    loser = intake.create_applicant(sessions, LOBBY, "race-key-1", payload())

    assert loser.model_dump() == {**winner.model_dump(), "created": False}
    assert (count(sessions, Chart), count(sessions, Document)) == (1, 2)


def test_losing_a_race_with_another_body_is_a_conflict(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    intake.create_applicant(sessions, LOBBY, "race-key-2", payload())
    _miss_first_lookup(monkeypatch)

    with pytest.raises(intake.IdempotencyConflict):
        intake.create_applicant(sessions, LOBBY, "race-key-2", payload(first_name="Bea"))
    assert count(sessions, Chart) == 1


def _references(*refs: str) -> Callable[[], str]:
    queue = iter(refs)
    return lambda: next(queue)


def test_a_reference_clash_at_insert_is_retried_with_a_new_reference(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "new_reference", _references("AAAA-AAAA"))
    intake.create_applicant(sessions, LOBBY, "clash-key-1", payload())
    # The next request draws the same reference (as a concurrent one could), then a free one.
    monkeypatch.setattr(intake, "new_reference", _references("AAAA-AAAA", "BBBB-BBBB"))

    second = intake.create_applicant(sessions, LOBBY, "clash-key-2", payload())

    assert second.created is True
    assert second.reference == "BBBB-BBBB"
    assert count(sessions, Chart) == 2
    assert count(sessions, Document) == 4


def test_endless_reference_clashes_give_up_without_writing(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "new_reference", lambda: "AAAA-AAAA")
    intake.create_applicant(sessions, LOBBY, "clash-key-3", payload())

    with pytest.raises(intake.IntakeRetriesExhausted):
        intake.create_applicant(sessions, LOBBY, "clash-key-4", payload())
    assert count(sessions, Chart) == 1
    assert count(sessions, IdempotencyKey) == 1


def test_documents_keep_their_order_and_every_json_value(
    sessions: sessionmaker[Session],
) -> None:
    """PostgreSQL files the documents from one JSON array: order and values survive."""
    odd = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [
            {
                "linkId": "odd 'quote' \"double\" \\ back\nslash",
                "answer": [
                    {"valueString": "Søren — 日本語 😀 \u2028"},
                    {"valueDecimal": 1.25e-7},
                    {"valueInteger": 2**53 + 1},
                    {"valueBoolean": True},
                ],
                "extension": [None, [], {}],
            }
        ],
    }
    documents = [
        {
            **HEALTH_HISTORY,
            "title": f"Form {n}",
            "response": odd if n == 3 else HEALTH_HISTORY["response"],
        }
        for n in range(7)
    ]
    result = intake.create_applicant(sessions, LOBBY, "order-key-1", payload(documents=documents))

    with sessions() as session:
        chart = get_chart(session, result.chart_id)
    assert chart is not None
    assert [d.response for d in chart.documents] == [
        odd if n == 3 else HEALTH_HISTORY["response"] for n in range(7)
    ]
    assert {d.title for d in chart.documents} == {HEALTH_HISTORY["title"]}  # the server's
    assert chart.documents[3].response == odd
    assert chart.documents[0].response == HEALTH_HISTORY["response"]
