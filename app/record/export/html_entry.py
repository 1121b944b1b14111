"""One transcript entry of the HTML document (and its replies), written out in Python.

The document template takes the transcript's top-level entries a few hundred at a time
(`{% for entries in doc.transcript | entries %}`, app/record/export/html.py): a Jinja2 macro
per entry cost more than the rest of the export. Every value anyone could have typed
passes through `escape` here, as Jinja2's autoescaping would have done; the markup is that of
the macro it replaced, byte for byte (tests/record/test_fast_html.py compares the two).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from markupsafe import Markup

from app.record.export.model import Item
from app.record.export.mrkdwn import Node
from app.record.export.styled import escaped, html_text

When = Callable[[datetime | None], str]
Put = Callable[[str], Any]


def entry_html(item: Item, when: When) -> Markup:
    return Markup(entry_html_text(item, when))


def entry_html_text(item: Item, when: When) -> str:
    """`entry_html` as a plain str (for a writer that marks the whole as safe itself)."""
    out: list[str] = []
    _entry(item, when, out.append)
    return "".join(out)


def _entry(item: Item, when: When, put: Put) -> None:
    deleted, seq = item.deleted_at, escaped(item.seq)
    marks = (" deleted" if deleted else "") + (" action" if item.act else "")
    digest = f" · {escaped(item.digest)}" if item.digest else ""
    plain = item.kind == "message" and not item.recovered and not deleted
    note = f'<div class="muted">{escaped(item.note)}</div>' if item.note else ""
    put(
        f'<div class="entry{marks}" id="seq-{seq}">\n<div class="head"><span class="seq">#{seq}'
        f'{digest}</span><span class="when">{escaped(when(item.when))}</span> · '
        f'<span class="who">{escaped(item.author)}</span>\n'
        f"{'' if plain else _badges(item, when)}</div>\n{note}"
    )
    _said(item, when, put)
    for file in item.files:
        put(_file(file))
    if item.replies:
        put('<div class="thread">')
        for reply in item.replies:
            _entry(reply, when, put)
        put("</div>")
    put("</div>")


def _badges(item: Item, when: When) -> str:
    """Its kind when not a message, recovered, deleted."""
    badges = f' <span class="badge">{escaped(item.kind)}</span>' if item.kind != "message" else ""
    if item.recovered:
        badges += ' <span class="badge">recovered</span>'
    if item.deleted_at:
        number = f" (#{escaped(item.deleted_seq)})" if item.deleted_seq else ""
        badges += f' <span class="badge">deleted {escaped(when(item.deleted_at))}{number}</span>'
    return badges


def _said(item: Item, when: When, put: Put) -> None:
    """What the entry said: its final version (a bot's post it kept editing), every version,
    or its text."""
    deleted = item.deleted_at is not None
    if item.collapsed:
        count, last = len(item.edits), item.edits[-1]
        put(f'<div class="muted">Final version · edited {count} time{"s" if count != 1 else ""}')
        put(f", last {escaped(when(last.when))} (#{escaped(last.seq)}); every version is in ")
        put(f'<a href="#versions-{escaped(item.seq)}">the appendix</a>.</div>\n')
        put(f'<div class="text">{_shown(item.final, deleted)}</div>\n')
    elif item.edits:
        for version in item.versions:
            put('<div class="version"><div class="when version-head">')
            put(f"Version {escaped(version.number)} · {escaped(when(version.when))}")
            if version.number > 1:
                put(f" · edited by {escaped(version.who)}")
            put(f' <span class="seq">#{escaped(version.seq)} · {escaped(version.digest)}</span>')
            put(f'</div><div class="text">{_shown(version.nodes, deleted)}</div></div>')
    elif item.nodes:
        put(f'<div class="text">{_shown(item.nodes, deleted)}</div>')


def _shown(nodes: list[Node], deleted: bool) -> str:
    html = html_text(nodes)
    return f"<del>{html}</del>" if deleted else html


def _file(file: Any) -> str:
    """A shared file as the macro showed it, each `file.key` read as Jinja2 reads it (a key
    the file lacks shows as nothing, is false and has no size)."""
    name, mimetype, size = _key(file, "name"), _key(file, "mimetype"), _key(file, "size")
    shown = f'<div class="file">File: <strong>{_value(name)}</strong> ({_value(mimetype)}, '
    shown += f"{escaped(human_size(size))})"
    if _key(file, "stored"):
        digest = _value(_key(file, "sha256"))
        return f'{shown}; content kept, SHA-256 <span class="hash">{digest}</span></div>'
    reason = _key(file, "not_stored_because") or "not downloaded"
    return f"{shown}; content not kept: {escaped(reason)}</div>"


def _key(file: Any, key: str) -> Any:
    return file.get(key, _MISSING) if isinstance(file, dict) else _MISSING


def _value(value: Any) -> str:
    return "" if value is _MISSING else escaped(value)


class _Missing(str):
    """A key the file lacks (where Jinja2 had Undefined): empty, so false and no size."""


_MISSING: Any = _Missing()


def human_size(size: object) -> str:
    try:
        value = float(str(size))
    except ValueError:
        return "size unknown"
    if value < 1000:
        return f"{value:,.0f} bytes"
    for unit in ("KB", "MB"):
        value /= 1000
        if value < 1000:
            return f"{value:,.1f} {unit}"
    return f"{value / 1000:,.1f} GB"
