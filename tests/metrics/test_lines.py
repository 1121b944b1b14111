"""The update form's Key metrics lines: read back what the prefill writes, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.metrics.lines import MetricLine, changed, line_of, parse_line, parse_lines, prefill
from app.metrics.models import MetricPoint

AT = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)


def point(metric: str, value: float, unit: str = "", source: str = "") -> MetricPoint:
    return MetricPoint(
        incident_id=1,
        metric=metric,
        value=value,
        unit=unit,
        at=AT,
        source=source,
        entered_by="U0MARIA",
        received_at=AT,
    )


@pytest.mark.parametrize(
    ("line", "read"),
    [
        ("views: 2.7M (tiktok)", MetricLine("views", 2_700_000, "", "tiktok")),
        ("views: 2.7M tiktok", MetricLine("views", 2_700_000, "", "tiktok")),
        ("sentiment: -40%", MetricLine("sentiment", -40, "%", "")),
        ("  Views :150K  ", MetricLine("views", 150_000, "", "")),
        (
            "- ceo_video_views: 150K (you tube)",
            MetricLine("ceo_video_views", 150_000, "", "you tube"),
        ),
        ("• mentions: 1,200 Brand Watch", MetricLine("mentions", 1200, "", "Brand Watch")),
        ("response_time: 45min", MetricLine("response_time", 45, "min", "")),
    ],
)
def test_lines_that_are_metrics(line: str, read: MetricLine) -> None:
    assert parse_line(line) == read


@pytest.mark.parametrize(
    "line",
    [
        "",
        "Sentiment is still falling",
        "views 2.7M",  # no colon: a sentence, not a metric line
        "Update at 14:05",
        "time: 14:05",  # not a number
        "views: lots",
        "CEO video views: 150K",  # a name is one word
        "views: 2.7M " + "x" * 65,  # the source is too long
        "views: inf",
        "http://example.com: 5",
    ],
)
def test_lines_that_are_not_metrics_are_left_alone(line: str) -> None:
    assert parse_line(line) is None


def test_parse_lines_keeps_the_metric_lines_in_order() -> None:
    text = "The apology is live.\nviews: 2.7M (tiktok)\n\nsentiment: -35%\nmore soon"
    assert parse_lines(text) == [
        MetricLine("views", 2_700_000, "", "tiktok"),
        MetricLine("sentiment", -35, "%", ""),
    ]


def test_line_of_is_read_back_by_parse_line() -> None:
    for metric, value, unit, source in [
        ("views", 2_712_345, "", "tiktok"),
        ("sentiment", -40, "%", ""),
        ("wait", 45, "min", "zendesk"),
    ]:
        line = line_of(metric, value, unit, source)
        read = parse_line(line)
        assert read is not None and (read.metric, read.unit, read.source) == (metric, unit, source)
    assert line_of("views", 2_712_345, "", "tiktok") == "views: 2.71M (tiktok)"


def test_prefill_is_one_line_per_metric_from_its_newest_point() -> None:
    latest = {
        "sentiment": [point("sentiment", -40, "%")],
        "views": [point("views", 2_700_000, source="tiktok"), point("views", 2_100_000)],
    }
    assert prefill(latest, 500) == "sentiment: -40%\nviews: 2.7M (tiktok)"


def test_prefill_stops_at_the_fields_limit_without_cutting_a_line() -> None:
    latest = {f"metric_{n:02}": [point(f"metric_{n:02}", n)] for n in range(40)}
    text = prefill(latest, 100)
    assert len(text) <= 100
    assert all(parse_line(line) for line in text.splitlines())
    assert text.splitlines()[0] == "metric_00: 0"


def test_a_line_changes_the_metric_only_when_it_reads_differently() -> None:
    stored = point("views", 2_712_345, source="tiktok")
    assert not changed(MetricLine("views", 2_710_000, "", "tiktok"), stored)  # as prefilled
    assert not changed(MetricLine("views", 2_712_345, "", "other"), stored)
    assert changed(MetricLine("views", 2_900_000, "", "tiktok"), stored)
    assert changed(MetricLine("views", 2_712_345, "views", ""), stored)  # another unit
    assert changed(MetricLine("views", 1, "", ""), None)  # nothing stored yet
