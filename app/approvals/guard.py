"""The wording guard: find phrases in a draft that could read as an admission of fault.

Matching is case-insensitive and whole-word: "we admit" never matches inside "we
administer", and "negligent" does not match "negligently". A phrase ending in `*` matches
any word that starts with it ("negligen*" finds negligent, negligence and negligently).
Straight and curly apostrophes are interchangeable, and any run of whitespace matches a space.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from app.slack.blocks.text import ELLIPSIS, escape

APOSTROPHES = "'’‘ʼ"
WARNING = ":warning:"


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


def highlight(text: str, matches: Sequence[FaultMatch], *, limit: int) -> str:
    """Escaped mrkdwn with each match in bold behind a warning sign, at most `limit` characters.

    Clipping never cuts an entity such as `&amp;` or a highlight in half: a highlight that
    does not fit is dropped whole and the text ends with an ellipsis.
    """
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in sorted(matches, key=lambda m: m.start):
        if match.start < position:
            continue
        pieces.append((escape(text[position : match.start]), False))
        pieces.append((f"*{WARNING} {escape(text[match.start : match.end])}*", True))
        position = match.end
    pieces.append((escape(text[position:]), False))
    whole = "".join(piece for piece, _ in pieces)
    return whole if len(whole) <= limit else _clip_pieces(pieces, limit)


def _clip_pieces(pieces: Sequence[tuple[str, bool]], limit: int) -> str:
    room = limit - len(ELLIPSIS)
    out: list[str] = []
    for piece, atomic in pieces:
        if len(piece) <= room:
            out.append(piece)
            room -= len(piece)
            continue
        if not atomic:
            out.append(_cut_escaped(piece, room))
        break
    return "".join(out) + ELLIPSIS


def _cut_escaped(escaped: str, room: int) -> str:
    cut = escaped[: max(room, 0)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut
