"""The record's metrics: every point as it was taken in, and a chart of each metric.

Read from the record's own entries as they stream past (no other table): each point is a
`metric.recorded` entry (app/metrics/service.py), each alert a `metric.alert` one, and the
moments charts mark are the record's updates (`update.post`) and its public statements'
approvals (`action.decide` reaching "approved"). The playbook's thresholds are not in the
record, so the exported charts show the alerts they raised, not their levels.

Charts are drawn only when the record holds points (most records hold none, and a 100,000-entry
export must stay fast), in a child process like the bot's (app/metrics/chart_child.py), and
embedded in the HTML as `data:` URIs, which WeasyPrint prints into the PDF as they are.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from app.approvals.policy import Category
from app.metrics.chart_child import ChartFailed, render_apart_blocking
from app.metrics.charts import ALERT, RECOVERY, STATEMENT, UPDATE, ChartData, ChartPoint, Mark
from app.record.export.model import Act, Document, MetricRow, MetricSection

logger = logging.getLogger(__name__)

RECORDED, ALERTED = "metric.recorded", "metric.alert"


def metric_sections(acts: Iterable[Act], names: Mapping[str, str]) -> list[MetricSection]:
    """Each metric with its points (oldest first) and its chart's marks, in name order."""
    rows: dict[str, list[MetricRow]] = {}
    alerts: dict[str, list[tuple[datetime, str, str]]] = {}
    marks: list[tuple[datetime, str, str]] = []
    statements: set[Any] = set()
    for act in acts:
        detail = act.detail
        if act.action == RECORDED and detail.get("metric"):
            rows.setdefault(str(detail["metric"]), []).append(_row(act, names))
        elif act.action == ALERTED and detail.get("metric"):
            alerts.setdefault(str(detail["metric"]), []).append(_alert(act))
        elif act.action == "update.post":
            marks.append((act.when, "update", UPDATE))
        elif act.action == "action.propose" and detail.get("category") == Category.PUBLIC_STATEMENT:
            statements.add(detail.get("action_id"))
        elif _approved(act) and detail.get("action_id") in statements:
            marks.append((act.when, f"A-{detail.get('action_id')} approved", STATEMENT))
    return [
        MetricSection(
            metric,
            sorted(rows[metric], key=lambda row: (row.when, row.seq)),
            marks + alerts.get(metric, []),
        )
        for metric in sorted(rows)
    ]


def _row(act: Act, names: Mapping[str, str]) -> MetricRow:
    detail = act.detail
    return MetricRow(
        when=_moment(detail.get("measured_at")) or act.when,
        value=float(detail.get("value") or 0),
        unit=str(detail.get("unit") or ""),
        source=str(detail.get("source") or ""),
        who=names.get(act.user_id) or act.user_id or "unknown",
        url=str(detail.get("url") or ""),
        seq=act.seq,
    )


def _alert(act: Act) -> tuple[datetime, str, str]:
    detail = act.detail
    recovered = detail.get("kind") == "recovery"
    label = f"{detail.get('metric')} recovered" if recovered else str(detail.get("rule") or "")
    return _moment(detail.get("crossed_at")) or act.when, label, RECOVERY if recovered else ALERT


def exact(value: float, unit: str = "") -> str:
    """A point's value as taken in, in full (the chart rounds: 2.7M; the record does not):
    2700000 → "2,700,000", -40 % → "-40%", 0.125 → "0.125"."""
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return ("0" if text == "-0" else text) + unit


def _approved(act: Act) -> bool:
    return act.action == "action.decide" and act.detail.get("state") == "approved"


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def draw_charts(doc: Document) -> None:
    """Each metric's chart into its section, as a PNG `data:` URI (none when the drawing
    fails: the points' table is the record; the chart only shows it)."""
    charts = [chart_of(doc.facts.ref, section) for section in doc.metrics]
    try:
        pngs = render_apart_blocking(charts)
    except ChartFailed:
        logger.exception("the metric charts of %s could not be drawn", doc.facts.ref)
        return
    for section, png in zip(doc.metrics, pngs, strict=True):
        section.chart = "data:image/png;base64," + base64.b64encode(png).decode()


def chart_of(ref: str, section: MetricSection) -> ChartData:
    rows = section.rows
    return ChartData(
        incident_ref=ref,
        metric=section.metric,
        unit=rows[-1].unit,
        points=tuple(ChartPoint(row.when, row.value, row.source) for row in rows),
        marks=tuple(Mark(at, label, kind) for at, label, kind in section.marks),
    )
