"""The review's metric figures: peak, time to peak, time to recovery after the first approved
public statement, with numbers worked out by hand in the comments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.approvals import service as approvals
from app.approvals.models import Decision
from app.approvals.policy import Category
from app.clock import FakeClock
from app.metrics import service
from app.metrics.crossings import Point
from app.metrics.review_figures import MetricFigures, Recovered, metric_figures, recovery_rule
from app.metrics.thresholds import Level, MetricsPlan, Recovery, Threshold
from app.metrics.values import PointIn
from app.review.figures import ReviewFigures, StallCounts, UpdateCounts
from app.review.gather import gather_figures
from app.review.service import figures_json
from app.roles.models import Role
from app.slack.blocks.review import figures_text
from app.store.engine import SessionFactory
from tests.approvals.helpers import propose
from tests.factories import stored_incident

OPENED = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def at(hours: float) -> datetime:
    return OPENED + timedelta(hours=hours)


# Sentiment (share of positive mentions, %) through the storm, hour by hour from the opening:
#   12:00 60 (the first point: the baseline), 13:00 48, 14:00 36, 15:00 45, 16:00 55, 17:00 58.
# Distance from 60: 0, 12, 24, 15, 5, 2. 10% of 60 is 6, so 13:00-15:00 are outside the band,
# 16:00 and 17:00 back inside.
SENTIMENT = [Point(at(h), v) for h, v in enumerate([60.0, 48.0, 36.0, 45.0, 55.0, 58.0])]
STATEMENT = at(2.5)  # the apology was approved at 14:30
LATER = at(10)  # when the figures are judged, unless a test says
BACK_FOR_2H = Threshold("sentiment", Recovery(tolerance=10, lasting=2 * HOUR))


def figures(
    points: list[Point],
    *,
    rule: Threshold | None = None,
    now: datetime = LATER,
    statement_at: datetime | None = STATEMENT,
) -> MetricFigures:
    return metric_figures(
        "sentiment", "%", points, opened_at=OPENED, statement_at=statement_at, rule=rule, now=now
    )


def test_peak_is_the_point_furthest_from_the_baseline() -> None:
    found = figures(SENTIMENT)
    # 36 at 14:00 is 24 away from 60, further than any other: the peak, 2 h after opening.
    assert (found.peak, found.peak_at, found.to_peak) == (36.0, at(2), 2 * HOUR)
    assert found.baseline == 60.0


def test_without_a_rule_the_first_point_back_within_ten_percent_after_the_statement() -> None:
    found = figures(SENTIMENT)
    # After 14:30: 15:00 is 15 away (> 6), 16:00 is 5 away (≤ 6): recovered at 16:00,
    # 1 h 30 min after the statement.
    assert found.recovered == Recovered.YES
    assert found.to_recovery == timedelta(hours=1, minutes=30)
    assert found.rule == "back within 10% of the first point"


def test_with_a_recovery_rule_the_first_time_after_the_statement_it_holds() -> None:
    # Inside again from 16:00, and still inside at 17:00: the rule holds 2 h after 16:00, at
    # 18:00 (judged at 20:00, no point outside since), 3 h 30 min after the 14:30 statement.
    found = figures(SENTIMENT, rule=BACK_FOR_2H, now=at(8))
    assert found.recovered == Recovered.YES
    assert found.to_recovery == timedelta(hours=3, minutes=30)
    assert found.rule == "sentiment back within 10% of baseline for 2h"
    # Judged at 17:30, it has been back 1 h 30 min only: not recovered (yet).
    early = figures(SENTIMENT, rule=BACK_FOR_2H, now=at(5.5))
    assert (early.recovered, early.to_recovery) == (Recovered.NOT, None)


def test_a_given_baseline_moves_the_peak_and_the_band() -> None:
    # Baseline 50, band 10% of 50 = 5: 48 (2 away) and 45 (5 away) are inside; 36 is 14 away,
    # the peak; 60 is 10 away. The metric left the band at 12:00 already (60), so the first
    # point inside after the statement counts with the rule's duration 0: 15:00.
    rule = Threshold("sentiment", Recovery(tolerance=10, lasting=timedelta(0), baseline=50.0))
    found = figures(SENTIMENT, rule=rule)
    assert (found.baseline, found.peak) == (50.0, 36.0)
    assert found.to_recovery == timedelta(minutes=30)


def test_not_recovered_never_left_and_no_statement() -> None:
    # Views 400K → 2.7M → 1.2M: 10% of 400K is 40K; never back. Peak 2.7M at 14:00.
    views = [Point(at(0), 400e3), Point(at(2), 2.7e6), Point(at(4), 1.2e6)]
    found = metric_figures(
        "views", "", views, opened_at=OPENED, statement_at=STATEMENT, rule=None, now=at(9)
    )
    assert (found.peak, found.to_peak, found.recovered) == (2.7e6, 2 * HOUR, Recovered.NOT)
    flat = figures([Point(at(0), 60.0), Point(at(3), 62.0)])  # 2 away: never outside the band
    assert flat.recovered == Recovered.NEVER_LEFT
    assert flat.peak == 62.0
    unsaid = figures(SENTIMENT, statement_at=None)
    assert (unsaid.recovered, unsaid.to_recovery) == (Recovered.NO_STATEMENT, None)


def test_the_recovery_rule_is_picked_from_the_metrics_rules() -> None:
    level = Threshold("sentiment", Level(30.0, above=False))
    assert recovery_rule([level, BACK_FOR_2H]) == BACK_FOR_2H
    assert recovery_rule([level]) is None


def test_the_figures_read_as_lines_in_the_review() -> None:
    found = figures(SENTIMENT)
    views = metric_figures(
        "views",
        "",
        [Point(at(0), 4e5), Point(at(2), 2.7e6)],
        opened_at=OPENED,
        statement_at=None,
        rule=None,
        now=at(3),
    )
    review = ReviewFigures(None, [], UpdateCounts(0, 0, 0), 0, 0, StallCounts(), (found, views))
    text = figures_text(review)
    assert (
        "• sentiment: peak 36%, 2 h 00 min after opening; recovered 1 h 30 min after the first "
        "approved statement (back within 10% of the first point)"
    ) in text
    assert "• views: peak 2.7M, 2 h 00 min after opening; recovery not measured" in text
    [sentiment, _] = figures_json(review)["metrics"]
    assert sentiment["to_peak_seconds"] == 7200 and sentiment["to_recovery_seconds"] == 5400
    assert sentiment["recovered"] == "recovered" and sentiment["peak"] == 36.0


async def approve(db: SessionFactory, action_id: int, role: Role, by: str, *, at: datetime) -> None:
    async with db.begin() as session:
        await approvals.decide(
            session,
            action_id=action_id,
            revision=1,
            role=role,
            decision=Decision.APPROVE,
            by=by,
            by_roles={role},
            reason=None,
            at=at,
        )


async def test_gather_reads_points_and_the_first_approved_statement(
    db: SessionFactory, clock: FakeClock
) -> None:
    clock.set(OPENED)
    incident = await stored_incident(db, at=OPENED)
    async with db.begin() as session:
        await service.record_points(
            session,
            incident_id=incident.id or 0,
            points=[PointIn("sentiment", p.value, p.at, unit="%") for p in SENTIMENT],
            by="U0SARAH",
            now=at(6),
        )
    action = await propose(db, clock, incident.id or 0, category=Category.PUBLIC_STATEMENT)
    await approve(db, action.id or 0, Role.LEGAL, "U0DAVID", at=at(2))
    # The last approver's decision is the statement's approval: 14:30.
    await approve(db, action.id or 0, Role.EXEC, "U0ROBERT", at=STATEMENT)
    plan = MetricsPlan(thresholds=(BACK_FOR_2H,))
    async with db() as session:
        found = await gather_figures(session, incident, bot_user_id="U0BOT", plan=plan, now=at(8))
    assert found.to_first_statement == timedelta(hours=2, minutes=30)
    [sentiment] = found.metrics
    # As worked out above: peak 36 at +2 h; the rule holds at 18:00, 3 h 30 min after 14:30.
    assert (sentiment.peak, sentiment.to_peak) == (36.0, 2 * HOUR)
    assert sentiment.to_recovery == timedelta(hours=3, minutes=30)
    async with db() as session:
        plain = await gather_figures(session, incident, bot_user_id="U0BOT")
    assert plain.metrics[0].to_recovery == timedelta(hours=1, minutes=30)  # default: 16:00
