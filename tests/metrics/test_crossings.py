"""Crossings worked out by hand on small series: each kind fires once, re-arms, and numbers its
crossings the same way every time."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from app.metrics.crossings import Crossing, Last, Point, crossings, next_check
from app.metrics.lookback import reach
from app.metrics.thresholds import Change, Level, Recovery, Silence, Threshold

T0 = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)
M = timedelta(minutes=1)
H = timedelta(hours=1)


def series(*pairs: tuple[int, float]) -> list[Point]:
    """(minutes after T0, value) pairs."""
    return [Point(T0 + minutes * M, value) for minutes, value in pairs]


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def found(rule: Threshold, points: list[Point], now: float = 10_000) -> list[Crossing]:
    return crossings(rule, points, now=at(now), opened_at=T0)


def times(rule: Threshold, points: list[Point], now: float = 10_000) -> list[float]:
    return [(c.at - T0) / M for c in found(rule, points, now)]


VIEWS_1M = Threshold("views", Level(1_000_000))


def test_a_level_fires_once_while_above_and_again_after_a_dip() -> None:
    points = series((0, 400_000), (10, 1_200_000), (20, 2_700_000), (30, 900_000), (40, 1_100_000))
    assert found(VIEWS_1M, points) == [
        Crossing(1, at(10), 1_200_000),
        Crossing(2, at(40), 1_100_000),
    ]
    assert found(VIEWS_1M, points[:3]) == [Crossing(1, at(10), 1_200_000)]  # 2.7M: still 1


def test_a_level_reached_exactly_counts_and_below_works_downwards() -> None:
    assert times(VIEWS_1M, series((0, 1_000_000))) == [0]
    low = Threshold("sentiment", Level(-20, above=False, unit="%"))
    assert times(low, series((0, 5), (5, -20), (10, -30), (15, -10), (20, -25))) == [5, 20]


def test_points_after_now_and_out_of_order_points() -> None:
    points = series((20, 1_500_000), (0, 100), (10, 2_000_000))  # given in any order
    assert times(VIEWS_1M, points) == [10]
    assert times(VIEWS_1M, points, now=5) == []  # only what was measured by now


def test_a_relative_drop_within_the_window() -> None:
    rule = Threshold("sentiment", Change(30, 2 * H))
    # 60 → 40 is -33% within 2h; 40 → 38 stays true (60 still in the window): no new crossing
    points = series((0, 60), (60, 40), (90, 38))
    assert found(rule, points) == [Crossing(1, at(60), 40, reference=60)]


def test_a_drop_too_slow_for_the_window_does_not_fire() -> None:
    rule = Threshold("sentiment", Change(30, 2 * H))
    assert found(rule, series((0, 60), (90, 50), (180, 41))) == []  # -18%, then -18% in 2h


def test_a_change_re_arms_once_the_old_high_leaves_the_window() -> None:
    rule = Threshold("sentiment", Change(30, 2 * H))
    points = series((0, 60), (60, 40), (200, 40), (230, 60), (260, 30))
    # true at 60; false at 200 (nothing in its window is 30% above 40); true again at 260
    assert times(rule, points) == [60, 260]
    assert [c.number for c in found(rule, points)] == [1, 2]


def test_a_relative_change_from_zero_is_no_change_but_an_absolute_one_is() -> None:
    relative = Threshold("mentions", Change(50, H, rises=True))
    assert found(relative, series((0, 0), (30, 500))) == []
    absolute = Threshold("mentions", Change(400, H, rises=True, relative=False))
    assert times(absolute, series((0, 0), (30, 500))) == [30]


def test_a_rise_from_a_negative_value_is_measured_from_its_size() -> None:
    rule = Threshold("sentiment", Change(50, H, rises=True))
    assert times(rule, series((0, -40), (30, -10))) == [30]  # +30 on |-40|: +75%


def test_recovery_after_leaving_the_band_for_the_whole_duration() -> None:
    rule = Threshold("sentiment", Recovery(10, 24 * H))  # baseline: the first point, 60
    points = series((0, 60), (60, 36), (120, 57), (600, 58), (1200, 61))
    assert found(rule, points, now=120 + 24 * 60 - 1) == []
    assert found(rule, points, now=120 + 24 * 60) == [
        Crossing(1, at(120 + 24 * 60), 61, reference=60)
    ]


def test_recovery_is_broken_by_a_point_outside_and_counted_again_after_leaving() -> None:
    rule = Threshold("sentiment", Recovery(10, 2 * H))
    points = series((0, 60), (10, 30), (20, 58), (100, 20), (110, 59), (300, 30), (310, 60))
    # 20..100 is not 2h; 110 → 230 completes (judged at the next point, 300); 310 → 430 at now
    assert times(rule, points, now=429) == [230]
    assert times(rule, points, now=430) == [230, 430]


def test_staying_inside_the_band_from_the_start_is_not_a_recovery() -> None:
    rule = Threshold("sentiment", Recovery(10, H))
    assert found(rule, series((0, 60), (30, 62), (300, 59))) == []


def test_no_points_means_no_baseline_and_no_recovery() -> None:
    rule = Threshold("sentiment", Recovery(10, H))
    assert found(rule, []) == []
    assert next_check(rule, [], now=at(100), opened_at=T0) is None


def test_a_given_baseline_is_used_instead_of_the_first_point() -> None:
    rule = Threshold("sentiment", Recovery(10, H, baseline=70))
    assert times(rule, series((0, 40), (10, 68)), now=200) == [70]


def test_a_zero_baseline_with_a_relative_band_is_met_by_zero_only() -> None:
    relative = Threshold("sentiment", Recovery(10, H, baseline=0))
    assert found(relative, series((0, -40), (10, -1), (20, 3)), now=500) == []
    assert times(relative, series((0, -40), (10, 0)), now=500) == [70]
    absolute = Threshold("sentiment", Recovery(5, H, relative=False, baseline=0))
    assert times(absolute, series((0, -40), (10, -3), (20, 4)), now=500) == [70]


def test_next_check_of_a_recovery_under_way_is_when_it_would_complete() -> None:
    rule = Threshold("sentiment", Recovery(10, 24 * H))
    points = series((0, 60), (60, 36), (120, 57))
    assert next_check(rule, points, now=at(130), opened_at=T0) == at(120 + 24 * 60)


VIEWS_SILENT = Threshold("views", Silence(30 * M, 3))


def test_a_silence_from_the_opening_is_flagged_once() -> None:
    assert times(VIEWS_SILENT, [], now=89) == []
    assert times(VIEWS_SILENT, [], now=90) == [90]
    assert times(VIEWS_SILENT, [], now=500) == [90]  # one silence, one crossing


def test_each_silence_between_points_is_its_own_crossing() -> None:
    points = series((10, 1), (40, 2), (200, 3), (220, 4))
    # 40 → 200 is a silence (flagged at 130); then from 220 on, flagged at 310 by now
    assert times(VIEWS_SILENT, points, now=309) == [130]
    assert times(VIEWS_SILENT, points, now=310) == [130, 310]
    assert found(VIEWS_SILENT, points, now=310)[0].value == 2  # the last value before it


def test_next_check_of_a_silence_is_the_deadline_not_yet_reached() -> None:
    points = series((10, 1))
    assert next_check(VIEWS_SILENT, points, now=at(20), opened_at=T0) == at(100)
    assert next_check(VIEWS_SILENT, points, now=at(100), opened_at=T0) is None  # flagged
    assert next_check(VIEWS_1M, points, now=at(20), opened_at=T0) is None  # a point decides


def test_the_same_series_gives_the_same_numbers_every_time() -> None:
    points = series((0, 1), (10, 2_000_000), (20, 1), (30, 3_000_000), (40, 1), (50, 1_500_000))
    first = found(VIEWS_1M, points)
    assert [c.number for c in first] == [1, 2, 3]
    assert found(VIEWS_1M, list(reversed(points))) == first


# A look reads a slice (app/metrics/lookback.py) and judges from `since` on, numbering after the
# last crossing stored: on every cut of random series it must find what the whole series gives.


def test_since_and_last_keep_the_later_crossings_numbered_on() -> None:
    points = series((0, 1), (10, 2_000_000), (20, 1), (30, 3_000_000), (40, 1), (50, 1_500_000))
    assert found_since(VIEWS_1M, points, since=25) == [  # crossing 1 (at 10) is stored
        Crossing(2, at(30), 3_000_000),
        Crossing(3, at(50), 1_500_000),
    ]
    last = Last(7, at(30))  # stored up to the one at 30: only later ones are new
    assert crossings(VIEWS_1M, points, now=at(60), opened_at=T0, since=at(25), last=last) == [
        Crossing(8, at(50), 1_500_000)
    ]


def test_a_slice_that_starts_with_the_point_before_does_not_cross_there() -> None:
    # 2M at 10 was crossing 1; the slice from 20 starts with it: 2.5M at 20 is no new crossing
    points = series((10, 2_000_000), (20, 2_500_000))
    assert crossings(VIEWS_1M, points, now=at(30), opened_at=T0, since=at(20)) == []


def test_a_slices_recovery_counts_from_the_series_first_value() -> None:
    rule = Threshold("sentiment", Recovery(10, H))
    sliced = series((100, 30), (110, 59))  # the series began at 60, long before
    assert times(rule, sliced, now=200) == []  # 30 taken as the baseline: 59 is not back
    got = crossings(rule, sliced, now=at(200), opened_at=T0, since=at(100), first=60)
    assert [(c.at, c.reference) for c in got] == [(at(170), 60)]
    assert next_check(rule, sliced, now=at(120), opened_at=T0, first=60) == at(170)


def test_lookback_of_each_kind_of_rule() -> None:
    rules = [
        VIEWS_1M,
        Threshold("views", Change(30, 2 * H)),
        Threshold("views", Change(50, H, rises=True)),
        Threshold("views", Recovery(10, 24 * H)),
        VIEWS_SILENT,
    ]
    needs = reach(rules)
    assert (needs.points, needs.change, needs.recovery, needs.baseline) == (
        True,
        2 * H,
        24 * H,
        True,
    )
    assert needs.reaches_from(at(0)) == at(-24 * 60)
    assert needs.start(at(0), before=at(-5), before_recovery=at(-1500)) == at(-1500)
    assert needs.start(at(0), before=at(-5), before_recovery=None) == at(-24 * 60)
    assert reach([VIEWS_1M]).start(at(0), before=at(-5), before_recovery=None) == at(-5)
    assert reach([VIEWS_1M]).start(at(0), before=None, before_recovery=None) == at(0)
    assert not reach([VIEWS_SILENT]).points


RULES = [
    VIEWS_1M,
    Threshold("sentiment", Level(-20, above=False)),
    Threshold("sentiment", Change(30, 2 * H)),
    Threshold("mentions", Change(400, H, rises=True, relative=False)),
    Threshold("sentiment", Recovery(10, 3 * H)),
    Threshold("sentiment", Recovery(5, H, relative=False, baseline=50)),
]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.key)
def test_every_cut_of_random_series_finds_what_the_whole_series_finds(rule: Threshold) -> None:
    rng = random.Random(rule.key)
    for _ in range(40):
        points = random_series(rng, rule)
        cuts = sorted({p.at for p in points} | {p.at + 7 * M for p in points})
        for since in cuts:
            now = since + rng.choice([0, 1, 30, 200]) * M
            whole = crossings(rule, points, now=now, opened_at=T0)
            stored = [c for c in whole if c.at < since]
            last = Last(stored[-1].number, stored[-1].at) if stored else None
            part, first, matters = cut(rule, points, since, now)
            got = crossings(rule, part, now=now, opened_at=T0, since=since, last=last, first=first)
            assert got == [c for c in whole if c.at >= since], (points, since, now)
            assert matters or got == []
            assert next_check(rule, part, now=now, opened_at=T0, first=first) == next_check(
                rule, points, now=now, opened_at=T0
            )


def test_every_cut_of_a_silence_finds_what_the_whole_series_finds() -> None:
    rng = random.Random(5)
    for _ in range(40):
        received = sorted(T0 + rng.randint(1, 200) * M for _ in range(rng.randint(1, 8)))
        points = [Point(t, n) for n, t in enumerate(received)]
        for k in range(1, len(points) + 1):  # the looks took in points[:k], judged at `looked`
            heard, new = points[k - 1], points[k:]
            looked = heard.at + rng.randint(0, 100) * M
            new = [p for p in new if p.at >= looked]
            for now in (looked, looked + 95 * M, looked + 400 * M):
                full = [*points[:k], *new]
                whole = crossings(VIEWS_SILENT, full, now=now, opened_at=T0)
                stored = [c for c in whole if c.at <= looked]  # judged at `looked`
                last = Last(stored[-1].number, stored[-1].at) if stored else None
                got = crossings(
                    VIEWS_SILENT,
                    [heard, *new],
                    now=now,
                    opened_at=heard.at,
                    since=looked,
                    last=last,
                )
                assert got == [c for c in whole if c.at > looked]


def found_since(rule: Threshold, points: list[Point], *, since: float) -> list[Crossing]:
    whole = found(rule, points)
    stored = [c for c in whole if c.at < at(since)]
    last = Last(stored[-1].number, stored[-1].at) if stored else None
    return crossings(rule, points, now=at(10_000), opened_at=T0, since=at(since), last=last)


def random_series(rng: random.Random, rule: Threshold) -> list[Point]:
    """A few hours of points at uneven gaps, with values that cross `rule` now and then."""
    condition, minutes, points = rule.condition, 0, []
    for _ in range(rng.randint(0, 14)):
        minutes += rng.choice([1, 5, 20, 45, 70, 130, 200])
        if isinstance(condition, Level):
            value = condition.bound * rng.choice([0.5, 0.9, 1, 1.5, -1])
        elif isinstance(condition, Change):
            value = rng.choice([0, 40, 60, 100, 500, 550, 900, -40])
        else:
            value = rng.choice([50, 52, 57, 60, 61, 63, 30, 70, 0])
        points.append(Point(T0 + minutes * M, float(value)))
    return points


def cut(rule: Threshold, points: list[Point], since: datetime, now: datetime) -> Sliced:
    """What a look reads of one source for `rule` (as app/metrics/slices.py cuts it): its
    slice, its first value, and whether the source can cross anything from `since` on."""
    needs = reach([rule])
    ordered = sorted(points, key=lambda p: p.at)

    def last_before(moment: datetime) -> datetime | None:
        return max((p.at for p in ordered if p.at < moment), default=None)

    latest = max((p.at for p in ordered if p.at <= now), default=None)
    matters = latest is not None and latest >= needs.reaches_from(since)
    before_recovery = last_before(needs.reaches_from(since)) if needs.recovery else None
    start = needs.start(since, before=last_before(since), before_recovery=before_recovery)
    first = ordered[0].value if ordered else None
    return [p for p in ordered if start <= p.at <= now], first, matters


Sliced = tuple[list[Point], float | None, bool]
