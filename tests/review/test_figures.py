"""Review figures on a scripted incident whose values are worked out by hand."""

from datetime import UTC, datetime, timedelta

from app.review.figures import (
    Decided,
    Turnaround,
    UpdateCounts,
    describe,
    first_statement_after,
    turnaround,
    update_counts,
)

T0 = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_time_to_the_first_approved_statement() -> None:
    # Apology approved at +95 min, a holding statement at +40 min: the first is 40 min.
    assert first_statement_after(T0, [at(95), at(40)]) == timedelta(minutes=40)
    assert first_statement_after(T0, []) is None


def test_turnaround_per_role_median_and_worst() -> None:
    decisions = [
        # legal: asked at +10 → answered +25 (15 min); revision asked +50 → +55 (5 min);
        # refund asked +12 → +42 (30 min). Median 15, worst 30.
        Decided("legal", at(10), at(25)),
        Decided("legal", at(50), at(55)),
        Decided("legal", at(12), at(42)),
        # exec: 2 min and 6 min → median 4, worst 6.
        Decided("exec", at(10), at(12)),
        Decided("exec", at(50), at(56)),
    ]
    assert turnaround(decisions, ["lead", "exec", "legal", "marketing"]) == [
        Turnaround("exec", 2, timedelta(minutes=4), timedelta(minutes=6)),
        Turnaround("legal", 3, timedelta(minutes=15), timedelta(minutes=30)),
    ]


def test_updates_on_time_late_and_escalated() -> None:
    # 5 updates posted; 2 periods were nudged, 1 of those escalated:
    # 3 on time, 1 late (nudged only), 1 escalated.
    assert update_counts(posted=5, nudges=2, escalations=1) == UpdateCounts(3, 1, 1)
    assert update_counts(posted=0, nudges=0, escalations=0) == UpdateCounts(0, 0, 0)


def test_durations_read_like_people_write_them() -> None:
    assert describe(timedelta(hours=1, minutes=5)) == "1 h 05 min"
    assert describe(timedelta(minutes=12, seconds=30)) == "12 min"
    assert describe(timedelta(seconds=45)) == "45 s"
    assert describe(None) == "none"
