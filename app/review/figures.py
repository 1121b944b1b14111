"""Figures for the review, computed from what the record holds (pure: no database, no Slack)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.metrics.review_figures import MetricFigures


@dataclass(frozen=True)
class Turnaround:
    role: str
    decisions: int
    median: timedelta
    worst: timedelta


@dataclass(frozen=True)
class UpdateCounts:
    on_time: int
    late: int
    escalated: int


@dataclass(frozen=True)
class StallCounts:
    """Approvals that reached their response time (stalls), that reached twice it (escalated),
    backups asked, and decisions a backup made (backups used)."""

    stalls: int = 0
    escalated: int = 0
    backups_asked: int = 0
    backups_used: int = 0


@dataclass(frozen=True)
class ReviewFigures:
    to_first_statement: timedelta | None
    turnaround: list[Turnaround]
    updates: UpdateCounts
    messages: int
    participants: int
    stalls: StallCounts = StallCounts()
    metrics: tuple[MetricFigures, ...] = ()  # peak and recovery of each metric (issue 15)


@dataclass(frozen=True)
class Decided:
    """One role's decision on one revision: asked at `requested`, answered at `decided`."""

    role: str
    requested: datetime
    decided: datetime


def first_statement_after(opened: datetime, approvals: Iterable[datetime]) -> timedelta | None:
    """Opening to the first approved public statement (None when none was approved)."""
    times = sorted(approvals)
    return times[0] - opened if times else None


def turnaround(decisions: Sequence[Decided], role_order: Sequence[str]) -> list[Turnaround]:
    """Per role: how long each decision took from the revision it judged; median and worst."""
    by_role: defaultdict[str, list[timedelta]] = defaultdict(list)
    for decision in decisions:
        by_role[decision.role].append(decision.decided - decision.requested)
    return [
        Turnaround(role, len(waits), _median(waits), max(waits))
        for role in role_order
        if (waits := by_role.get(role))
    ]


def update_counts(*, posted: int, nudges: int, escalations: int) -> UpdateCounts:
    """An update after a nudge was late; a late one that reached the executives escalated.

    Every nudge marks one missed due time; every escalation is one of those that stayed missing
    for a further cadence. Updates posted with no nudge in their period were on time.
    """
    return UpdateCounts(
        on_time=max(0, posted - nudges),
        late=max(0, nudges - escalations),
        escalated=escalations,
    )


def _median(values: Sequence[timedelta]) -> timedelta:
    return timedelta(seconds=statistics.median(v.total_seconds() for v in values))


def describe(delta: timedelta | None) -> str:
    """'1 h 05 min', '12 min', '45 s' — or 'none' when there is nothing to measure."""
    if delta is None:
        return "none"
    seconds = int(delta.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min" if minutes else f"{secs} s"
