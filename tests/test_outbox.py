"""The outbox: encrypted at rest, its key kept apart and checked, delivery exactly once."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest

from kiosk.backend.client import BackendClient
from kiosk.backend.crypto import KEY_ENV_VAR, OutboxKeyError, default_key_file, encode_key, new_key
from kiosk.backend.delivery import Submissions, backoff_seconds
from kiosk.backend.embedded import connect
from kiosk.backend.outbox import Outbox, default_outbox_file, open_outbox
from kiosk.config import BackendConfig, OutboxConfig
from tests.safety_helpers import SwitchableServer, read_all_bytes
from tests.server.payloads import applicant_body

FIRST, LAST = "Philomena", "Vandersnoot-Quaye"


def _payload() -> dict:
    body = applicant_body(first_name=FIRST, last_name=LAST)
    body["consents"][0]["typed_name"] = f"{FIRST} {LAST}"
    return body


def test_the_default_key_is_made_once_owner_only_in_the_config_folder() -> None:
    outbox = open_outbox(OutboxConfig())
    outbox.close()
    key_file = default_key_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.parent != default_outbox_file().parent
    key = key_file.read_bytes()
    open_outbox(OutboxConfig()).close()
    assert key_file.read_bytes() == key, "the key is made once, never replaced"


def test_payloads_are_encrypted_at_rest(tmp_path: Path) -> None:
    config = OutboxConfig(database=tmp_path / "data" / "outbox.sqlite3")
    outbox = open_outbox(config)
    outbox.put("applicant", "key-1", _payload())
    assert outbox.payload("key-1") == _payload()
    files = read_all_bytes(tmp_path / "data")
    assert files, "the outbox wrote nothing"
    for path, raw in files.items():
        for secret in (FIRST, LAST, "mild", "lobby-1"):
            assert secret.encode() not in raw, f"{secret} in clear in {path.name}"
    outbox.remove("key-1")
    assert outbox.count() == 0
    outbox.close()


def test_a_wrong_key_is_a_clear_error_and_deletes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = OutboxConfig(database=tmp_path / "data" / "outbox.sqlite3")
    outbox = open_outbox(config)
    outbox.put("applicant", "key-1", _payload())
    outbox.close()
    monkeypatch.setenv(KEY_ENV_VAR, encode_key(new_key()))
    with pytest.raises(OutboxKeyError, match="not the one its submissions were encrypted with"):
        open_outbox(config)
    monkeypatch.setenv(KEY_ENV_VAR, "too-short")
    with pytest.raises(OutboxKeyError, match=KEY_ENV_VAR):
        open_outbox(config)
    monkeypatch.delenv(KEY_ENV_VAR)
    reopened = open_outbox(config)
    assert reopened.count() == 1
    assert reopened.payload("key-1") == _payload()
    reopened.close()


def test_an_outbox_checked_by_its_sealed_canary_is_still_checked_and_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outboxes made before the key's check value hold only a sealed canary: a wrong key is
    still refused, and the right key opens it and stores the check value."""
    import sqlite3

    from kiosk.backend.crypto import Sealer

    database = tmp_path / "data" / "outbox.sqlite3"
    open_outbox(OutboxConfig(database=database)).close()
    key = new_key()
    with sqlite3.connect(database) as db:  # as the older version left it, under *key*
        db.execute("DELETE FROM meta")
        canary = Sealer(key).seal(b"lobby-kiosk outbox key check v1", b"key-check")
        db.execute("INSERT INTO meta (name, value) VALUES ('key_check', ?)", (canary,))
    db.close()
    monkeypatch.setenv(KEY_ENV_VAR, encode_key(new_key()))
    with pytest.raises(OutboxKeyError, match="not the one"):
        open_outbox(OutboxConfig(database=database))
    monkeypatch.setenv(KEY_ENV_VAR, encode_key(key))
    open_outbox(OutboxConfig(database=database)).close()
    with sqlite3.connect(database) as db:
        names = {name for (name,) in db.execute("SELECT name FROM meta")}
    db.close()
    assert names == {"key_check", "key_mac"}
    monkeypatch.setenv(KEY_ENV_VAR, encode_key(new_key()))
    with pytest.raises(OutboxKeyError, match="not the one"):
        open_outbox(OutboxConfig(database=database))


def test_a_missing_key_for_an_existing_outbox_is_an_error_and_no_new_key_is_made(
    tmp_path: Path,
) -> None:
    config = OutboxConfig(database=tmp_path / "data" / "outbox.sqlite3")
    outbox = open_outbox(config)
    outbox.put("applicant", "key-1", _payload())
    outbox.close()
    saved = tmp_path / "key-backup"
    default_key_file().rename(saved)
    with pytest.raises(OutboxKeyError, match=r"missing.*nothing was deleted"):
        open_outbox(config)
    assert not default_key_file().exists()
    saved.rename(default_key_file())
    assert open_outbox(config).count() == 1


def test_key_files_must_be_owner_only_and_apart_from_the_outbox(tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "outbox.key"
    key_file.parent.mkdir()
    key_file.write_text(encode_key(new_key()))
    os.chmod(key_file, 0o644)
    database = tmp_path / "data" / "outbox.sqlite3"
    with pytest.raises(OutboxKeyError, match="owner only"):
        open_outbox(OutboxConfig(database=database, key_file=key_file))
    os.chmod(key_file, 0o600)
    open_outbox(OutboxConfig(database=database, key_file=key_file)).close()
    beside = database.parent / "outbox.key"
    beside.write_text(encode_key(new_key()))
    os.chmod(beside, 0o600)
    with pytest.raises(OutboxKeyError, match="must not be stored in the outbox's folder"):
        open_outbox(OutboxConfig(database=database, key_file=beside))
    with pytest.raises(OutboxKeyError, match="does not exist"):
        open_outbox(OutboxConfig(database=database, key_file=tmp_path / "nope.key"))


def test_backoff_grows_and_is_capped() -> None:
    delays = [backoff_seconds(n, jitter=0) for n in range(1, 12)]
    assert delays[:4] == [2, 4, 8, 16]
    assert max(delays) == 300


async def test_delivery_waits_for_the_server_and_files_exactly_one_chart(tmp_path: Path) -> None:
    server = SwitchableServer(f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path / "token")
    backend_config = BackendConfig(url=server.url, token_file=server.token_file, timeout_seconds=5)
    client = connect(backend_config)

    async def backend() -> BackendClient:
        return client

    outbox = open_outbox(OutboxConfig(database=tmp_path / "data" / "outbox.sqlite3"))
    # A first retry well after the server is back, however long starting it takes here.
    submissions = Submissions(outbox, backend, first_retry_seconds=600)
    try:
        assert await submissions.submit(_payload(), "visit-00000001", wait_seconds=10) is None
        assert outbox.count() == 1
        assert submissions.last_error == "unreachable"
        [waiting] = outbox.pending()
        assert waiting.attempts == 1
        assert waiting.last_error == "unreachable"
        await asyncio.to_thread(server.start)
        assert await submissions.deliver_due() == 0, "not due yet: backing off"
        assert await submissions.deliver_now() == 1, submissions.last_error
        assert outbox.count() == 0
        assert submissions.last_error is None
        again = await submissions.submit(_payload(), "visit-00000001")  # a replay after a crash
        assert again is not None
        assert again.created is False
        charts = await asyncio.to_thread(server.charts)
        assert [(c["first_name"], c["last_name"]) for c in charts] == [(FIRST, LAST)]
    finally:
        await client.aclose()
        outbox.close()
        await asyncio.to_thread(server.stop)


def test_an_outbox_survives_reopening(tmp_path: Path) -> None:
    database = tmp_path / "data" / "outbox.sqlite3"
    outbox = open_outbox(OutboxConfig(database=database))
    outbox.put("applicant", "a", _payload())
    outbox.put("applicant", "b", _payload())
    outbox.put("applicant", "a", {"other": True})  # the same key twice changes nothing
    outbox.close()
    again = open_outbox(OutboxConfig(database=database))
    assert isinstance(again, Outbox)
    assert [p.key for p in again.pending()] == ["a", "b"]
    assert again.payload("a") == _payload()
    again.close()


def test_kiosk_run_refuses_to_start_with_a_wrong_key_and_deletes_nothing(
    demo_config_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli import EXIT_OUTBOX_KEY, main

    outbox = open_outbox(OutboxConfig())  # the default place, with the default key
    outbox.put("applicant", "visit-00000002", _payload())
    outbox.close()
    monkeypatch.setenv(KEY_ENV_VAR, encode_key(new_key()))
    assert main(["run", "--config", str(demo_config_path)]) == EXIT_OUTBOX_KEY
    err = capsys.readouterr().err
    assert "the outbox cannot be opened" in err
    assert "nothing was deleted" in err
    monkeypatch.delenv(KEY_ENV_VAR)
    assert open_outbox(OutboxConfig()).count() == 1
