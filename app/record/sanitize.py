"""Characters no store can keep, replaced before an entry is sealed (pure functions).

Two characters that reach us in ordinary Slack JSON cannot be stored as they are:

- a lone UTF-16 surrogate (JSON `"\\ud83d"` without its pair decodes to one in Python): it has
  no UTF-8 form, so neither SQLite nor the hash (SHA-256 of UTF-8 bytes) can take it;
- NUL (`"\\u0000"`): PostgreSQL refuses it in text columns.

Each becomes U+FFFD (the Unicode replacement character) and the entry says so, in a
`"sanitized": {"lone_surrogate": n, "nul": m}` field of its content, so a reader of the record
knows the stored text differs from what Slack sent, and where to look.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

REPLACEMENT = "\ufffd"
NOTE = "sanitized"
LONE_SURROGATE = "lone_surrogate"
NUL = "nul"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def clean_text(text: str, counts: Counter[str]) -> str:
    """`text` with every NUL and lone surrogate replaced; `counts` tallies what was."""
    if _UNSTORABLE.search(text) is None:
        return text

    def swap(found: re.Match[str]) -> str:
        counts[NUL if found.group() == "\x00" else LONE_SURROGATE] += 1
        return REPLACEMENT

    return _UNSTORABLE.sub(swap, text)


def clean(value: Any, counts: Counter[str]) -> Any:
    """`value` (text, or JSON-like lists and dicts of it, keys included) made storable."""
    if isinstance(value, str):
        return clean_text(value, counts)
    if isinstance(value, Mapping):
        return {_key(key, counts): clean(item, counts) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean(item, counts) for item in value]
    return value


def clean_row(row: Mapping[str, Any], *, note_in: str = "content") -> dict[str, Any]:
    """Every field of `row` made storable. If anything was replaced, the dict in
    `row[note_in]` gains a `sanitized` field counting the replacements of each kind."""
    counts: Counter[str] = Counter()
    cleaned = {key: clean(value, counts) for key, value in row.items()}
    holder = cleaned.get(note_in)
    if counts and isinstance(holder, dict):
        earlier = holder.get(NOTE)
        known = earlier.items() if isinstance(earlier, dict) else ()
        total = Counter({k: v for k, v in known if isinstance(v, int)}) + counts
        cleaned[note_in] = {**holder, NOTE: dict(sorted(total.items()))}
    return cleaned


def is_clean(text: str) -> bool:
    return _UNSTORABLE.search(text) is None


def _key(key: Any, counts: Counter[str]) -> Any:
    return clean_text(key, counts) if isinstance(key, str) else key
