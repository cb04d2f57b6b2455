"""Bearer tokens: one per terminal (or admin), stored only as hashes.

``kiosk-server token create --terminal NAME [--admin]`` prints a new token once
(``--fhir-read NAME`` instead: a token that may only read the FHIR API);
``kiosk-server token revoke NAME`` revokes every token of that terminal. The embedded
kiosk provisions its own with :func:`ensure_token`.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.server.models import TERMINAL_MAX, ApiToken, utc_now
from kiosk.server.secrets_util import digest, new_secret

TOKEN_PREFIX = "kst_"
TERMINAL_PATTERN = rf"^[A-Za-z0-9][A-Za-z0-9_.-]{{0,{TERMINAL_MAX - 1}}}$"
_TERMINAL = re.compile(TERMINAL_PATTERN)
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,200}$")


@dataclass(frozen=True)
class Caller:
    """Who sent a request: a terminal's name, and whether its token is an admin token
    or a token that may only read the FHIR API."""

    terminal: str
    admin: bool
    fhir_read: bool = False
    portals: frozenset[str] | None = None
    """The portals this token may file applicants for; None: every portal."""

    def may_use_portal(self, portal: str) -> bool:
        return self.portals is None or portal in self.portals


@dataclass(frozen=True)
class TokenInfo:
    id: int
    terminal: str
    admin: bool
    created_at: datetime
    revoked_at: datetime | None
    fhir_read: bool = False
    portals: list[str] | None = None


def check_terminal_name(name: str) -> str:
    """*name* if it is a valid terminal name (letters, digits, ``_.-``), else ValueError."""
    if not _TERMINAL.match(name):
        raise ValueError(
            f"a terminal name is 1..{TERMINAL_MAX} of A-Z a-z 0-9 _ . - (starting with a"
            f" letter or digit): {name!r}"
        )
    return name


def create_token(
    session: Session,
    terminal: str,
    *,
    admin: bool = False,
    fhir_read: bool = False,
    portals: Sequence[str] | None = None,
) -> str:
    """Add a new token for *terminal* (not committed) and return it; only its hash is kept.

    A *fhir_read* token may only read the FHIR API; it cannot also be an admin token.
    With *portals*, the token may file applicants (and use pickup codes) for those portals only.
    """
    check_terminal_name(terminal)
    if admin and fhir_read:
        raise ValueError("a token is either an admin token or a FHIR read token, not both")
    token = new_secret(TOKEN_PREFIX)
    allowed = None if portals is None else sorted(set(portals))
    session.add(
        ApiToken(
            terminal=terminal,
            token_hash=digest(token),
            admin=admin,
            fhir_read=fhir_read,
            portals=allowed,
        )
    )
    return token


def revoke_tokens(session: Session, terminal: str) -> int:
    """Revoke every active token of *terminal* (not committed); how many there were."""
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.terminal == terminal, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utc_now())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def list_tokens(session: Session, *, include_revoked: bool = False) -> list[TokenInfo]:
    query = select(ApiToken).order_by(ApiToken.terminal, ApiToken.id)
    if not include_revoked:
        query = query.where(ApiToken.revoked_at.is_(None))
    return [
        TokenInfo(t.id, t.terminal, t.admin, t.created_at, t.revoked_at, t.fhir_read, t.portals)
        for t in session.scalars(query)
    ]


def authenticate(session: Session, token: str) -> Caller | None:
    """The caller *token* belongs to, or None when it is unknown or revoked."""
    if not _TOKEN_SHAPE.match(token):
        return None
    row = session.execute(
        select(ApiToken.terminal, ApiToken.admin, ApiToken.fhir_read, ApiToken.portals).where(
            ApiToken.token_hash == digest(token), ApiToken.revoked_at.is_(None)
        )
    ).first()
    if row is None:
        return None
    portals = None if row.portals is None else frozenset(row.portals)
    return Caller(terminal=row.terminal, admin=row.admin, fhir_read=row.fhir_read, portals=portals)


def _open_sessions(database_url: str) -> tuple[Engine, sessionmaker[Session]]:
    from kiosk.server.db import make_engine, make_sessionmaker
    from kiosk.server.migrate import upgrade_database

    engine = make_engine(database_url)
    try:
        upgrade_database(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine, make_sessionmaker(engine, writes=True)


def provision_terminal_token(
    database_url: str,
    terminal: str,
    *,
    admin: bool = False,
    fhir_read: bool = False,
    portals: Sequence[str] | None = None,
) -> str:
    """Create a new token for *terminal* in the database at *database_url* and return it.

    The schema is brought up to date first, so this works on a fresh database.
    """
    check_terminal_name(terminal)
    engine, sessions = _open_sessions(database_url)
    try:
        with sessions() as session:
            token = create_token(
                session, terminal, admin=admin, fhir_read=fhir_read, portals=portals
            )
            session.commit()
        return token
    finally:
        engine.dispose()


def write_token_file(path: Path, token: str) -> None:
    """Write *token* to *path* readable by its owner only (mode 0600), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(token + "\n")
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def ensure_token(sessions: sessionmaker[Session], terminal: str, token_path: Path) -> str:
    """A terminal token for *terminal*: the one in *token_path* while the database behind
    *sessions* accepts it for that terminal, else a new one, written there with mode 0600.
    """
    check_terminal_name(terminal)
    try:
        existing = token_path.read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        existing = ""
    with sessions() as session:
        if existing:
            caller = authenticate(session, existing)
            if (
                caller is not None
                and caller.terminal == terminal
                and not caller.admin
                and not caller.fhir_read
            ):
                if token_path.stat().st_mode & 0o077:
                    token_path.chmod(0o600)
                return existing
        token = create_token(session, terminal)
        session.commit()
    write_token_file(token_path, token)
    return token
