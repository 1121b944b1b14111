"""The HTML document: one self-contained, printable file (inline CSS, nothing fetched).

Jinja2 autoescaping escapes every value the template writes, and the transcript's entries
(written in Python: `html_entry.py`) escape each of theirs, so nothing anyone typed can become
markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from app.record.export.html_entry import entry_html_text, human_size
from app.record.export.metrics import exact
from app.record.export.model import Document, Item
from app.record.export.mrkdwn import Node, parse
from app.record.export.styled import to_html
from app.record.export.versions import history

When = Callable[[datetime | None], str]
ENTRIES_A_PIECE = 200


@cache
def environment() -> Environment:
    """Built once and shared: it holds nothing of any document (each render passes its own
    through the context; an overlay would share, and keep, the filters set on it)."""
    env = Environment(
        loader=PackageLoader("app.record.export", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["size"] = human_size
    env.filters["nodes"] = nodes_html
    env.filters["history"] = history
    env.filters["headline"] = headline
    env.filters["when"] = _when
    env.filters["mrkdwn"] = _mrkdwn
    env.filters["entries"] = _entries
    env.filters["exact"] = exact
    return env


def render_html(doc: Document) -> Iterator[str]:
    template = environment().get_template("record.html.j2")
    return template.generate(doc=doc, when_in_zone=when_in(doc.tz))


@pass_context
def _when(context: Context, moment: datetime | None) -> str:
    """`{{ moment | when }}`: in the document's time zone."""
    when: When = context["when_in_zone"]
    return when(moment)


@pass_context
def _mrkdwn(context: Context, text: object) -> Markup:
    """`{{ text | mrkdwn }}`: Slack's mrkdwn as HTML, people named as the record names them."""
    doc: Document = context["doc"]
    return nodes_html(parse(str(text or ""), doc.names))


@pass_context
def _entries(context: Context, items: list[Item]) -> Iterator[Markup]:
    """`{% for entries in items | entries %}`: the transcript's entries (each with its replies,
    `html_entry.py`), each followed by a line break, a few hundred to a piece (one template
    step per entry cost more than the entry)."""
    when: When = context["when_in_zone"]
    for start in range(0, len(items), ENTRIES_A_PIECE):
        block = items[start : start + ENTRIES_A_PIECE]
        yield Markup("".join([f"{entry_html_text(item, when)}\n" for item in block]))


def when_in(tz: str) -> When:
    """Times as the document shows them: in its time zone, to the second, zone named."""
    zone = ZoneInfo(tz)

    def when(moment: datetime | None) -> str:
        if moment is None:
            return ""
        local = moment.astimezone(zone)
        if local.year < 1000:  # (as strftime spells years 1 to 999: without leading zeros)
            return local.strftime("%Y-%m-%d %H:%M:%S ") + (local.tzname() or tz)
        # (%-formatting: 40 % faster here than str(), an f-string's format specs or strftime)
        day = "%d-%02d-%02d" % (local.year, local.month, local.day)  # noqa: UP031
        clock = "%02d:%02d:%02d" % (local.hour, local.minute, local.second)  # noqa: UP031
        return f"{day} {clock} {local.tzname() or tz}"

    return when


def nodes_html(nodes: list[Node]) -> Markup:
    return to_html(nodes)


def headline(text: str, limit: int = 90) -> str:
    """The first line of a post, shortened: what names a brief or a card in the appendix."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= limit else first[: limit - 1] + "…"
