"""The Markdown document: the same sections as the HTML, every piece of user text escaped."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from app.record.export.html import When, headline, when_in
from app.record.export.html_entry import human_size
from app.record.export.metrics import exact
from app.record.export.model import Decision, Document, Event, Item, Update
from app.record.export.mrkdwn import Node, parse
from app.record.export.styled import to_markdown
from app.record.export.text import markdown_escape as esc
from app.record.export.versions import history


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
        ("Exported", when(doc.generated_at)),
        ("Time zone", f"All times are {esc(doc.tz)}"),
    ]
    yield from (f"| {name} | {value} |\n" for name, value in rows if value)
    yield "\n### Status history\n\n"
    yield from _events(doc.status_history, when) or ["No status changes were recorded.\n"]
    yield "\n### Participants\n\n"
    yield from _organisations(doc)
    for person in doc.participants:
        roles = ", ".join(person.roles) or "no standing role"
        org = f" · {esc(person.organisation)}, {person.affiliation}" if person.org else ""
        yield f"- {esc(person.name)} ({esc(person.user_id)}{org}): {esc(roles)}\n"
    yield "\n## Decisions log\n\n"
    for decision in doc.decisions:
        yield from _decision(decision, when)
    if not doc.decisions:
        yield "No actions were proposed.\n"
    yield "\n## Stakeholder updates\n\n"
    for update in doc.updates:
        yield from _update(update, when, doc.names)
    if not doc.updates:
        yield "No stakeholder updates were recorded.\n"
    if doc.metrics:
        yield from _metrics(doc, when)
    yield "\n## Transcript\n\n"
    yield "Each entry shows its number in the record and the start of its hash "
    yield "(#80 · 3fa9c1d2e4).\n\n"
    for item in doc.transcript:
        yield _entry(item, when)
    if doc.revised:
        yield from _appendix(doc.revised, when)
    yield f"\n---\n\n**{doc.entries:,} entries.** Final chain hash: `{doc.final_hash}`\n\n"
    yield f"Check it with `crisisroom verify {facts.ref}` or from the JSONL export.\n"


def _integrity(doc: Document) -> str:
    if doc.intact:
        return f"Hash chain intact: {doc.entries:,} entries, final hash `{doc.final_hash}`."
    return f"**HASH CHAIN BROKEN**: {esc(doc.integrity)}."


def _organisations(doc: Document) -> Iterator[str]:
    """The organisations taking part (Slack Connect partners marked external)."""
    if doc.organisations:
        shown = [f"{esc(org.label)} ({org.affiliation})" for org in doc.organisations]
        yield f"Organisations taking part: {', '.join(shown)}.\n\n"


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


def _entry(item: Item, when: When) -> str:
    """A transcript entry and its replies, as one piece of text."""
    out: list[str] = []
    _item(item, when, 0, out.append)
    return "".join(out)


def _item(item: Item, when: When, depth: int, put: Callable[[str], Any]) -> None:
    pad = "> " * depth
    plain = item.kind == "message" and not item.recovered and not item.deleted_at
    shown = "" if plain else _badges(item, when)
    number = f"#{item.seq} · `{item.digest}`" if item.digest else f"#{item.seq}"
    put(f"{pad}**{when(item.when)} · {esc(item.author)}**{shown} · {number}  \n")
    if item.note:
        put(f"{pad}_{esc(item.note)}_  \n")
    struck = item.deleted_at is not None
    if item.edits:
        _edited(item, when, pad, struck, put)
    elif item.nodes:
        put(_lines(item.nodes, pad, struck=struck))
    for file in item.files:
        put(f"{pad}File: **{esc(str(file.get('name')))}** ({esc(str(file.get('mimetype')))}, ")
        put(f"{human_size(file.get('size'))}); {_kept(file)}  \n")
    put(f"{pad}\n")
    for reply in item.replies:
        _item(reply, when, depth + 1, put)
    if item.replies:
        put("\n")


def _badges(item: Item, when: When) -> str:
    badges = [] if item.kind == "message" else [item.kind]
    badges += ["recovered"] if item.recovered else []
    badges += [f"deleted {when(item.deleted_at)}"] if item.deleted_at else []
    return f" _({esc(', '.join(badges))})_"


def _edited(item: Item, when: When, pad: str, struck: bool, put: Callable[[str], Any]) -> None:
    """An edited post: a bot's final version (every version in the appendix), or each version."""
    if item.collapsed:
        count = len(item.edits)
        put(f"{pad}_Final version · edited {count} time{'s' if count != 1 else ''}, ")
        put("every version in the appendix:_  \n")
        put(_lines(item.final, pad, struck=struck))
        return
    for version in item.versions:
        by = f" · edited by {esc(version.who)}" if version.number > 1 else ""
        put(f"{pad}Version {version.number} · {when(version.when)}{by} · #{version.seq}:  \n")
        put(_lines(version.nodes, pad, struck=struck))


def _lines(nodes: list[Node], pad: str, *, struck: bool) -> str:
    mark = "~~" if struck else ""
    lines = to_markdown(nodes).splitlines() or [""]
    return "".join([f"{pad}{mark}{line}{mark}  \n" if line else f"{pad}  \n" for line in lines])


def _kept(file: dict[str, Any]) -> str:
    if file.get("stored"):
        return f"content kept, SHA-256 `{file.get('sha256')}`"
    return f"content not kept: {esc(str(file.get('not_stored_because') or 'not downloaded'))}"


def _update(update: Update, when: When, names: dict[str, str]) -> Iterator[str]:
    was = f" (was {esc(update.previous_status)})" if update.previous_status else ""
    yield f"### {when(update.when)} · {esc(update.kind)} posted by {esc(update.who)}\n\n"
    yield f"- **Status:** {esc(update.status or '—')}{was}\n"
    for label, text in update.sections:
        body = to_markdown(parse(text, names)).replace("\n", "  \n  ")
        yield f"- **{esc(label)}:** {body}\n"
    if update.next_due:
        yield f"- **Next update due:** {when(update.next_due)}\n"
    yield "\n"


def _metrics(doc: Document, when: When) -> Iterator[str]:
    """Each metric's points as a table; the charts are in the HTML and PDF exports."""
    yield "\n## Metrics\n\n"
    yield "Every point the war room took in, as the record holds it: when it was measured, its "
    yield "value, where it came from and who gave it. Charts of these points are in the HTML "
    yield f"and PDF exports of this record (`crisisroom export {esc(doc.facts.ref)} --format "
    yield "html`), as PNG images inside the document, and in the war room, posted with each "
    yield "update and alert.\n\n"
    for section in doc.metrics:
        yield f"### {esc(section.metric)}\n\n"
        yield "| Measured | Value | Source | By |\n|---|---|---|---|\n"
        for row in section.rows:
            source = (_cell(row.source) or "—") + (f" ({_cell(row.url)})" if row.url else "")
            value = esc(exact(row.value, row.unit))
            yield f"| {when(row.when)} | {value} | {source} | {_cell(row.who)} · #{row.seq} |\n"
        yield "\n"


def _appendix(items: list[Item], when: When) -> Iterator[str]:
    yield "\n## Appendix: versions of the bot's edited posts\n\n"
    yield "Each post below appears once in the transcript, in its final form. Here is every "
    yield "version, as the lines it removed (-) and added (+).\n\n"
    for item in items:
        yield f"### #{item.seq} · {esc(item.who)} · {esc(headline(item.text))}\n\n"
        yield f"Version 1 · {when(item.when)} · #{item.seq} `{item.digest}`:\n\n"
        yield "".join(f"{esc(line)}  \n" for line in item.text.splitlines()) + "\n"
        for change in history(item):
            version = change.version
            yield f"Version {version.number} · {when(version.when)} · edited by "
            yield f"{esc(version.who)} · #{version.seq} `{version.digest}`:\n\n"
            yield "".join(_diff_line(line.sign, line.text) for line in change.lines) + "\n"


def _diff_line(sign: str, text: str) -> str:
    """Added lines marked +, removed ones − and struck through; everything typed escaped."""
    shown = esc(text)
    if sign == "+":
        return f"**\\+** {shown}  \n"
    if sign == "-":
        return f"**−** ~~{shown}~~  \n" if shown.strip() else "**−**  \n"
    return "…  \n" if sign == "…" else f"{shown}  \n"
