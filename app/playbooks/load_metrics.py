"""Reading a kind's `metrics:` section (app/playbooks/load.py calls it; one line per mistake).

    metrics:
      expected: {views: 30m, sentiment: 1h}   # silence for stale_after × this is flagged
      stale_after: 3
      thresholds:
        - {metric: views, above: 1M, raise_to: SEV1, cadence_minutes: 15, escalate: true}
        - {metric: sentiment, drops: 30%, within: 2h, escalate: true}
        - {metric: sentiment, recovers_within: 10%, of: baseline, for: 24h}

`above`/`below` are levels; `drops`/`rises` a change by N% (of where it was) or N (in the
metric's units) within a window; `recovers_within` a band around the baseline (the metric's
first point, unless `baseline: <value>` is given) held for a duration.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Protocol

from app.errors import BadCommand
from app.incidents.models import Severity
from app.metrics.thresholds import (
    DEFAULT_STALE_AFTER,
    Change,
    Condition,
    Level,
    MetricsPlan,
    Recovery,
    Threshold,
)
from app.metrics.values import BadMetric, metric_name, parse_value
from app.updates.durations import parse_duration

SECTION_KEYS = ("expected", "stale_after", "thresholds")
CONDITIONS = ("above", "below", "drops", "rises", "recovers_within")
RULE_KEYS = (
    "metric",
    *CONDITIONS,
    "within",
    "of",
    "baseline",
    "for",
    "raise_to",
    "cadence_minutes",
    "escalate",
)
SEVERITY_NAMES = ", ".join(s.value for s in Severity)
EXAMPLE = "{metric: views, above: 1M}"


class Checker(Protocol):
    """What the playbook loader's walker offers: a line per mistake, and mapping checks."""

    def wrong(self, where: str, problem: str, instead: str) -> None: ...

    def mapping(self, value: Any, where: str, allowed: tuple[str, ...]) -> dict[Any, Any]: ...

    def listed(self, value: Any, where: str, example: str) -> list[Any]: ...

    def cadence(self, value: Any, where: str) -> int | None: ...


def metrics_section(check: Checker, value: Any, where: str) -> MetricsPlan:
    """The kind's metrics plan (empty when the section is left out)."""
    if value is None:
        return MetricsPlan()
    fields = check.mapping(value, where, SECTION_KEYS)
    expected = _expected(check, fields.get("expected"), f"{where}.expected")
    stale_after = _stale_after(check, fields.get("stale_after"), f"{where}.stale_after")
    thresholds: list[Threshold] = []
    listed = check.listed(fields.get("thresholds"), f"{where}.thresholds", f"[{EXAMPLE}]")
    for index, item in enumerate(listed):
        here = f"{where}.thresholds[{index}]"
        rule = _threshold(check, item, here)
        if rule is None:
            continue
        if any(known.key == rule.key for known in thresholds):
            check.wrong(here, f'"{rule.describe()}" is listed twice', "list each rule once")
            continue
        thresholds.append(rule)
    return MetricsPlan(expected, stale_after, tuple(thresholds))


def _expected(check: Checker, value: Any, where: str) -> dict[str, timedelta]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        check.wrong(where, "is not a mapping", "map each metric to its interval: {views: 30m}")
        return {}
    found: dict[str, timedelta] = {}
    for key, interval in value.items():
        name = _name(check, key, f"{where}.{key}")
        duration = _duration(check, interval, f"{where}.{key}")
        if name is not None and duration is not None:
            found[name] = duration
    return found


def _stale_after(check: Checker, value: Any, where: str) -> int:
    if value is None:
        return DEFAULT_STALE_AFTER
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        check.wrong(
            where, f"{value!r} is not a whole number", "write how many intervals, such as 3"
        )
        return DEFAULT_STALE_AFTER
    return int(value)


def _threshold(check: Checker, item: Any, where: str) -> Threshold | None:
    fields = check.mapping(item, where, RULE_KEYS)
    if not fields:
        return None
    metric = _name(check, fields.get("metric"), f"{where}.metric")
    given = [key for key in CONDITIONS if key in fields]
    if len(given) != 1:
        problem = "has no condition" if not given else f"has {len(given)} conditions"
        check.wrong(where, problem, f"give exactly one of {', '.join(CONDITIONS)}")
        return None
    condition = _condition(check, given[0], fields, where)
    acts = _acts(check, fields, where, recovery=given[0] == "recovers_within")
    if metric is None or condition is None or acts is None:
        return None
    raise_to, cadence, escalate = acts
    return Threshold(metric, condition, raise_to, cadence, escalate)


def _condition(check: Checker, key: str, fields: dict[Any, Any], where: str) -> Condition | None:
    number = _number(check, fields[key], f"{where}.{key}")
    if key in ("above", "below"):
        _refuse(check, fields, where, ("within", "of", "baseline", "for"), key)
        return None if number is None else Level(number[0], key == "above", number[1])
    if key in ("drops", "rises"):
        _refuse(check, fields, where, ("of", "baseline", "for"), key)
        within = _duration(check, fields.get("within"), f"{where}.within")
        if number is None or within is None:
            return None
        if not _positive(check, number[0], f"{where}.{key}"):
            return None
        value, unit = number
        return Change(value, within, key == "rises", unit == "%", "" if unit == "%" else unit)
    return _recovery(check, number, fields, where)


def _recovery(
    check: Checker, number: tuple[float, str] | None, fields: dict[Any, Any], where: str
) -> Recovery | None:
    _refuse(check, fields, where, ("within",), "recovers_within")
    if fields.get("of", "baseline") != "baseline":
        check.wrong(f"{where}.of", f"{fields['of']!r} is not known", "write `of: baseline`")
    baseline = None
    if fields.get("baseline") is not None:
        given = _number(check, fields["baseline"], f"{where}.baseline")
        baseline = None if given is None else given[0]
    lasting = _duration(check, fields.get("for"), f"{where}.for")
    if (
        number is None
        or lasting is None
        or not _positive(check, number[0], f"{where}.recovers_within", zero=True)
    ):
        return None
    value, unit = number
    return Recovery(value, lasting, unit == "%", baseline, "" if unit == "%" else unit)


def _acts(
    check: Checker, fields: dict[Any, Any], where: str, *, recovery: bool
) -> tuple[Severity | None, int | None, bool] | None:
    ok = True
    if recovery:
        for key in ("raise_to", "cadence_minutes"):
            if key in fields:
                check.wrong(f"{where}.{key}", "a recovery cannot act so", f"remove `{key}`")
                ok = False
    raise_to = fields.get("raise_to")
    if raise_to is not None and raise_to not in {s.value for s in Severity}:
        check.wrong(
            f"{where}.raise_to", f"{raise_to!r} is not a severity", f"write {SEVERITY_NAMES}"
        )
        ok = False
    escalate = fields.get("escalate", False)
    if not isinstance(escalate, bool):
        check.wrong(f"{where}.escalate", f"{escalate!r} is not true or false", "write true")
        ok = False
    cadence = check.cadence(fields.get("cadence_minutes"), where)
    if "cadence_minutes" in fields and cadence is None:
        ok = False
    if not ok:
        return None
    return (Severity(raise_to) if raise_to else None), cadence, bool(escalate)


def _refuse(
    check: Checker, fields: dict[Any, Any], where: str, keys: tuple[str, ...], kind: str
) -> None:
    for key in keys:
        if key in fields:
            check.wrong(f"{where}.{key}", f"does not go with `{kind}`", f"remove `{key}`")


def _name(check: Checker, value: Any, where: str) -> str | None:
    try:
        return metric_name(value if isinstance(value, str) else "")
    except BadMetric:
        check.wrong(where, f"{value!r} is not a metric name", "write a word such as views")
        return None


def _number(check: Checker, value: Any, where: str) -> tuple[float, str] | None:
    if isinstance(value, bool) or value is None:
        check.wrong(where, f"{value!r} is not a number", "write a value such as 1M, 30% or 150K")
        return None
    try:
        return parse_value(str(value))
    except BadMetric:
        check.wrong(where, f"{value!r} is not a number", "write a value such as 1M, 30% or 150K")
        return None


def _positive(check: Checker, value: float, where: str, *, zero: bool = False) -> bool:
    if value > 0 or (zero and value == 0):
        return True
    check.wrong(where, f"{value:g} is not more than 0", "write how much, such as 30%")
    return False


def _duration(check: Checker, value: Any, where: str) -> timedelta | None:
    if value is None:
        check.wrong(where, "is missing", "write a duration such as 30m, 2h or 24h")
        return None
    try:
        return timedelta(seconds=parse_duration(str(value)))
    except BadCommand:
        check.wrong(where, f"{value!r} is not a duration", "write one such as 30m, 2h or 24h")
        return None
