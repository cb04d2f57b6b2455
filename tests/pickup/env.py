"""A real kiosk-server on a loopback port, set up for pickup-code visits, and a kiosk
configuration that talks to it.

The server's portal has two consent forms (one renewed yearly) and the intake
questionnaire; charts are made with :meth:`PickupEnv.chart` the way the staff routes make
them (a real pickup code, stored as a hash), and past signatures are put straight into the
database to set up renewals.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.config import KioskConfig, consent_version, read_config_file
from kiosk.server.db import make_engine, make_sessionmaker
from kiosk.server.enrolment import create_chart
from kiosk.server.models import (
    Chart,
    ConsentSignature,
    GuessLimit,
    Login,
    PickupCode,
    utc_now,
)
from kiosk.server.portals import ConsentFormIn, PortalIn, QuestionnaireSpec, put_portal
from kiosk.server.schemas_staff import ChartIn
from kiosk.server.tokens import provision_terminal_token, write_token_file
from tests.server.live import FAST_SETTINGS, live_server

PORTAL = "acme-staff"
TERMINAL = "lobby-pickup"
OTHER_TERMINAL = "lobby-other"
ELSEWHERE_URL = "https://example.org/fhir/Questionnaire/travel|2"
LOCKOUT_SECONDS = 3
SETTINGS = replace(FAST_SETTINGS, lockout_base=timedelta(seconds=LOCKOUT_SECONDS))
"""Cheap hashing, and a lock-out short enough to see it end."""
LOGIN_URL = "https://portal.acme.example/login"
INTAKE = Path(__file__).resolve().parents[1] / "questionnaire" / "fixtures" / "intake.json"
CONSENTS = {
    "privacy": ("Privacy notice", "We keep your health records private.\n", None),
    "vaccination": ("Consent to vaccination", "I agree to be vaccinated at work.\n", 365),
}


def intake_url() -> str:
    data = json.loads(INTAKE.read_text(encoding="utf-8"))
    return f"{data['url']}|{data['version']}"


@dataclass
class PickupEnv:
    base_url: str
    database_url: str
    folder: Path
    sessions: sessionmaker[Session]

    def config_path(self, terminal: str = TERMINAL, url: str | None = None) -> Path:
        """A kiosk configuration for *terminal*, with its own token for this server
        (reached at *url*, by default the server's own address)."""
        path = self.folder / f"{terminal}-{abs(hash(url))}.toml"
        if path.exists():
            return path
        token_file = self.folder / f"{terminal}.token"
        if not token_file.exists():
            write_token_file(token_file, provision_terminal_token(self.database_url, terminal))
        consents = "".join(
            f'[[portals.consents]]\nid = "{form_id}"\ntitle = "{title}"\n'
            f'text = {{ en = "{form_id}.en.txt" }}\n'
            + (f"renewal_interval_days = {days}\n" if days else "")
            for form_id, (title, _text, days) in CONSENTS.items()
        )
        path.write_text(
            f'terminal = "{terminal}"\nlanguage = "en"\nconfirmation_seconds = 60\n'
            f'[backend]\nurl = "{url or self.base_url}"\ntoken_file = "{terminal}.token"\n'
            f"timeout_seconds = 5\n"
            f'[[portals]]\nname = "{PORTAL}"\ntitle = "ACME Staff Portal"\n'
            f'applicant_department = "ACME Applicants"\nlogin_url = "{LOGIN_URL}"\n'
            f"{consents}"
            f'[[portals.questionnaires]]\nfile = "{INTAKE}"\norder_item = "Intake"\n'
            f'document_type = "Intake form"\nchart_tab = "Questionnaires"\n',
            encoding="utf-8",
        )
        return path

    def config(self, terminal: str = TERMINAL, url: str | None = None) -> KioskConfig:
        return read_config_file(self.config_path(terminal, url))

    def chart(
        self,
        first: str = "Jordan",
        last: str = "Doe",
        *,
        date_of_birth: date | None = None,
        questionnaires: list[str] | None = None,
    ) -> tuple[int, str]:
        """A new employee chart with a pickup code: (chart id, code)."""
        payload = ChartIn(
            first_name=first,
            last_name=last,
            date_of_birth=date_of_birth,
            portal=PORTAL,
            questionnaires=questionnaires if questionnaires is not None else [],
        )
        with self.sessions() as session:
            issued = create_chart(session, payload, "hr-feed", timedelta(days=7))
        return issued.chart_id, issued.pickup_code

    def redeem(self, code: str, username: str, terminal: str = OTHER_TERMINAL) -> int:
        """Redeem *code* over HTTP as another terminal would; the answer's status."""
        self.config_path(terminal)
        token = (self.folder / f"{terminal}.token").read_text(encoding="utf-8").strip()
        response = httpx.post(
            f"{self.base_url}/v1/pickup/redeem",
            json={"code": code, "username": username, "password": "lantern-harbor-91"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        return response.status_code

    def sign(self, chart_id: int, form_id: str, days_ago: int) -> None:
        """A signature of *form_id*'s current text, given *days_ago* days ago."""
        title, text, _days = CONSENTS[form_id]
        with self.sessions() as session:
            session.add(
                ConsentSignature(
                    chart_id=chart_id,
                    form_id=form_id,
                    title=title,
                    version=consent_version(text),
                    language="en",
                    typed_name="Jordan Doe",
                    signed_at=utc_now() - timedelta(days=days_ago),
                    terminal="lobby-0",
                )
            )
            session.commit()

    def failed_attempts(self) -> int:
        """Failed code attempts the server has counted, over all terminals and lock-outs."""
        with self.sessions() as session:
            rows = session.scalars(select(GuessLimit).where(GuessLimit.kind == "pickup-code"))
            return sum(row.failures + 5 * row.lockouts for row in rows)

    def expire_code(self, chart_id: int) -> None:
        """Make the chart's codes expired, as if a week had gone by."""
        with self.sessions() as session:
            session.execute(
                update(PickupCode)
                .where(PickupCode.chart_id == chart_id)
                .values(expires_at=utc_now() - timedelta(minutes=1))
            )
            session.commit()

    def login(self, chart_id: int) -> str | None:
        """The username of the chart's portal login, if it has one."""
        with self.sessions() as session:
            return session.scalar(select(Login.username).where(Login.chart_id == chart_id))

    def signatures(self, chart_id: int) -> list[tuple[str, str]]:
        """(form id, terminal) of every signature on the chart, oldest first."""
        with self.sessions() as session:
            rows = session.scalars(
                select(ConsentSignature)
                .where(ConsentSignature.chart_id == chart_id)
                .order_by(ConsentSignature.signed_at)
            )
            return [(row.form_id, row.terminal) for row in rows]

    def chart_row(self, chart_id: int) -> dict[str, Any]:
        with self.sessions() as session:
            chart = session.get_one(Chart, chart_id)
            return {
                "login_enabled": chart.login_enabled,
                "failed_confirmations": chart.failed_confirmations,
                "documents": [d.questionnaire for d in chart.documents],
            }


def _portal() -> PortalIn:
    return PortalIn(
        title="ACME Staff Portal",
        consents=[
            ConsentFormIn(
                form_id=form_id, title=title, renewal_interval_days=days, texts={"en": text}
            )
            for form_id, (title, text, days) in CONSENTS.items()
        ],
        questionnaires=[
            QuestionnaireSpec(
                questionnaire=intake_url(),
                title="Intake",
                order_item="Intake",
                document_type="Intake form",
                chart_tab="Questionnaires",
            ),
            QuestionnaireSpec(  # not configured on the terminals: done in the portal
                questionnaire=ELSEWHERE_URL,
                title="Travel history",
                order_item="Travel",
                document_type="Travel history",
                chart_tab="Questionnaires",
            ),
        ],
    )


@contextmanager
def pickup_server(folder: Path) -> Iterator[PickupEnv]:
    """A live server on a fresh SQLite database, with the portal and consent texts."""
    folder.mkdir(parents=True, exist_ok=True)
    for form_id, (_title, text, _days) in CONSENTS.items():
        (folder / f"{form_id}.en.txt").write_text(text, encoding="utf-8")
    database_url = f"sqlite:///{folder / 'server.sqlite3'}"
    with live_server(database_url, SETTINGS) as base_url:
        engine = make_engine(database_url)
        sessions = make_sessionmaker(engine)
        with sessions() as session:
            put_portal(session, PORTAL, _portal())
            session.commit()
        try:
            yield PickupEnv(base_url, database_url, folder, sessions)
        finally:
            engine.dispose()
