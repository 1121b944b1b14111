"""The Markdown document: the same sections as the HTML, every piece of user text escaped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.record.export.html import When, human_size, when_in
from app.record.export.model import Decision, Document, Event, Item
from app.record.export.text import markdown_escape as esc


def render_markdown(doc: Document) -> Iterator[str]:
    when = when_in(doc.tz)
    facts = doc.facts
    yield f"# Legal record: {esc(facts.ref)} · {esc(facts.title)}\n\n"
    yield f"Exported {when(doc.generated_at)}. {_integrity(doc)}\n\n"
    yield "## The incident\n\n| | |\n|---|---|\n"
    rows = [
        ("Incident", f"{esc(facts.ref)}: {_cell(facts.title)}"),
        ("Severity", esc(facts.severity)),
        ("Kind", esc(facts.kind)),
        ("Status at export", esc(facts.status)),
        ("War room", esc(f"#{facts.channel}")),
        ("Opened", f"{when(facts.opened_at)} by {esc(facts.opened_by)}"),
        ("Summary", _cell(facts.summary)),
        ("Period covered", f"{when(doc.first)} to {when(doc.last)}" if doc.first else "nothing"),
        ("Time zone", f"All times are {esc(doc.tz)}"),
    ]
    yield from (f"| {name} | {value} |\n" for name, value in rows if value)
    yield "\n### Status history\n\n"
    yield from _events(doc.status_history, when) or ["No status changes were recorded.\n"]
    yield "\n### Participants\n\n"
    for person in doc.participants:
        roles = ", ".join(person.roles) or "no standing role"
        yield f"- {esc(person.name)} ({esc(person.user_id)}): {esc(roles)}\n"
    yield "\n## Decisions log\n\n"
    for decision in doc.decisions:
        yield from _decision(decision, when)
    if not doc.decisions:
        yield "No actions were proposed.\n"
    yield "\n## Stakeholder updates\n\n"
    yield from _events(doc.updates, when) or ["No stakeholder updates were recorded.\n"]
    yield "\n## Transcript\n\n"
    for item in doc.transcript:
        yield from _item(item, when, depth=0)
    yield f"\n---\n\n**{doc.entries:,} entries.** Final chain hash: `{doc.final_hash}`\n\n"
    yield f"Check it with `crisisroom verify {facts.ref}` or from the JSONL export.\n"


def _integrity(doc: Document) -> str:
    if doc.intact:
        return f"Hash chain intact: {doc.entries:,} entries, final hash `{doc.final_hash}`."
    return f"**HASH CHAIN BROKEN**: {esc(doc.integrity)}."


def _cell(value: str) -> str:
    return esc(value).replace("\n", "<br>")


def _events(events: list[Event], when: When) -> list[str]:
    lines = []
    for event in events:
        why = f" Reason: {esc(event.why)}" if event.why else ""
        lines.append(f"- {when(event.when)} · **{esc(event.who)}** {esc(event.what)}.{why}\n")
    return lines


def _decision(decision: Decision, when: When) -> Iterator[str]:
    yield f"### {esc(decision.ref)} · {esc(decision.title)} ({esc(decision.state)})\n\n"
    roles = ", ".join(decision.required_roles) or "none"
    yield f"Category {esc(decision.category or '—')}; proposed by {esc(decision.proposer)}; "
    yield f"approvers: {esc(roles)}.\n\n"
    for wording in decision.wordings:
        yield f"- Revision {wording.revision} · {when(wording.when)} · {esc(wording.who)}: "
        yield f"**{esc(wording.title)}**{_block(wording.details, '  ')}\n"
    yield "\n"
    yield from _events(decision.events, when)
    yield "\n"


def _block(text: str, indent: str) -> str:
    if not text:
        return ""
    return "".join(f"  \n{indent}{esc(line)}" for line in text.splitlines())


def _item(item: Item, when: When, depth: int) -> Iterator[str]:
    pad = "> " * depth
    badges = [] if item.kind == "message" else [item.kind]
    badges += ["recovered"] if item.recovered else []
    badges += [f"deleted {when(item.deleted_at)}"] if item.deleted_at else []
    shown = f" _({esc(', '.join(badges))})_" if badges else ""
    yield f"{pad}**{when(item.when)} · {esc(item.who)}**{shown}  \n"
    if item.note:
        yield f"{pad}_{esc(item.note)}_  \n"
    for version in item.versions:
        by = f" · edited by {esc(version.who)}" if version.number > 1 else ""
        yield f"{pad}Version {version.number} · {when(version.when)}{by}:  \n"
        yield _lines(version.text, pad, struck=item.deleted_at is not None)
    if not item.edits and item.text:
        yield _lines(item.text, pad, struck=item.deleted_at is not None)
    for file in item.files:
        yield f"{pad}File: **{esc(str(file.get('name')))}** ({esc(str(file.get('mimetype')))}, "
        yield f"{human_size(file.get('size'))}); {_kept(file)}  \n"
    yield f"{pad}\n"
    for reply in item.replies:
        yield from _item(reply, when, depth + 1)
    if item.replies:
        yield "\n"


def _lines(text: str, pad: str, *, struck: bool) -> str:
    mark = "~~" if struck else ""
    lines = [esc(line) for line in text.splitlines()] or [""]
    return "".join(f"{pad}{mark}{line}{mark}  \n" if line else f"{pad}  \n" for line in lines)


def _kept(file: dict[str, Any]) -> str:
    if file.get("stored"):
        return f"content kept, SHA-256 `{file.get('sha256')}`"
    return f"content not kept: {esc(str(file.get('not_stored_because') or 'not downloaded'))}"
