"""What changed between two versions of a post, line by line (difflib), for the appendix."""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass

from app.record.export.model import Item, Version


@dataclass(frozen=True)
class Line:
    sign: str  # "+" added, "-" removed, " " unchanged context, "…" lines left out
    text: str


@dataclass(frozen=True)
class Change:
    version: Version
    lines: tuple[Line, ...]


def changes(before: str, after: str, *, context: int = 1) -> tuple[Line, ...]:
    """The lines removed and added, with `context` unchanged lines around each change."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=context)
    lines: list[Line] = []
    for raw in diff:
        if raw.startswith(("---", "+++")):
            continue
        if raw.startswith("@@"):
            if lines:
                lines.append(Line("…", ""))
            continue
        lines.append(Line(raw[:1] or " ", raw[1:]))
    return tuple(lines) or (Line(" ", "(no change in the words shown)"),)


def history(item: Item) -> list[Change]:
    """Each version after the first, with what it changed from the one before."""
    versions = item.versions
    return [
        Change(version, changes(before.text, version.text))
        for before, version in itertools.pairwise(versions)
    ]
