"""Lone surrogates and NUL become U+FFFD, and the entry counts what was replaced."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

from app.record.chain import canonical, entry_hash
from app.record.sanitize import REPLACEMENT, clean, clean_row, clean_text, is_clean

SURROGATE = json.loads('"\\ud83d"')  # what Slack's JSON "\ud83d" (half an emoji) decodes to


def test_clean_text_replaces_and_counts() -> None:
    counts: Counter[str] = Counter()
    assert (
        clean_text(f"a{SURROGATE}b\x00c\x00", counts)
        == f"a{REPLACEMENT}b{REPLACEMENT}c{REPLACEMENT}"
    )
    assert counts == {"lone_surrogate": 1, "nul": 2}
    untouched: Counter[str] = Counter()
    assert clean_text("Crisis 🚨 ünïcode\ttab", untouched) == "Crisis 🚨 ünïcode\ttab"
    assert not untouched


def test_nested_values_and_keys_are_cleaned() -> None:
    counts: Counter[str] = Counter()
    event = {
        "text": SURROGATE,
        "blocks": [{"type": "rich_text", "elements": [{"text": "x\x00"}]}],
        f"k{SURROGATE}": ("t\x00", 3, None, True),
    }
    cleaned = clean(event, counts)
    assert cleaned["text"] == REPLACEMENT
    assert cleaned["blocks"][0]["elements"][0]["text"] == f"x{REPLACEMENT}"
    assert cleaned[f"k{REPLACEMENT}"] == [f"t{REPLACEMENT}", 3, None, True]
    assert counts == {"lone_surrogate": 2, "nul": 2}
    assert is_clean(json.dumps(cleaned, ensure_ascii=False))


def test_clean_row_notes_replacements_in_the_content_and_can_be_hashed() -> None:
    row = {
        "user_name": f"Ma{SURROGATE}ria\x00",
        "occurred_at": datetime(2025, 1, 1, tzinfo=UTC),
        "recovered": False,
        "content": {"message": {"text": f"hello {SURROGATE}"}},
    }
    cleaned = clean_row(row)
    assert cleaned["user_name"] == f"Ma{REPLACEMENT}ria{REPLACEMENT}"
    assert cleaned["occurred_at"] == row["occurred_at"]
    assert cleaned["content"]["sanitized"] == {"lone_surrogate": 2, "nul": 1}
    assert cleaned["content"]["message"]["text"] == f"hello {REPLACEMENT}"
    cleaned["content"] = canonical(cleaned["content"])
    assert len(entry_hash(cleaned)) == 64


def test_a_clean_row_is_left_as_it_is() -> None:
    row = {"user_name": "Maria", "content": {"message": {"text": "ok"}}}
    assert clean_row(row) == row
    assert "sanitized" not in clean_row(row)["content"]
