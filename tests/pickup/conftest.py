"""One live kiosk-server per test module for the pickup-code visit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pickup.env import PickupEnv, pickup_server


@pytest.fixture(scope="module")
def pickup_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PickupEnv]:
    with pickup_server(tmp_path_factory.mktemp("pickup")) as env:
        yield env
