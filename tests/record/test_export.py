"""Exports in every format: structure, the final hash, and hostile text kept harmless."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from app.clock import FakeClock
from app.record.drafts import delete_draft, edit_draft
from app.record.export.rows import CSV_COLUMNS
from app.record.export.run import export_record
from app.record.verify import verify_incident
from app.record.walk import check
from app.store.engine import SessionFactory
from tests.record.helpers import CHANNEL, add, draft_of, message, new_incident

HOSTILE = [
    "<script>alert('x')</script>",
    "<!channel> everyone look",
    '=HYPERLINK("http://evil.example","click")',
    "+1 agreed",
    "@here -5 points",
    "# Heading **bold** [link](http://evil.example) `code` | pipe",
    '<img src="http://evil.example/x.png" onerror="alert(1)">',
]


async def hostile_record(db: SessionFactory, clock: FakeClock) -> int:
    incident = await new_incident(db, clock)
    root = "1763733600.000100"
    await add(db, incident.id, draft_of(message(root, "Holding statement v1")), clock)
    for n, text in enumerate(HOSTILE, start=1):
        reply = message(f"1763733600.{200 + n:06d}", text, thread_ts=root, user="U0DAVID")
        await add(db, incident.id, draft_of(reply).named("David <b>Kim</b>"), clock)
    edited = message(root, "Holding statement v2", edited={"user": "U0MARIA", "ts": "1763733700.0"})
    previous = message(root, "Holding statement v1")
    await add(db, incident.id, edit_draft(edited, previous, CHANNEL).named("Maria"), clock)
    gone = message("1763733650.000000", "=cmd|' /C calc'!A0", user="U0SARAH")
    await add(db, incident.id, draft_of(gone).named("Sarah"), clock)
    await add(db, incident.id, delete_draft(gone["ts"], gone, CHANNEL, at="1763733660.0"), clock)
    return incident.id


async def export(db: SessionFactory, clock: FakeClock, incident_id: int, fmt: str) -> str:
    out = io.StringIO()
    await export_record(db, incident_id, fmt, out, now=clock.now())
    return out.getvalue()


async def test_html_is_self_contained_and_escapes_everything(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident_id = await hostile_record(db, clock)
    page = await export(db, clock, incident_id, "html")
    assert "<script" not in page and "<img" not in page and "<!channel>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "David &lt;b&gt;Kim&lt;/b&gt;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", page)
    assert "<link" not in page and "@media print" in page
    assert "Version 1" in page and "Version 2" in page and "Holding statement v2" in page
    assert "<del>=cmd|&#39; /C calc&#39;!A0</del>" in page
    report = await verify_incident(db, incident_id)
    assert page.rstrip().endswith("</html>") and report.verdict.final_hash in page[-1500:]
    assert f"{report.verdict.entries:,} entries" in page[-1500:]


async def test_html_puts_replies_under_their_parent(db: SessionFactory, clock: FakeClock) -> None:
    incident_id = await hostile_record(db, clock)
    page = await export(db, clock, incident_id, "html")
    transcript = page[page.index('id="transcript"') :]
    thread = transcript[transcript.index("Holding statement v1") :]
    assert thread.index('class="thread"') < thread.index("+1 agreed")
    assert thread.index("+1 agreed") < thread.index("=cmd|")  # the deleted post comes after


async def test_markdown_escapes_markup_and_html(db: SessionFactory, clock: FakeClock) -> None:
    incident_id = await hostile_record(db, clock)
    text = await export(db, clock, incident_id, "md")
    assert "<script>" not in text and "<img" not in text and "<!channel>" not in text
    assert "&lt;script&gt;" in text
    # Slack's own `code` is shown as code; everything else typed stays escaped
    assert r"\# Heading \*\*bold\*\* \[link\]\(http\://evil\.example\) `code` \| pipe" in text
    assert "~~\\=cmd" in text
    assert "Version 2" in text and "> **" in text
    final = (await verify_incident(db, incident_id)).verdict.final_hash
    assert f"Final chain hash: `{final}`" in text


async def test_csv_cells_never_start_a_formula(db: SessionFactory, clock: FakeClock) -> None:
    incident_id = await hostile_record(db, clock)
    table = list(csv.reader(io.StringIO(await export(db, clock, incident_id, "csv"))))
    assert tuple(table[0]) == CSV_COLUMNS
    cells = [value for row in table[1:] for value in row]
    assert not [value for value in cells if value[:1] in ("=", "+", "-", "@", "\t", "\r")]
    texts = [row[CSV_COLUMNS.index("text")] for row in table[1:]]
    assert '\'=HYPERLINK("http://evil.example","click")' in texts
    assert "'+1 agreed" in texts and "'@here -5 points" in texts
    assert len(table) - 1 == (await verify_incident(db, incident_id)).verdict.entries


async def test_jsonl_is_the_whole_record_and_verifies_on_its_own(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident_id = await hostile_record(db, clock)
    lines = [
        json.loads(line) for line in (await export(db, clock, incident_id, "jsonl")).splitlines()
    ]
    report = await verify_incident(db, incident_id)
    assert len(lines) == report.verdict.entries
    verdict = check(lines)
    assert verdict.intact and verdict.final_hash == report.verdict.final_hash
    texts = [(line["content"].get("message") or {}).get("text") for line in lines]
    assert set(HOSTILE) <= set(texts)
    lines[3]["content"]["message"]["text"] = "something else"
    assert check(lines).first_break is not None and check(lines).first_break.seq == 4


@pytest.mark.parametrize("fmt", ["html", "md"])
async def test_the_cover_names_the_period_and_the_time_zone(
    db: SessionFactory, clock: FakeClock, fmt: str
) -> None:
    incident_id = await hostile_record(db, clock)
    text = await export(db, clock, incident_id, fmt)
    assert "All times are UTC" in text and "Period covered" in text
    assert "Decisions log" in text and "Stakeholder updates" in text and "Transcript" in text
