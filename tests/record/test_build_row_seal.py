"""An appended entry is sealed by the fast canonical text (app/record/stored.py) with exactly the
hash the reference canonical form gives, over the odd-unicode corpus and every event fixture;
and the one-pass storability check still sends every unstorable row through `clean_row`."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from app.record.append import build_row, seal, storable
from app.record.chain import GENESIS, canonical
from app.record.drafts import Draft
from app.record.models import EntryKind
from tests.record.test_canonical_identity import corpus, fixture_rows, reference_sealed_text

NUL, SURROGATE = "\x00", json.loads('"\\udc00"')


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return corpus(2000) + fixture_rows()


def test_the_seal_is_the_reference_hash_of_every_row(rows: list[dict[str, Any]]) -> None:
    assert [seal(row) for row in rows] == [row["hash"] for row in rows]


def draft(**changes: Any) -> Draft:
    base: dict[str, Any] = {
        "kind": EntryKind.MESSAGE,
        "dedupe_key": "post:C0WAR:1795000000.000100",
        "occurred_at": datetime(2026, 12, 1, 9, 30, 0, 100, tzinfo=UTC),
        "content": {"message": {"text": "Holding statement is out", "ts": "1795000000.000100"}},
        "channel_id": "C0WAR",
        "ts": "1795000000.000100",
        "user_id": "U0MARIA",
        "user_name": "Maria",
        "event_id": "Ev0001",
    }
    return Draft(**(base | changes))


def reference_hash(row: dict[str, Any]) -> str:
    return hashlib.sha256(reference_sealed_text(row).encode("utf-8")).hexdigest()


@pytest.mark.parametrize(
    ("changes", "sanitized"),
    [
        pytest.param({}, False, id="plain"),
        pytest.param({"user_name": f"Ma{NUL}ria"}, True, id="nul-in-a-name"),
        pytest.param({"thread_ts": f"1795{SURROGATE}"}, True, id="surrogate-in-a-column"),
        pytest.param({"content": {"message": {"text": f"a{NUL}b"}}}, True, id="nul-in-content"),
        pytest.param({"content": {"text": f"x{SURROGATE}"}}, True, id="surrogate-in-content"),
        pytest.param({"content": {f"k{NUL}": 1}}, True, id="nul-in-a-key"),
        pytest.param(
            {"occurred_at": datetime(2026, 12, 1, 11, tzinfo=timezone(timedelta(hours=2)))},
            False,
            id="another-zone",
        ),
    ],
)
def test_a_built_row_is_storable_and_sealed_as_the_reference(
    changes: dict[str, Any], sanitized: bool
) -> None:
    at = datetime(2026, 12, 1, 9, 30, 1, tzinfo=UTC)
    row = build_row(draft(**changes), incident_id=7, seq=3, prev=GENESIS, at=at)
    texts = [value for value in row.values() if isinstance(value, str)]
    assert not any(NUL in text or SURROGATE in text for text in texts)
    assert row["content"] == canonical(json.loads(row["content"]))
    assert row["hash"] == reference_hash(row)
    assert ('"sanitized":' in row["content"]) is sanitized


def test_storable_looks_at_every_text_field_and_the_content() -> None:
    row = {"incident_id": 1, "kind": "message", "user_name": "Maria", "ts": None}
    assert storable(row, '{"text":"fine"}')
    assert not storable(row | {"user_name": f"M{NUL}"}, '{"text":"fine"}')
    assert not storable(row | {"ts": SURROGATE}, '{"text":"fine"}')
    assert not storable(row, '{"text":"a\\u0000b"}')  # JSON's spelling of a NUL
    assert not storable(row, f'{{"text":"{SURROGATE}"}}')
