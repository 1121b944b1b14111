"""Metric charts: a PNG of the expected size, drawn from the points given, with the marks and
thresholds on it; the same chart drawn by the child process the bot uses."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from matplotlib import dates
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import SARAH
from app.metrics import service
from app.metrics.chart_child import ChartFailed, _answer, render_apart, render_apart_blocking
from app.metrics.charts import (
    ALERT,
    SERIES,
    STATEMENT,
    UPDATE,
    Bound,
    ChartData,
    ChartPoint,
    Mark,
    chart_from,
    chart_json,
    figure_for,
    render_png,
)
from app.metrics.values import PointIn
from tests.scenarios.approvals_helpers import open_seed_incident
from tests.updates.steps import post_update, quiet_harness, updates

T0 = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


VIEWS = ChartData(
    incident_ref="INC-12",
    metric="views",
    unit="",
    points=tuple(
        ChartPoint(at(30 * n), value, "tiktok")
        for n, value in enumerate([400e3, 900e3, 1.4e6, 2.1e6, 2.7e6])
    ),
    thresholds=(Bound("views above 1M", 1e6),),
    marks=(
        Mark(at(70), "views above 1M", ALERT),
        Mark(at(50), "A-1 approved", STATEMENT),
        Mark(at(100), "update", UPDATE),
    ),
)


def png_size(png: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.size


def series_lines(figure: Figure) -> list[Line2D]:
    return [line for line in figure.axes[0].get_lines() if line.get_gid() == SERIES]


def test_a_png_of_1200_by_600_pixels() -> None:
    png = render_png(VIEWS)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png_size(png) == (1200, 600)


def test_the_line_holds_the_points_given() -> None:
    figure = figure_for(VIEWS)
    (line,) = series_lines(figure)
    xs, ys = line.get_data()
    assert list(ys) == [400e3, 900e3, 1.4e6, 2.1e6, 2.7e6]
    assert [dates.num2date(x) for x in xs] == [point.at for point in VIEWS.points]


def test_title_thresholds_marks_and_human_ticks() -> None:
    figure = figure_for(VIEWS)
    axes = figure.axes[0]
    figure.canvas.draw()  # (tick labels exist once drawn)
    assert axes.get_title(loc="left") == "views — INC-12"
    (threshold,) = [line for line in axes.get_lines() if line.get_gid() == "threshold"]
    assert list(threshold.get_ydata()) == [1e6, 1e6]
    kinds = {line.get_gid() for line in axes.get_lines()}
    assert {ALERT, STATEMENT, UPDATE} <= kinds
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert legend == ["views", "views above 1M", "Statement approved", "Alert", "Update posted"]
    ticks = [label.get_text() for label in axes.get_yticklabels()]
    assert "1M" in ticks and "2.5M" in ticks and "500K" in ticks  # values.shown, not 1e6
    assert axes.get_xlabel() == "Time (UTC)"
    assert "12:30" in [label.get_text() for label in axes.get_xticklabels()]


def test_a_changed_point_changes_the_png() -> None:
    moved = ChartData(
        VIEWS.incident_ref,
        VIEWS.metric,
        VIEWS.unit,
        (*VIEWS.points[:-1], ChartPoint(at(120), 2.2e6, "tiktok")),
        VIEWS.thresholds,
        VIEWS.marks,
    )
    assert render_png(VIEWS) == render_png(VIEWS)  # drawing is deterministic
    assert render_png(moved) != render_png(VIEWS)


def test_one_line_per_source_and_a_lone_point_against_zero() -> None:
    two = ChartData(
        "INC-12",
        "views",
        "",
        (
            ChartPoint(at(0), 1e5, "tiktok"),
            ChartPoint(at(10), 2e5, "tiktok"),
            ChartPoint(at(5), 7e4, "youtube"),
        ),
    )
    lines = series_lines(figure_for(two))
    assert [line.get_label() for line in lines] == ["views · tiktok", "views · youtube"]
    assert [list(line.get_ydata()) for line in lines] == [[1e5, 2e5], [7e4]]
    lone = figure_for(ChartData("INC-12", "ceo_video_views", "", (ChartPoint(at(0), 150e3),)))
    low, high = lone.axes[0].get_ylim()
    assert low == 0 and high == pytest.approx(180e3)  # 150K + 20%
    left, right = lone.axes[0].get_xlim()
    assert (right - left) * 24 * 60 >= 30  # at least half an hour across


def test_percent_ticks_and_nothing_to_draw() -> None:
    sentiment = ChartData(
        "INC-12", "sentiment", "%", tuple(ChartPoint(at(n * 30), v) for n, v in enumerate([0, -40]))
    )
    figure = figure_for(sentiment)
    figure.canvas.draw()
    assert "-40%" in [label.get_text() for label in figure.axes[0].get_yticklabels()]
    with pytest.raises(ValueError, match="no points"):
        figure_for(ChartData("INC-12", "views", "", ()))


def test_json_round_trip() -> None:
    assert chart_from(chart_json(VIEWS)) == VIEWS


def test_the_child_process_draws_the_same_pngs() -> None:
    drawn = render_apart_blocking([VIEWS, VIEWS])
    assert drawn == [render_png(VIEWS)] * 2
    assert asyncio.run(render_apart([VIEWS])) == [render_png(VIEWS)]
    assert render_apart_blocking([]) == []


def test_a_child_that_answers_nonsense_is_a_failure() -> None:
    with pytest.raises(ChartFailed):
        _answer(b"Traceback ...\n", 1, 1)
    with pytest.raises(ChartFailed):
        _answer(b'{"png": []}\n', 0, 1)  # one chart asked, none drawn


async def seed_points(harness: Harness, incident_id: int) -> None:
    now = harness.clock.now()
    points = [
        PointIn("views", 400e3, now - timedelta(hours=2), source="tiktok"),
        PointIn("views", 2.7e6, now, source="tiktok"),
        PointIn("sentiment", -40.0, now, unit="%"),
    ]
    async with harness.db.begin() as session:
        await service.record_points(
            session, incident_id=incident_id, points=points, by=SARAH.id, now=now
        )


async def test_each_update_carries_a_chart_of_every_metric_in_its_thread(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiet_harness(tmp_path, clock) as harness:
        incident = await open_seed_incident(harness)
        await seed_points(harness, incident.id or 0)
        await post_update(harness, incident)
        [update] = updates(harness, incident)
        [charts] = [m for m in harness.double.messages(incident.channel_id) if m.files]
        assert charts.thread_ts == update.ts and charts.user == harness.double.bot_user_id
        assert "Key metrics at this update" in charts.text
        assert [(f.name, f.title) for f in charts.files] == [
            ("INC-1-sentiment.png", "sentiment — INC-1"),
            ("INC-1-views.png", "views — INC-1"),
        ]
        assert all(png_size(f.content or b"") == (1200, 600) for f in charts.files)
        assert len(harness.double.calls_to("files.completeUploadExternal")) == 1  # one upload


async def test_no_metrics_no_charts_and_a_failed_upload_leaves_the_update_posted(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiet_harness(tmp_path, clock) as harness:
        incident = await open_seed_incident(harness)
        await post_update(harness, incident)
        assert harness.double.calls_to("files.getUploadURLExternal") == []
        await seed_points(harness, incident.id or 0)
        harness.double.fail_next("files.completeUploadExternal", "not_in_channel")
        response = await post_update(harness, incident)
        assert response.status == 200
        assert len(updates(harness, incident)) == 2
        assert not [m for m in harness.double.messages(incident.channel_id) if m.files]
