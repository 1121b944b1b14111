"""The record as PDF (WeasyPrint, the optional `pdf` extra) and printed by a real headless
browser (Debian's `chromium`): pages, bookmarks, running headers, no raw mrkdwn on paper.

Where WeasyPrint, Pango or Chromium are missing these tests skip and say why; `.ci/run`
installs them, so CI always runs them."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.clock import FakeClock
from app.record.export.pdf import pdf_available, pdf_bytes
from app.record.export.run import export_record
from app.store.engine import SessionFactory
from tests.record.helpers import add, draft_of, message, new_incident
from tests.record.transcript_demo import demo_exports

pypdf = pytest.importorskip("pypdf", reason="pypdf (in .[dev]) reads the PDFs back")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
RAW = re.compile(r"<@U|<#C|:[a-z0-9_+\-]+:(?!\d)|(?<![\w*])\*[^\s*][^*\n]*\*(?![\w*])")


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_exports(tmp_path_factory.mktemp("demo"))


def words(reader: pypdf.PdfReader) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def outline_titles(outline: list[object]) -> Iterator[str]:
    for item in outline:
        if isinstance(item, list):
            yield from outline_titles(item)
        else:
            yield str(getattr(item, "title", ""))


@pytest.mark.skipif(pdf_available() is not None, reason=str(pdf_available()))
def test_weasyprint_pdf_has_bookmarks_headers_and_page_numbers(exports: Path) -> None:
    data = pdf_bytes((exports / "INC-1-record.html").read_text(encoding="utf-8"))
    reader = pypdf.PdfReader(io.BytesIO(data))
    pages = len(reader.pages)
    assert 3 <= pages <= 60  # (the demo feeds ~90 metric points: ~42 pages)
    titles = list(outline_titles(reader.outline))
    assert titles[0].startswith("INC-1 · Customer-service video")
    for section in ("The incident", "Decisions log", "Stakeholder updates", "Transcript"):
        assert section in titles
    assert any(title.startswith("Appendix") for title in titles)
    first, last = reader.pages[0].extract_text(), reader.pages[-1].extract_text()
    assert f"page 1 of {pages}" in first and f"page {pages} of {pages}" in last
    assert "INC-1 exported 2026-11-22" in last  # the running header, on every page
    assert not RAW.search(words(reader))


async def test_pdf_export_writes_a_pdf_file(
    db: SessionFactory, clock: FakeClock, tmp_path: Path
) -> None:
    if pdf_available() is not None:
        pytest.skip(str(pdf_available()))
    incident = await new_incident(db, clock)
    await add(db, incident.id, draft_of(message("1763733600.000100", "*Hold* :+1:")), clock)
    out = tmp_path / "INC-1-record.pdf"
    with out.open("w", encoding="utf-8") as handle:
        result = await export_record(db, incident.id, "pdf", handle, now=clock.now())
    reader = pypdf.PdfReader(out)
    text = words(reader)
    assert result.fmt == "pdf" and out.read_bytes().startswith(b"%PDF-")
    assert "Hold" in text and "*Hold*" not in text and ":+1:" not in text
    assert result.final_hash[:10] in text.replace("\n", "")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_a_real_browser_prints_the_transcript_without_raw_mrkdwn(
    exports: Path, tmp_path: Path
) -> None:
    assert CHROMIUM is not None
    out = tmp_path / "chromium.pdf"
    page = (exports / "INC-1-record.html").resolve()
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"]
    command += [f"--print-to-pdf={out}", page.as_uri()]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    reader = pypdf.PdfReader(out)
    assert 3 <= len(reader.pages) <= 60
    text = words(reader)
    assert "Transcript" in text and "Appendix" in text and "Maria Rodriguez" in text
    assert not RAW.search(text), RAW.search(text)
