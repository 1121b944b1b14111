"""The fast sealed text is byte for byte the canonical JSON the chain has always hashed.

`reference_sealed_text` below is the previous implementation, kept verbatim as the reference:
a dict of every sealed field, `json.dumps(sort_keys=True)`, content spliced in as stored.
Every row of a large varied corpus (odd unicode, lone surrogates and NULs as the record stores
them, emoji, nested content, None, bools, ints, floats) and every Slack event fixture must give
identical bytes and identical hashes both ways, from stored columns and from JSONL lines.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from app.record.chain import (
    GENESIS,
    SEALED_FIELDS,
    canonical,
    entry_hash,
    sealed,
    sealed_text,
    timestamp,
)
from app.record.export.rows import jsonl_line
from app.record.sanitize import clean_row
from app.record.walk import check

EVENTS = Path(__file__).parent.parent / "fixtures" / "events"
SURROGATE = json.loads('"\\ud83d"')
ODD_TEXT = [
    "",
    "plain",
    'quote " backslash \\ slash / tab \t newline \n return \r',
    "emoji 🚨🔥👩‍👩‍👧 flags 🇺🇦 skin 👍🏽",
    "zero width \u200b\u200d joiner, bom \ufeff, rtl \u202e mark",
    "control \x01\x1f\x7f del, line sep \u2028 para sep \u2029",
    "accents café naïve Ångström, CJK 危機, Arabic أزمة, Hebrew משבר",
    "half an emoji " + SURROGATE + " and a NUL \x00 in the middle",
    "<@U0MARIA> & <#C0ROOM|crisis> <https://example.com|link> *bold* _it_",
    "\ufffd replacement already",
    "max plane \U0010ffff and \U0001f600",
]


def reference_sealed_text(fields: Mapping[str, Any]) -> str:
    """The sealed text as it was built before the fast path (the reference)."""
    content = fields.get("content")
    if not isinstance(content, str):
        return canonical(sealed(fields))
    document = _reference_header(fields)
    document["content"] = _PLACEHOLDER
    return canonical(document).replace(_SLOT, '"content":' + content, 1)


_PLACEHOLDER = "\x00content\x00"
_SLOT = '"content":' + json.dumps(_PLACEHOLDER)


def _reference_header(fields: Mapping[str, Any]) -> dict[str, Any]:
    document = {name: fields.get(name) for name in SEALED_FIELDS}
    for name in ("occurred_at", "recorded_at"):
        value = document[name]
        if isinstance(value, datetime):
            document[name] = timestamp(value)
    document["recovered"] = bool(document["recovered"])
    return document


def text(rng: random.Random) -> str:
    picked = rng.choice(ODD_TEXT)
    extra = "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randrange(0, 12)))
    return picked + extra


def value(rng: random.Random, depth: int = 0) -> Any:
    choice = rng.randrange(9 if depth < 3 else 6)
    if choice == 0:
        return None
    if choice == 1:
        return rng.random() < 0.5
    if choice == 2:
        return rng.randrange(-(2**40), 2**40)
    if choice == 3:
        return rng.choice([0.0, -0.0, 1.5, 1e-7, 3.141592653589793, 1e300, -2.5e-300])
    if choice in (4, 5):
        return text(rng)
    if choice == 6:
        return [value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {text(rng): value(rng, depth + 1) for _ in range(rng.randrange(5))}


def moment(rng: random.Random) -> datetime:
    zones = [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
    zone = rng.choice(zones)
    base = datetime(2025, 11, 21, 14, 0, tzinfo=UTC) + timedelta(
        seconds=rng.randrange(10**8), microseconds=rng.randrange(10**6)
    )
    return base.astimezone(zone)


def maybe(rng: random.Random, make: Any) -> Any:
    return None if rng.random() < 0.3 else make()


def stored_row(rng: random.Random, seq: int, prev: str) -> dict[str, Any]:
    """A row as `build_row` stores it: sanitized, content canonical text, then hashed."""
    row: dict[str, Any] = {
        "incident_id": rng.randrange(1, 10**6),
        "seq": seq,
        "kind": rng.choice(["message", "edit", "delete", "action", "file", "reaction_added"]),
        "dedupe_key": f"key:{seq}:{text(rng)}",
        "channel_id": maybe(rng, lambda: "C" + text(rng)),
        "ts": maybe(rng, lambda: f"{rng.randrange(10**10)}.{rng.randrange(10**6):06d}"),
        "thread_ts": maybe(rng, lambda: f"{rng.randrange(10**10)}.000100"),
        "user_id": maybe(rng, lambda: "U" + text(rng)),
        "user_name": maybe(rng, lambda: text(rng)),
        "event_id": maybe(rng, lambda: "Ev" + text(rng)),
        "client_msg_id": maybe(rng, lambda: text(rng)),
        "occurred_at": moment(rng),
        "recorded_at": moment(rng),
        "recovered": rng.choice([True, False, 0, 1]),
        "content": {"message": {"text": text(rng), "blocks": value(rng)}, "extra": value(rng)},
        "prev_hash": prev,
    }
    row = clean_row(row)
    row["content"] = canonical(row["content"])
    row["hash"] = hashlib.sha256(reference_sealed_text(row).encode("utf-8")).hexdigest()
    return row


def corpus(size: int) -> list[dict[str, Any]]:
    rng, rows, prev = random.Random(20251121), [], GENESIS
    for seq in range(1, size + 1):
        row = stored_row(rng, seq, prev)
        rows.append(row)
        prev = row["hash"]
    return rows


def fixture_rows() -> list[dict[str, Any]]:
    """Every Slack event fixture the suite holds, as the content of an entry."""
    rows, prev = [], GENESIS
    for seq, path in enumerate(sorted(EVENTS.glob("*.json")), start=1):
        event = json.loads(path.read_text(encoding="utf-8"))
        row: dict[str, Any] = dict.fromkeys(SEALED_FIELDS) | {
            "incident_id": 1,
            "seq": seq,
            "kind": "message",
            "dedupe_key": path.stem,
            "occurred_at": datetime(2025, 11, 21, tzinfo=UTC),
            "recorded_at": datetime(2025, 11, 21, 0, 0, 1, tzinfo=UTC),
            "recovered": False,
            "content": canonical(clean_row({"content": event})["content"]),
            "prev_hash": prev,
        }
        row["hash"] = hashlib.sha256(reference_sealed_text(row).encode("utf-8")).hexdigest()
        rows.append(row)
        prev = row["hash"]
    return rows


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return corpus(5000) + fixture_rows()


def test_the_corpus_is_as_odd_as_promised(rows: list[dict[str, Any]]) -> None:
    joined = "".join(row["content"] for row in rows)
    assert "\ufffd" in joined and "🚨" in joined and "\u2028" in joined
    assert '"lone_surrogate"' in joined and '"nul"' in joined and "\x00" not in joined
    assert any(row["channel_id"] is None for row in rows)
    assert any(row["occurred_at"].utcoffset() for row in rows)
    assert len(fixture_rows()) == len(list(EVENTS.glob("*.json"))) > 10


def test_sealed_text_is_byte_identical_from_stored_columns(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        fast = sealed_text(row)
        assert fast.encode("utf-8") == reference_sealed_text(row).encode("utf-8"), row["seq"]
        assert fast == canonical(sealed(row))
        assert entry_hash(row) == row["hash"]


def test_sealed_text_is_byte_identical_from_jsonl_lines(rows: list[dict[str, Any]]) -> None:
    for row in rows[:1500]:
        line = json.loads(jsonl_line(row))
        digest = line.pop("hash")
        assert sealed_text(line) == reference_sealed_text(line)
        assert entry_hash(line) == digest == row["hash"]


def test_a_whole_chain_verifies_and_an_altered_field_is_caught() -> None:
    chain = corpus(300)
    assert check(chain).intact and check(chain).final_hash == chain[-1]["hash"]
    altered = [dict(row) for row in chain]
    altered[120]["user_name"] = (altered[120]["user_name"] or "") + "\u200b"
    verdict = check(altered)
    assert verdict.first_break is not None and verdict.first_break.seq == 121


@pytest.mark.parametrize(
    "odd",
    [float("nan"), float("inf")],
)
def test_nan_is_refused_both_ways(odd: float) -> None:
    row = corpus(1)[0] | {"content": {"x": odd}}
    with pytest.raises(ValueError):
        reference_sealed_text(row)
    with pytest.raises(ValueError):
        sealed_text(row)


def test_unusual_python_types_fall_back_to_the_reference_encoder() -> None:
    row = corpus(1)[0] | {"seq": 7.0, "channel_id": ["C1", {"b": 1, "a": None}], "ts": True}
    assert sealed_text(row) == reference_sealed_text(row)
