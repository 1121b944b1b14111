"""The HTML document: one self-contained, printable file (inline CSS, nothing fetched).

Jinja2 autoescaping escapes every value, so nothing anyone typed can become markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from app.record.export.model import Document
from app.record.export.mrkdwn import Node, parse
from app.record.export.styled import to_html
from app.record.export.versions import history

When = Callable[[datetime | None], str]


@cache
def environment() -> Environment:
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
    return env


def render_html(doc: Document) -> Iterator[str]:
    env = environment().overlay()
    env.filters["when"] = when_in(doc.tz)
    env.filters["mrkdwn"] = lambda text: nodes_html(parse(str(text or ""), doc.names))
    return env.get_template("record.html.j2").generate(doc=doc)


def when_in(tz: str) -> When:
    """Times as the document shows them: in its time zone, to the second, zone named."""
    zone = ZoneInfo(tz)

    def when(moment: datetime | None) -> str:
        if moment is None:
            return ""
        local = moment.astimezone(zone)
        return local.strftime("%Y-%m-%d %H:%M:%S ") + (local.tzname() or tz)

    return when


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


def nodes_html(nodes: list[Node]) -> Markup:
    return to_html(nodes)


def headline(text: str, limit: int = 90) -> str:
    """The first line of a post, shortened: what names a brief or a card in the appendix."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= limit else first[: limit - 1] + "…"
