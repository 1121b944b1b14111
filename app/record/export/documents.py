"""HTML, Markdown and PDF exports: entries gathered into a document, rendered off the event
loop. Imported only when a document is exported (app/record/export/run.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from itertools import islice
from typing import Any, TextIO

from app.record.export.build import Builder
from app.record.export.html import render_html
from app.record.export.markdown import render_markdown
from app.record.export.metrics import draw_charts
from app.record.export.model import Facts
from app.record.export.pdf import pdf_bytes, write_pdf


def document_sink(out: TextIO, fmt: str, names: Mapping[str, str], tz: str) -> DocumentSink:
    return DocumentSink(out, fmt, Builder(names=dict(names)), tz)


class DocumentSink:
    """HTML and Markdown: entries gathered into a document, rendered off the event loop."""

    def __init__(self, out: TextIO, fmt: str, builder: Builder, tz: str) -> None:
        self.out, self.fmt, self.builder, self.tz = out, fmt, builder, tz
        self.walk = builder.walk

    def feed(self, values: Sequence[Any]) -> None:
        self.builder.feed(values)

    async def finish(
        self, facts: Facts, roles: Mapping[str, list[str]], now: datetime, integrity: str
    ) -> None:
        await asyncio.to_thread(self._write, facts, roles, now, integrity)

    def _write(
        self, facts: Facts, roles: Mapping[str, list[str]], now: datetime, integrity: str
    ) -> None:
        """Off the event loop: the document built, rendered and written."""
        doc = self.builder.document(facts, roles, self.tz, now)
        doc.intact, doc.integrity = integrity == "intact", integrity
        if doc.metrics and self.fmt in ("html", "pdf"):  # (Markdown has the tables alone)
            draw_charts(doc)
        if self.fmt == "pdf":
            write_pdf(pdf_bytes("".join(render_html(doc))), self.out)
            return
        render = render_html if self.fmt == "html" else render_markdown
        _write_all(self.out, render(doc))


def _write_all(out: TextIO, chunks: Iterator[str]) -> None:
    """A thousand chunks at a time (a document is hundreds of thousands of small ones)."""
    while block := list(islice(chunks, 1000)):
        out.write("".join(block))
