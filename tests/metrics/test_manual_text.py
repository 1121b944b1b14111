"""The answers of `/crisis metric`, as pure builders: trend arrows, changes, escaping."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from app.metrics.models import MetricPoint
from app.slack.blocks.metrics_text import (
    arrow,
    change,
    clock_time,
    feed_created,
    listing,
    recorded_line,
)

NOW = datetime(2026, 11, 21, 14, 5, tzinfo=UTC)


def point(value: float, *, unit: str = "", source: str = "", at: datetime = NOW) -> MetricPoint:
    return MetricPoint(
        incident_id=1,
        metric="views",
        value=value,
        unit=unit,
        at=at,
        source=source,
        entered_by="U0SARAH",
        received_at=at,
    )


def test_arrows() -> None:
    assert (arrow(3, 2), arrow(2, 3), arrow(2, 2), arrow(2, None)) == ("↑", "↓", "→", "→")


def test_changes_are_relative_or_in_points_for_percentages() -> None:
    assert change(2_700_000, 2_100_000, "") == "+29%"
    assert change(95, 100, "") == "-5%"
    assert change(100.5, 100, "") == "+0.5%"
    assert change(100, 100, "") == "±0%"
    assert change(-35, -40, "%") == "+5 pts"
    assert change(5, 0, "") == ""  # no base to compare with


def test_times_today_are_clock_times_and_other_days_dates() -> None:
    assert clock_time(NOW, NOW) == f"<!date^{int(NOW.timestamp())}^{{time}}|14:05 UTC>"
    yesterday = NOW - timedelta(days=1)
    assert "date_short_pretty" in clock_time(yesterday, NOW)


def test_a_source_is_escaped_wherever_it_is_shown() -> None:
    hostile = point(2_700_000, source="<!channel> & <@U0ROBERT>")
    line = recorded_line(hostile, point(2_100_000, at=NOW - timedelta(minutes=35)), now=NOW)
    assert "&lt;!channel&gt; &amp; &lt;@U0ROBERT&gt;" in line and "<!channel>" not in line
    listed = json.dumps([b.to_dict() for b in listing("INC-1", {"views": [hostile]}, NOW)])
    assert "<!channel>" not in listed and "&lt;!channel&gt;" in listed


def test_many_metrics_fit_in_slacks_limits() -> None:
    many = {
        f"metric_{n:03}": [point(n, source="s" * 60).model_copy(update={"metric": f"m{n}"})]
        for n in range(120)
    }
    blocks = listing("INC-1", many, NOW)
    assert len(blocks) <= 50
    assert all(len(b.to_dict()["text"]["text"]) <= 3000 for b in blocks if b.type == "section")
    assert "and 80 more" in json.dumps([b.to_dict() for b in blocks])


def test_the_feed_key_answer_names_the_path_the_key_the_secret_and_the_readme() -> None:
    shown = json.dumps([b.to_dict() for b in feed_created("INC-1", "mf_x", "abc123", 0)])
    assert "POST /hooks/metrics" in shown and "`mf_x`" in shown and "`abc123`" in shown
    assert "Metrics from social listening" in shown and "earlier key" not in shown
