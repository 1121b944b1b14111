"""The wording guard: find phrases in a draft that could read as an admission of fault.

Matching is case-insensitive and whole-word: "we admit" never matches inside "we
administer", and "negligent" does not match "negligently". A phrase ending in `*` matches
any word that starts with it ("negligen*" finds negligent, negligence and negligently).
Straight and curly apostrophes are interchangeable, and any run of whitespace matches a space.
Showing the matches on a card is the Slack adapter's job (app/slack/blocks/approvals/highlight.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

APOSTROPHES = "'’‘ʼ"


@dataclass(frozen=True)
class FaultMatch:
    start: int
    end: int
    phrase: str


def find_fault_phrases(text: str, phrases: Sequence[str]) -> list[FaultMatch]:
    """Every non-overlapping match in reading order; the longest phrase wins at a position."""
    pattern = _compiled(tuple(phrases))
    if pattern is None:
        return []
    ordered = _longest_first(tuple(phrases))
    return [
        FaultMatch(m.start(), m.end(), ordered[int((m.lastgroup or "p0")[1:])])
        for m in pattern.finditer(text)
    ]


def _longest_first(phrases: tuple[str, ...]) -> list[str]:
    cleaned = [p.strip() for p in phrases if p.strip().rstrip("*").strip()]
    return sorted(dict.fromkeys(cleaned), key=len, reverse=True)


@lru_cache(maxsize=32)
def _compiled(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    ordered = _longest_first(phrases)
    if not ordered:
        return None
    alternatives = [f"(?P<p{i}>{_phrase_pattern(p)})" for i, p in enumerate(ordered)]
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _phrase_pattern(phrase: str) -> str:
    wildcard = phrase.endswith("*")
    body = phrase.rstrip("*").strip()
    parts: list[str] = []
    for char in body:
        if char in APOSTROPHES:
            parts.append(f"[{APOSTROPHES}]")
        elif char.isspace():
            if parts[-1:] != [r"\s+"]:
                parts.append(r"\s+")
        else:
            parts.append(re.escape(char))
    pattern = "".join(parts)
    start = r"(?<!\w)" if body[0].isalnum() or body[0] == "_" else ""
    if wildcard:
        return start + pattern + r"\w*"
    end = r"(?!\w)" if body[-1].isalnum() or body[-1] == "_" else ""
    return start + pattern + end
