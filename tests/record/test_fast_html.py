"""The HTML transcript, written in Python now, is what the Jinja2 macro wrote, byte for byte.

`entry_html` (app/record/export/html_entry.py) replaced the template's `entry` macro
and `to_html` builds plain strings instead of Markup objects. The macro and the previous
`to_html` are kept below verbatim as the references: random entries (deleted, bot actions,
a bot's edited posts, versions, odd files and file lists, replies inside replies, text with
markup in it) in three time zones must come out the same. Then: a render leaves nothing of
its document in the shared environment, and the collector pause always ends.
"""

from __future__ import annotations

import gc
import random
import weakref
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from jinja2 import Environment, Template
from markupsafe import Markup, escape

from app.errors import NotFound
from app.record.export.heap import collector_paused
from app.record.export.html import render_html, when_in
from app.record.export.html_entry import entry_html, human_size
from app.record.export.model import Act, Document, Facts, Item, Version
from app.record.export.mrkdwn import (
    HOLE,
    Code,
    Emoji,
    Mention,
    Node,
    Styled,
    Text,
    mention_text,
    parse,
)
from app.record.export.run import export_record
from app.record.export.styled import escaped, to_html
from app.record.models import EntryKind
from app.store.engine import SessionFactory
from tests.record.test_fast_mrkdwn import NAMES, PIECES, texts

REFERENCE_MACRO = (
    "{% macro entry(item) -%}\n"
    '<div class="entry{% if item.deleted_at %} deleted{% endif %}{% if item.act %}'
    ' action{% endif %}" id="seq-{{ item.seq }}">\n'
    '<div class="head"><span class="seq">#{{ item.seq }}{% if item.digest %}'
    ' · {{ item.digest }}{% endif %}</span><span class="when">{{ item.when | when }}'
    '</span> · <span class="who">{{ item.who }}</span>\n'
    '{% if item.kind != "message" %} <span class="badge">{{ item.kind }}</span>'
    '{% endif %}{% if item.recovered %} <span class="badge">recovered</span>{% endif %}'
    '{% if item.deleted_at %} <span class="badge">deleted {{ item.deleted_at | when }}'
    "{% if item.deleted_seq %} (#{{ item.deleted_seq }}){% endif %}</span>{% endif %}"
    "</div>\n"
    '{% if item.note %}<div class="muted">{{ item.note }}</div>{% endif %}\n'
    '{% if item.collapsed %}<div class="muted">'
    "Final version · edited {{ item.edits | length }}"
    ' time{{ "s" if item.edits | length != 1 }}, last {{ item.edits[-1].when | when }}'
    ' (#{{ item.edits[-1].seq }}); every version is in <a href="#versions-{{ item.seq }}'
    '">the appendix</a>.</div>\n'
    '<div class="text">{% if item.deleted_at %}<del>{{ item.final | nodes }}</del>'
    "{% else %}{{ item.final | nodes }}{% endif %}</div>\n"
    '{% elif item.edits %}{% for version in item.versions %}<div class="version">'
    '<div class="when version-head">Version {{ version.number }}'
    " · {{ version.when | when }}{% if version.number > 1 %} · edited by"
    ' {{ version.who }}{% endif %} <span class="seq">#{{ version.seq }}'
    " · {{ version.digest }}</span>"
    '</div><div class="text">{% if item.deleted_at %}<del>{{ version.nodes | nodes }}'
    "</del>{% else %}{{ version.nodes | nodes }}{% endif %}</div></div>{% endfor %}\n"
    '{% elif item.nodes %}<div class="text">{% if item.deleted_at %}<del>'
    "{{ item.nodes | nodes }}</del>{% else %}{{ item.nodes | nodes }}{% endif %}</div>"
    "{% endif %}\n"
    '{% for file in item.files %}<div class="file">File: <strong>{{ file.name }}</strong>'
    " ({{ file.mimetype }}, {{ file.size | size }}){% if file.stored %}"
    '; content kept, SHA-256 <span class="hash">{{ file.sha256 }}</span>{% else %}'
    '; content not kept: {{ file.not_stored_because or "not downloaded" }}{% endif %}'
    "</div>{% endfor %}\n"
    '{% if item.replies %}<div class="thread">{% for reply in item.replies %}'
    "{{ entry(reply) }}{% endfor %}</div>{% endif %}\n"
    "</div>\n"
    "{%- endmacro %}\n"
)


def reference_to_html(nodes: list[Node]) -> Markup:
    return Markup("").join(_html(node) for node in nodes)


def _html(node: Node) -> Markup:
    if isinstance(node, Text):
        return escape(node.text)
    if isinstance(node, Styled):
        tag = {"b": "strong", "i": "em", "s": "del"}[node.style]
        return Markup(f"<{tag}>") + reference_to_html(list(node.children)) + Markup(f"</{tag}>")
    if isinstance(node, Code):
        tag = "pre" if node.block else "code"
        return Markup(f"<{tag}>") + escape(node.text) + Markup(f"</{tag}>")
    if isinstance(node, Emoji):
        return Markup('<span class="emoji" title="{}">{}</span>').format(node.code, node.char)
    if isinstance(node, Mention):
        if node.sigil == "@" and node.ref and node.ref != node.name:
            return Markup('<span class="mention">@{}</span> <span class="id">({})</span>').format(
                node.name, node.ref
            )
        return Markup('<span class="mention">{}</span>').format(mention_text(node))
    if node.label and node.label != node.url.removeprefix("mailto:"):
        return Markup('{} <span class="url">({})</span>').format(node.label, node.url)
    return Markup('<span class="url">{}</span>').format(node.url)


def reference_entries(tz: str) -> Template:
    """The macro in the environment the document template had, called on `item`."""
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(when=when_in(tz), nodes=reference_to_html, size=human_size)
    return env.from_string(REFERENCE_MACRO + "{{ entry(item) }}")


TYPED = [piece for piece in PIECES if HOLE not in piece]  # (a typed hole char fails to parse)
WORDS = texts(200, TYPED, 4)
FILES: list[Any] = [
    {"name": "a<b>.png", "mimetype": "image/png", "size": 48213, "stored": True, "sha256": "ab"},
    {"name": None, "size": "??", "stored": False, "not_stored_because": "too big <x> & '"},
    {"stored": 1, "sha256": None, "size": 7_000_000_000, "mimetype": '"q"'},
    {"size": 999.5, "not_stored_because": "", "stored": 0},
    *({}, "just text", ["a list"], 7, None),
]


def random_item(rng: random.Random, depth: int = 0) -> Item:
    start = datetime(2025, 11, 21, tzinfo=UTC) + timedelta(seconds=rng.randrange(10**8))
    when = start.replace(microsecond=rng.choice([0, rng.randrange(10**6)]))
    kind = rng.choice(["message", "message", "join", "file", "<b>&", *EntryKind])
    user, who = rng.choice(["U1", None]), rng.choice(WORDS)
    item = Item(rng.randrange(1, 10**6), kind, when, user, who, "")
    item.recovered = rng.random() < 0.3
    item.files = rng.sample(FILES, rng.choice([0, 0, 1, 3]))
    item.digest, item.note = rng.choice(["", "3fa9c1d2e4", "<&>"]), rng.choice(["", "<i>&'"])
    item.nodes, item.bot = parse(rng.choice(WORDS), NAMES), rng.random() < 0.4
    if rng.random() < 0.3:
        item.deleted_at, item.deleted_seq = when + timedelta(hours=1), rng.choice([0, 7])
    if rng.random() < 0.2:
        item.act = Act(item.seq, when, "U1", "action.decide", {})
    for number in range(2, 2 + rng.choice([0, 0, 1, 3])):
        version = Version(number, when + timedelta(minutes=number), rng.choice(WORDS), "")
        version.seq, version.digest = rng.randrange(10**6), rng.choice(["", "<x>", "0a1b"])
        version.nodes = parse(rng.choice(WORDS), NAMES)
        item.edits.append(version)
    if depth < 2:
        item.replies = [random_item(rng, depth + 1) for _ in range(rng.choice([0, 0, 1, 2]))]
    return item


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_entries_are_written_as_the_macro_wrote_them(tz: str) -> None:
    rng, when, reference = random.Random(tz), when_in(tz), reference_entries(tz)
    for _ in range(1500):
        item = random_item(rng)
        assert str(entry_html(item, when)) == reference.render(item=item)


def test_nodes_are_written_as_before() -> None:
    for words in texts(20_000, TYPED, 5):
        nodes = parse(words, NAMES)
        assert str(to_html(nodes)) == str(reference_to_html(nodes)), repr(words)


def document(tz: str, transcript: list[Item]) -> Document:
    at = datetime(2025, 11, 21, 14, tzinfo=UTC)
    facts = Facts("INC-1", "Title", "SEV1", "Crisis", "open", "war", "Maria", at, "")
    return Document(facts, tz, at, 1, "0" * 64, True, "intact", at, at, [], [], [], [], transcript)


def test_two_renders_at_once_each_keep_their_zone_and_leave_nothing_behind() -> None:
    item = Item(1, "message", datetime(2025, 11, 21, 14, tzinfo=UTC), "U1", "Maria", "")
    docs = [document("UTC", [item]), document("America/New_York", [item])]
    first, second = (render_html(doc) for doc in docs)
    chunks: tuple[list[str], list[str]] = ([], [])
    for a, b in zip(first, second, strict=True):  # interleaved, as two exports would be
        chunks[0].append(a)
        chunks[1].append(b)
    utc, new_york = ("".join(part) for part in chunks)
    assert "2025-11-21 14:00:00 UTC" in utc and "2025-11-21 09:00:00 EST" in new_york
    left = [weakref.ref(doc) for doc in docs]
    del docs, first, second
    gc.collect()
    assert all(ref() is None for ref in left)


def test_the_collector_pause_always_ends_and_overlapping_pauses_leave_it_on() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    with ExitStack() as first, ExitStack() as second:
        first.enter_context(collector_paused())
        second.enter_context(collector_paused())
        first.close()  # the first export ends while the second still runs
        assert gc.isenabled()
    assert gc.isenabled()


async def test_an_export_that_fails_turns_the_collector_back_on(db: SessionFactory) -> None:
    with pytest.raises(NotFound):
        await export_record(db, 404, "html", None, now=datetime.now(UTC))  # type: ignore[arg-type]
    assert gc.isenabled()


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"])
def test_times_are_spelled_as_strftime_spells_them(tz: str) -> None:
    rng, when, zone = random.Random(tz), when_in(tz), ZoneInfo(tz)
    for _ in range(3000):
        moment = datetime(rng.randrange(2, 9999), 1, 1, tzinfo=UTC) + timedelta(
            seconds=rng.randrange(366 * 86_400), microseconds=rng.randrange(10**6)
        )
        local = moment.astimezone(zone)
        expected = local.strftime("%Y-%m-%d %H:%M:%S ") + str(local.tzname())
        assert when(moment) == expected, moment
    assert when(None) == ""


def test_escaped_writes_what_markupsafe_writes() -> None:
    rng = random.Random(12)
    alphabet = "&<>'\"ab é\u2028;#"
    values: list[object] = ["", "plain", Markup("<b>kept</b>"), 7, -3, 2.5, None, True]
    values += ["".join(rng.choices(alphabet, k=rng.randrange(12))) for _ in range(5000)]
    for value in values:
        assert escaped(value) == str(escape(value)), repr(value)
