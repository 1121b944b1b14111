"""The hash chain as pure functions."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from app.record.chain import GENESIS, canonical, entry_hash, sealed, sealed_text, timestamp
from app.record.walk import check


def link(seq: int, prev: str, text: str) -> dict:
    row = {
        "incident_id": 1,
        "seq": seq,
        "kind": "message",
        "dedupe_key": f"post:C1:{seq}.000000",
        "channel_id": "C1",
        "ts": f"{seq}.000000",
        "thread_ts": None,
        "user_id": "U1",
        "user_name": "Maria",
        "event_id": None,
        "client_msg_id": None,
        "occurred_at": datetime(2026, 11, 21, 14, seq, tzinfo=UTC),
        "recorded_at": datetime(2026, 11, 21, 14, seq, 1, tzinfo=UTC),
        "recovered": False,
        "content": canonical({"message": {"text": text}}),
        "prev_hash": prev,
    }
    row["hash"] = entry_hash(row)
    return row


def chain_of(*texts: str) -> list[dict]:
    rows, prev = [], GENESIS
    for seq, text in enumerate(texts, start=1):
        rows.append(link(seq, prev, text))
        prev = rows[-1]["hash"]
    return rows


def test_canonical_json_sorts_keys_and_keeps_unicode() -> None:
    assert canonical({"b": 1, "a": ["é", None, True]}) == '{"a":["é",null,true],"b":1}'


def test_timestamps_have_one_spelling() -> None:
    assert timestamp(datetime(2026, 11, 21, 9, 0, tzinfo=UTC)) == "2026-11-21T09:00:00.000000Z"


def test_the_hash_covers_every_field_and_the_previous_hash() -> None:
    row = link(1, GENESIS, "hello")
    expected = hashlib.sha256(canonical(sealed(row)).encode()).hexdigest()
    assert row["hash"] == expected
    assert sealed(row)["content"] == {"message": {"text": "hello"}}
    for name, value in [("user_name", "Mallory"), ("recovered", True), ("prev_hash", "1" * 64)]:
        assert entry_hash({**row, name: value}) != row["hash"]


def test_a_jsonl_line_hashes_like_the_stored_row() -> None:
    row = link(1, GENESIS, "hello")
    line = {**sealed(row), "hash": row["hash"]}
    assert entry_hash(line) == row["hash"]


def test_an_intact_chain_verifies() -> None:
    rows = chain_of("one", "two", "three")
    verdict = check(rows)
    assert verdict.intact and verdict.entries == 3 and verdict.final_hash == rows[-1]["hash"]
    assert check([]).intact and check([]).final_hash == GENESIS


def test_an_altered_entry_is_named() -> None:
    rows = chain_of("one", "two", "three")
    rows[1]["content"] = canonical({"message": {"text": "TWO"}})
    verdict = check(rows)
    assert not verdict.intact and verdict.entries == 1
    assert verdict.first_break is not None and verdict.first_break.seq == 2
    assert "altered" in verdict.first_break.describe()
    assert "message by Maria" in verdict.first_break.describe()


def test_a_rehashed_entry_breaks_the_next_link() -> None:
    rows = chain_of("one", "two", "three")
    rows[1]["content"] = canonical({"message": {"text": "TWO"}})
    rows[1]["hash"] = entry_hash(rows[1])
    verdict = check(rows)
    assert verdict.first_break is not None and verdict.first_break.seq == 3
    assert "prev_hash" in verdict.first_break.reason


def test_a_missing_entry_is_named() -> None:
    rows = chain_of("one", "two", "three")
    verdict = check([rows[0], rows[2]])
    assert verdict.first_break is not None and verdict.first_break.seq == 3
    assert "expected seq 2" in verdict.first_break.reason


def test_stored_content_is_sealed_as_it_is_without_reparsing() -> None:
    for body in [{"text": 'é <b> \\ "q" \u0000'}, {"files": [{"size": 3, "x": None}]}, {}]:
        row = link(1, GENESIS, "x")
        row["content"] = canonical({"message": body, "user_name": '"content":"'})
        assert sealed_text(row) == canonical(sealed(row))
    row["content"] = '{"message": {}}'  # stored bytes changed to a non-canonical spelling
    assert sealed_text(row) != canonical(sealed(row))
