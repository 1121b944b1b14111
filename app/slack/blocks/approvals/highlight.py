"""The wording guard's matches shown on a card: bold behind a warning sign, safely clipped."""

from __future__ import annotations

from collections.abc import Sequence

from app.approvals.guard import FaultMatch
from app.slack.blocks.text import ELLIPSIS, escape

WARNING = ":warning:"


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
