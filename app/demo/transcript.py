"""A transcript a person can read: what each person did, and what they saw change."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import replace

from app.harness import Harness
from app.slackdouble import Visible
from app.slackdouble.render import format_timeline

MERGEABLE = {"post", "dm", "edit", "reply"}


def narrate(harness: Harness, who: str, where: str, verb: str, what: str) -> None:
    """Put what a person did into the timeline, so the transcript reads as a story."""
    name = harness.double.user(who).real_name
    told(harness, name, where, verb, what)


def told(harness: Harness, name: str, where: str, verb: str, what: str) -> None:
    """Like `narrate`, for someone who is not a Slack user (the listening tool's webhook)."""
    harness.double.timeline.append(Visible(kind=verb, author=name, where=where, text=what, ts=""))


class Transcript:
    """Remembers what each message looked like, so later edits show only what changed."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str | None, str], str] = {}

    def readable(self, entries: Iterable[Visible]) -> str:
        return format_timeline(condense(entries, self.seen))


def condense(
    entries: Iterable[Visible], seen: dict[tuple[str | None, str], str] | None = None
) -> list[Visible]:
    """Edits show only what changed; the same post or edit in several places is shown once."""
    seen = {} if seen is None else seen
    out: list[Visible] = []
    for entry in entries:
        key = (entry.channel_id, _headline(entry.text))
        shown = entry
        if entry.kind == "edit" and key in seen:
            shown = replace(entry, text=key[1] + "\n" + _changes(seen[key], entry.text))
        if entry.kind in {"post", "dm", "edit", "reply"}:
            seen[key] = entry.text
        if entry.kind == "pin":
            shown = replace(entry, text=entry.text.strip().splitlines()[0])
        if out and _same(out[-1], shown):
            out[-1] = replace(out[-1], where=f"{out[-1].where}, {shown.where}")
            continue
        out.append(shown)
    return out


def _headline(text: str) -> str:
    """Cards and briefs start with their own header line: what identifies them across edits."""
    stripped = text.strip()
    return stripped.splitlines()[0] if stripped else ""


def _same(previous: Visible, entry: Visible) -> bool:
    kinds = {previous.kind, entry.kind}
    return (
        kinds <= MERGEABLE
        and len(kinds - {"post", "dm"}) <= 1
        and (previous.text == entry.text and previous.author == entry.author)
    )


def _changes(before: str, after: str) -> str:
    lines = [
        line
        for line in difflib.ndiff(before.splitlines(), after.splitlines())
        if line.startswith(("+ ", "- "))
    ]
    return "\n".join(lines) or "(no visible change)"
