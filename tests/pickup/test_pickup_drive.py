"""``kiosk drive`` scenarios of the pickup-code visit against a live kiosk-server.

The scenario files in tests/scenarios hold placeholders for what only exists once the
server has made the charts (their codes); each test fills them in and drives a real
``kiosk`` process, with its own terminal token, over loopback HTTP.
"""

from __future__ import annotations

import socket
from pathlib import Path

from tests.pickup.env import PickupEnv
from tests.pickup.helpers import PASSWORD
from tests.test_drive import SCENARIOS, drive


def scenario(name: str, folder: Path, **values: str) -> Path:
    text = (SCENARIOS / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key.upper()}@", value)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def mistyped(code: str) -> str:
    return code[:5] + ("0" if code[5] != "0" else "1") + code[6:]


def test_drive_failures_then_success(pickup_env: PickupEnv, tmp_path: Path) -> None:
    from datetime import date

    chart_id, code = pickup_env.chart("Jordan", "Doe", date_of_birth=date(1985, 4, 23))
    used_id, wrong = pickup_env.chart("Wes", "Wrong")
    pickup_env.expire_code(used_id)
    path = scenario(
        "pickup_failures_then_success.toml",
        tmp_path,
        code=code,
        wrong=wrong,
        mistyped=mistyped(code),
        password=PASSWORD,
    )
    result = drive(str(path), "--config", str(pickup_env.config_path("lobby-drive")))
    assert result.returncode == 0, result.stderr[:600] + result.stderr[-2500:]
    assert pickup_env.login(chart_id) == "jordan.drive"
    # the wrong date of birth stays counted against the chart: a success forgives nothing
    assert pickup_env.chart_row(chart_id)["failed_confirmations"] == 1


def test_drive_consent_renewal(pickup_env: PickupEnv, tmp_path: Path) -> None:
    chart_id, code = pickup_env.chart("Rae", "Renew")
    pickup_env.sign(chart_id, "vaccination", days_ago=400)
    pickup_env.sign(chart_id, "privacy", days_ago=3)
    path = scenario("pickup_consent_renewal.toml", tmp_path, code=code, password=PASSWORD)
    result = drive(str(path), "--config", str(pickup_env.config_path("lobby-drive-2")))
    assert result.returncode == 0, result.stderr[:600] + result.stderr[-2500:]
    assert [form for form, _t in pickup_env.signatures(chart_id)] == [
        "vaccination",
        "privacy",
        "vaccination",
    ]


def test_drive_server_unreachable(pickup_env: PickupEnv, tmp_path: Path) -> None:
    _chart_id, code = pickup_env.chart("Una", "Reach")
    with socket.socket() as sock:  # a loopback port with nothing listening on it
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    path = scenario("pickup_unreachable.toml", tmp_path, code=code)
    result = drive(str(path), "--config", str(pickup_env.config_path("lobby-drive-3", closed)))
    assert result.returncode == 0, result.stderr[:600] + result.stderr[-2500:]
