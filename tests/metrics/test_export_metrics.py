"""The exported record's "Metrics": each metric's points as a table and, in HTML and PDF, its
chart as a PNG inside the document; nothing of it when the record holds no points."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from app.approvals import service as approvals
from app.approvals.models import Decision
from app.approvals.policy import Category
from app.audit.service import audit, trail
from app.clock import FakeClock
from app.metrics import service
from app.metrics.charts import ALERT, STATEMENT, UPDATE
from app.metrics.values import PointIn
from app.record.export.metrics import exact, metric_sections
from app.record.export.model import Act
from app.record.export.pdf import pdf_available
from app.record.export.run import export_record
from app.roles.models import Role
from app.store.engine import SessionFactory
from tests.approvals.helpers import propose
from tests.record.helpers import add, draft_of, message, new_incident

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
T0 = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)
PNG_URI = re.compile(r'<img class="chart" src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


async def storm(db: SessionFactory, clock: FakeClock) -> int:
    """The seed's numbers: views to 2.7M on tiktok, sentiment down 40%, an update posted."""
    incident = await new_incident(db, clock)
    points = [
        PointIn("views", 400e3, at(0), source="tiktok"),
        PointIn("views", 2.7e6, at(60), source="tiktok", url="https://example.com/report"),
        PointIn("sentiment", 0.0, at(0), unit="%"),
        PointIn("sentiment", -40.0, at(60), unit="%", source="brandwatch"),
    ]
    async with db.begin() as session:
        await service.record_points(
            session, incident_id=incident.id or 0, points=points, by="U0SARAH", now=at(61)
        )
        audit(session, at=at(30), actor="U0MARIA", action="update.post", incident_id=incident.id)
    return incident.id or 0


async def export(db: SessionFactory, clock: FakeClock, incident_id: int, fmt: str) -> str:
    out = io.StringIO()
    await export_record(db, incident_id, fmt, out, now=clock.now())
    return out.getvalue()


async def test_html_has_a_table_and_a_chart_of_each_metric(
    db: SessionFactory, clock: FakeClock
) -> None:
    page = await export(db, clock, await storm(db, clock), "html")
    metrics = page[page.index('<section id="metrics">') :]
    assert metrics.index("<h3>sentiment</h3>") < metrics.index("<h3>views</h3>")
    assert "2,700,000" in metrics and "-40%" in metrics and "https://example.com/report" in metrics
    assert "tiktok" in metrics and "brandwatch" in metrics and "U0SARAH" in metrics
    assert "2026-11-21 15:00:00 UTC" in metrics  # when measured, not when received
    charts = PNG_URI.findall(metrics)
    assert len(charts) == 2
    for chart in charts:
        assert Image.open(io.BytesIO(base64.b64decode(chart))).size == (1200, 600)
    # The transcript reads each point as a sentence, not as raw detail.
    assert "recorded views = 2.7M from tiktok, measured 2026-11-21T15:00:00+00:00" in page


async def test_markdown_has_the_tables_and_says_where_the_charts_are(
    db: SessionFactory, clock: FakeClock
) -> None:
    text = await export(db, clock, await storm(db, clock), "md")
    metrics = text[text.index("## Metrics") :]
    assert "data:image" not in text
    assert "are in the HTML and PDF exports of this record" in metrics
    assert "### views\n\n| Measured | Value | Source | By |\n|---|---|---|---|\n" in metrics
    assert "| 2,700,000 | tiktok (https\\://example\\.com/report) | U0SARAH · #" in metrics


async def test_a_record_without_points_has_no_metrics_section(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident = await new_incident(db, clock)
    await add(db, incident.id or 0, draft_of(message("1763733600.000100", "Holding")), clock)
    for fmt in ("html", "md"):
        page = await export(db, clock, incident.id or 0, fmt)
        assert "Metrics" not in page and "data:image" not in page


async def test_pdf_carries_the_charts(db: SessionFactory, clock: FakeClock, tmp_path: Path) -> None:
    if pdf_available() is not None:
        pytest.skip(str(pdf_available()))
    pypdf = pytest.importorskip("pypdf")
    incident_id = await storm(db, clock)
    out = tmp_path / "record.pdf"
    with out.open("w", encoding="utf-8") as handle:
        await export_record(db, incident_id, "pdf", handle, now=clock.now())
    reader = pypdf.PdfReader(out)
    # (WeasyPrint shares its images' resources between pages: each is listed on every page)
    images = {image.data: image for page in reader.pages for image in page.images}
    assert len(images) == 2  # the PDF is printed from the HTML: its data: URIs came along
    assert {image.image.size for image in images.values()} == {(1200, 600)}
    assert "Metrics" in "".join(page.extract_text() or "" for page in reader.pages)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
async def test_a_browser_loads_each_chart_at_its_natural_size(
    db: SessionFactory, clock: FakeClock, tmp_path: Path
) -> None:
    assert CHROMIUM is not None
    page = await export(db, clock, await storm(db, clock), "html")
    probe = (
        "<script>addEventListener('load', () => { document.body.dataset.sizes = "
        "[...document.images].map(i => `${i.complete}:${i.naturalWidth}x${i.naturalHeight}`)"
        ".join(' ') })</script></body>"
    )
    path = tmp_path / "record.html"
    path.write_text(page.replace("</body>", probe), encoding="utf-8")
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu"]
    command += ["--virtual-time-budget=10000", "--dump-dom", path.as_uri()]
    dom = subprocess.run(command, check=True, capture_output=True, text=True, timeout=180).stdout
    found = re.search(r'data-sizes="([^"]*)"', dom)
    assert found is not None, dom[-500:]
    assert found.group(1).split() == ["true:1200x600", "true:1200x600"]


def test_marks_come_from_the_records_own_entries() -> None:
    def act(seq: int, minutes: int, action: str, **detail: object) -> Act:
        return Act(seq, at(minutes), "U0MARIA", action, detail)

    public = Category.PUBLIC_STATEMENT.value
    acts = [
        act(1, 0, "metric.recorded", metric="views", value=1e6, measured_at=at(0).isoformat()),
        act(2, 5, "action.propose", action_id=3, category=public),
        act(3, 6, "action.propose", action_id=4, category="paid_media"),
        act(4, 20, "action.decide", action_id=3, state="approved"),
        act(5, 21, "action.decide", action_id=4, state="approved"),  # not a statement
        act(6, 30, "update.post", status="responding"),
        act(
            7,
            40,
            "metric.alert",
            metric="views",
            rule="views above 1M",
            kind="above",
            crossed_at=at(35).isoformat(),
        ),
        act(8, 41, "metric.alert", metric="sentiment", rule="sentiment drops 30% within 2h"),
    ]
    [views] = metric_sections(acts, {"U0MARIA": "Maria Rodriguez"})
    assert views.metric == "views" and views.rows[0].who == "Maria Rodriguez"
    assert views.marks == [
        (at(20), "A-3 approved", STATEMENT),
        (at(30), "update", UPDATE),
        (at(35), "views above 1M", ALERT),
    ]


def test_values_are_shown_in_full() -> None:
    assert exact(2712345.0) == "2,712,345"
    assert exact(-40.0, "%") == "-40%"
    assert exact(0.125) == "0.125"


async def test_the_real_approval_entries_mark_the_statement(
    db: SessionFactory, clock: FakeClock
) -> None:
    """The shapes `metric_sections` reads are the ones the approvals service writes."""
    incident_id = await storm(db, clock)
    action = await propose(db, clock, incident_id)  # a public statement: Legal and Exec
    for role, by in ((Role.LEGAL, "U0DAVID"), (Role.EXEC, "U0ROBERT")):
        clock.advance(timedelta(minutes=10))
        async with db.begin() as session:
            await approvals.decide(
                session,
                action_id=action.id or 0,
                revision=1,
                role=role,
                decision=Decision.APPROVE,
                by=by,
                by_roles={role},
                reason=None,
                at=clock.now(),
            )
    async with db() as session:
        entries = await trail(session, incident_id=incident_id)
    acts = [Act(e.id or 0, e.at, e.actor, e.action, e.detail) for e in entries]
    sections = metric_sections(acts, {})
    assert [s.metric for s in sections] == ["sentiment", "views"]
    for section in sections:
        assert (clock.now(), f"A-{action.id} approved", STATEMENT) in section.marks
        assert (at(30), "update", UPDATE) in section.marks
