"""How long each approval may wait: a response time per category and severity (issue 14).

When an approval is still waiting at its response time, the approvers of its role are reminded;
at twice the time the role's backup is asked too and the incident lead is told
(app/flows/approval_reminders.py). The policy file may override the defaults per category:

    categories:
      public_statement:
        response_time: {SEV1: 15m, SEV2: 45m}   # the severities not named keep their default

Times are durations such as `30m`, `2h` or `1h30m`, between 1 minute and 7 days.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from app.errors import BadCommand
from app.incidents.models import Severity
from app.updates.durations import parse_duration

if TYPE_CHECKING:
    from app.approvals.policy import Category

MINUTE = timedelta(minutes=1)
SHORTEST = MINUTE
LONGEST = timedelta(days=7)
SEVERITY_NAMES = ", ".join(severity.value for severity in Severity)

# Statements and paid media move fastest (what the public sees); remedies and partners need
# more checking; internal steps follow the statement's pace.
_TIMES: dict[str, tuple[int, int, int]] = {  # minutes for SEV1, SEV2, SEV3
    "public_statement": (30, 60, 240),
    "customer_remedy": (60, 120, 480),
    "paid_media": (30, 60, 240),
    "partnership": (60, 120, 480),
    "internal": (30, 60, 240),
    "other": (60, 120, 480),
}


def default_response_times() -> dict[tuple[str, Severity], timedelta]:
    """The shipped response time of every category and severity."""
    return {
        (category, severity): minutes * MINUTE
        for category, times in _TIMES.items()
        for severity, minutes in zip(Severity, times, strict=True)
    }


DEFAULT_RESPONSE_TIMES: Mapping[tuple[str, Severity], timedelta] = MappingProxyType(
    default_response_times()
)


class ResponseTimeInvalid(Exception):
    """A problem at a dotted place in the policy file (app/approvals/policy.py names the file)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")


def response_times_from(
    value: Any, where: str, category: Category, into: dict[tuple[str, Severity], timedelta]
) -> None:
    """Read one category's `response_time` mapping into `into` (the other severities keep
    theirs); one clear problem per mistake."""
    example = "{SEV1: 30m, SEV2: 1h, SEV3: 4h}"
    if not isinstance(value, dict) or not value:
        raise ResponseTimeInvalid(where, f"expected severities and durations such as {example}")
    for key, text in value.items():
        severity = _severity(key, where)
        into[(category.value, severity)] = _duration(text, f"{where}.{key}")


def _severity(key: Any, where: str) -> Severity:
    name = str(key).upper()
    if name not in {severity.value for severity in Severity}:
        raise ResponseTimeInvalid(where, f'"{key}" is not a severity ({SEVERITY_NAMES})')
    return Severity(name)


def _duration(value: Any, where: str) -> timedelta:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ResponseTimeInvalid(where, "expected a duration such as 30m, 2h or 1h30m")
    if isinstance(value, int):
        raise ResponseTimeInvalid(where, f"say the unit, such as {value}m")
    try:
        seconds = parse_duration(value)
    except BadCommand:
        raise ResponseTimeInvalid(
            where, f'"{value}" is not a duration (use 30m, 2h or 1h30m)'
        ) from None
    time = timedelta(seconds=seconds)
    if time < SHORTEST or time > LONGEST:
        raise ResponseTimeInvalid(where, f"{value} is outside 1 minute to 7 days")
    return time
