"""No search query breaks the FHIR API: generated parameters and values (known names with
odd values, unknown names, modifiers, prefixes) answer a Bundle or an OperationOutcome,
never a server error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.server.fhir.registry import KINDS
from tests.server.fhir_helpers import FHIR, applicant_then_pickup_then_merge, fhir_headers
from tests.server.live import FAST_SETTINGS, live_server, token_headers

NAMES = sorted(
    {name for kind in KINDS.values() for name in kind.search_params()}
    | {"_count", "_offset", "_include", "_summary", "_format", "_sort", "x"}
)
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["gt", "lt", "eq", "ge", "le"]).flatmap(
        lambda p: st.dates().map(lambda d: p + d.isoformat())
    ),
    st.from_regex(r"[0-9]{1,12}", fullmatch=True),
    st.sampled_from(["Patient/1", "|x", "a|", "a|b", "a,b", "\\,", "-1", "2026-02-30"]),
)


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    folder: Path = tmp_path_factory.mktemp("fhir-fuzz")
    url = f"sqlite:///{(folder / 'kiosk.sqlite3').as_posix()}"
    with live_server(url, FAST_SETTINGS) as base:
        admin = httpx.Client(base_url=base, headers=token_headers(url, "staff"), timeout=30.0)
        terminal = httpx.Client(
            base_url=base, headers=token_headers(url, "lobby-1", admin=False), timeout=30.0
        )
        with admin, terminal:
            applicant_then_pickup_then_merge(admin, terminal)
        with httpx.Client(base_url=base, headers=fhir_headers(url), timeout=30.0) as fhir:
            yield fhir


@given(
    resource_type=st.sampled_from(sorted(KINDS)),
    params=st.lists(
        st.tuples(
            st.sampled_from(NAMES).flatmap(
                lambda n: st.sampled_from([n, f"{n}:exact", f"{n}:contains", f"{n}:missing"])
            ),
            VALUES,
        ),
        max_size=4,
    ),
)
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_query_breaks_the_fhir_api(
    fuzz_server: httpx.Client, resource_type: str, params: list[tuple[str, str]]
) -> None:
    answer = fuzz_server.get(f"{FHIR}/{resource_type}", params=params)
    assert answer.status_code in (200, 400, 406), answer.text
    body = answer.json()
    expected = "Bundle" if answer.status_code == 200 else "OperationOutcome"
    assert body["resourceType"] == expected
