"""Thresholds in the playbook file: how they read, what the shipped file says, and one line
for every mistake in a `metrics:` section."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app.incidents.models import Severity
from app.metrics.thresholds import (
    AlertKind,
    Change,
    Level,
    MetricsPlan,
    Recovery,
    Silence,
    Threshold,
    span,
)
from app.playbooks.errors import PlaybookError
from app.playbooks.load import load_playbooks

H = timedelta(hours=1)


def write(tmp_path: Path, metrics: str) -> Path:
    path = tmp_path / "playbooks.yml"
    body = "\n".join(f"      {line}" for line in metrics.strip().splitlines())
    path.write_text(f"kinds:\n  viral:\n    label: Viral\n    metrics:\n{body}\n", "utf-8")
    return path


def plan(tmp_path: Path, metrics: str) -> MetricsPlan:
    return load_playbooks(write(tmp_path, metrics)).kinds["viral"].metrics


def mistakes(tmp_path: Path, metrics: str) -> list[str]:
    path = write(tmp_path, metrics)
    with pytest.raises(PlaybookError) as raised:
        load_playbooks(path)
    return [line.removeprefix(f"{path}: kinds.viral.metrics") for line in raised.value.lines]


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (Threshold("views", Level(1_000_000)), "views above 1M"),
        (Threshold("sentiment", Level(-20, above=False, unit="%")), "sentiment below -20%"),
        (Threshold("sentiment", Change(30, 2 * H)), "sentiment drops 30% within 2h"),
        (Threshold("mentions", Change(50, H, rises=True)), "mentions rises 50% within 1h"),
        (Threshold("views", Change(200_000, H, relative=False)), "views drops 200K within 1h"),
        (
            Threshold("sentiment", Recovery(10, 24 * H)),
            "sentiment back within 10% of baseline for 24h",
        ),
        (
            Threshold("sentiment", Recovery(5, 24 * H, relative=False, baseline=62)),
            "sentiment back within 5 of 62 for 24h",
        ),
        (Threshold("views", Silence(timedelta(minutes=30), 3)), "views silent for 1h30m"),
    ],
)
def test_describe_reads_like_the_playbook(rule: Threshold, text: str) -> None:
    assert rule.describe() == text == rule.key


def test_spans_are_compact() -> None:
    assert [span(timedelta(seconds=s)) for s in (45, 1800, 5400, 7200, 86400, 3 * 86400)] == [
        "45s",
        "30m",
        "1h30m",
        "2h",
        "24h",
        "3d",
    ]


def test_the_shipped_viral_playbook_watches_views_and_sentiment() -> None:
    metrics = load_playbooks(None).kinds["service_failure_viral"].metrics
    assert metrics.expected == {"views": timedelta(minutes=30), "sentiment": H}
    assert metrics.stale_after == 3
    views, drop, recovery = metrics.thresholds
    assert (views.describe(), views.raise_to, views.cadence_minutes, views.escalate) == (
        "views above 1M",
        Severity.SEV1,
        15,
        True,
    )
    assert (drop.describe(), drop.escalate) == ("sentiment drops 30% within 2h", True)
    assert recovery.describe() == "sentiment back within 10% of baseline for 24h"
    assert [rule.kind for rule in metrics.rules("views")] == [AlertKind.ABOVE, AlertKind.STALE]
    assert metrics.rules("mentions") == ()


def test_positive_virality_alerts_without_escalating() -> None:
    metrics = load_playbooks(None).kinds["positive_virality"].metrics
    assert [rule.describe() for rule in metrics.thresholds] == [
        "views above 1M",
        "mentions rises 50% within 1h",
    ]
    assert not any(rule.escalate or rule.raise_to for rule in metrics.thresholds)


def test_a_kind_without_metrics_has_an_empty_plan() -> None:
    assert load_playbooks(None).kinds["general"].metrics == MetricsPlan()


def test_every_kind_of_threshold_loads(tmp_path: Path) -> None:
    loaded = plan(
        tmp_path,
        """
expected: {views: 30m, sentiment: 1h}
stale_after: 2
thresholds:
  - {metric: views, above: 1M, raise_to: SEV1, cadence_minutes: 15, escalate: true}
  - {metric: sentiment, below: -20%}
  - {metric: sentiment, drops: 30%, within: 2h}
  - {metric: views, rises: 200000, within: 1h}
  - {metric: sentiment, recovers_within: 5, of: baseline, baseline: 62, for: 1d}
""",
    )
    assert loaded.stale_after == 2
    assert [rule.condition for rule in loaded.thresholds] == [
        Level(1_000_000),
        Level(-20, above=False, unit="%"),
        Change(30, 2 * H),
        Change(200_000, H, rises=True, relative=False),
        Recovery(5, 24 * H, relative=False, baseline=62),
    ]
    assert loaded.silence("views") == Threshold("views", Silence(timedelta(minutes=30), 2))


def test_every_mistake_in_a_metrics_section_gets_its_own_line(tmp_path: Path) -> None:
    lines = mistakes(
        tmp_path,
        """
expected: {Views!: 30m, sentiment: soon}
stale_after: 0
colour: red
thresholds:
  - {metric: views, above: lots}
  - {metric: views, above: 1M, drops: 30%}
  - {metric: sentiment, drops: 30%}
  - {metric: sentiment, drops: -5%, within: 2h}
  - {metric: sentiment, recovers_within: 10%, of: average, for: 24h, raise_to: SEV1}
  - {metric: views, above: 2M, within: 1h, raise_to: SEV0, escalate: maybe}
  - {metric: mentions, rises: 50%, within: 1h}
  - {metric: mentions, rises: 50%, within: 1h, escalate: true}
  - {above: 1M}
""",
    )
    assert lines == [
        ': unknown key "colour"; use expected, stale_after, thresholds',
        ".expected.Views!: 'Views!' is not a metric name; write a word such as views",
        ".expected.sentiment: 'soon' is not a duration; write one such as 30m, 2h or 24h",
        ".stale_after: 0 is not a whole number; write how many intervals, such as 3",
        ".thresholds[0].above: 'lots' is not a number; write a value such as 1M, 30% or 150K",
        ".thresholds[1]: has 2 conditions; give exactly one of above, below, drops, rises,"
        " recovers_within",
        ".thresholds[2].within: is missing; write a duration such as 30m, 2h or 24h",
        ".thresholds[3].drops: -5 is not more than 0; write how much, such as 30%",
        ".thresholds[4].of: 'average' is not known; write `of: baseline`",
        ".thresholds[4].raise_to: a recovery cannot act so; remove `raise_to`",
        ".thresholds[5].within: does not go with `above`; remove `within`",
        ".thresholds[5].raise_to: 'SEV0' is not a severity; write SEV1, SEV2, SEV3",
        ".thresholds[5].escalate: 'maybe' is not true or false; write true",
        '.thresholds[7]: "mentions rises 50% within 1h" is listed twice; list each rule once',
        ".thresholds[8].metric: None is not a metric name; write a word such as views",
    ]
