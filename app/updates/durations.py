"""Durations people type (`45m`, `2h`, `1h30m`, `5s`) and durations the bot shows."""

from __future__ import annotations

import re

from app.errors import BadCommand

UNITS: dict[str, int] = {
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
}
PART = re.compile(r"(\d+)\s*([a-z]+)")
WHOLE = re.compile(r"^(?:\d+\s*[a-z]+\s*)+$")
MAX_SECONDS = 30 * 86400
EXAMPLES = "`45m`, `2h`, `1h30m`, or `30s` for a drill"


def parse_duration(text: str) -> int:
    """Seconds in a duration such as `45m`, `2h`, `1h30m` or `5s`: at least 1 second."""
    cleaned = text.strip().lower()
    if not cleaned:
        raise BadCommand(f"Give a duration such as {EXAMPLES}.")
    if cleaned.isdigit():
        raise BadCommand(f"Say the unit: `{cleaned}m` or `{cleaned}s`, for example.")
    if not WHOLE.match(cleaned):
        raise BadCommand(f"`{_shown(text)}` is not a duration. Try {EXAMPLES}.")
    total = 0
    for amount, unit in PART.findall(cleaned):
        if unit not in UNITS:
            raise BadCommand(f"`{_shown(unit)}` is not a unit. Use s, m, h or d, as in {EXAMPLES}.")
        total += int(amount) * UNITS[unit]
    if total < 1:
        raise BadCommand("A duration must be at least 1 second, like `5s`.")
    if total > MAX_SECONDS:
        raise BadCommand("That is longer than 30 days; choose a shorter duration.")
    return total


def _shown(text: str) -> str:
    """What was typed, to quote in the error: clipped, as typed (the Slack adapter escapes it)."""
    shown = text.strip().replace("`", "'")
    return shown if len(shown) <= 30 else shown[:29] + "…"


def format_duration(seconds: int) -> str:
    """Exact and parseable back: 5400 → `1h 30m`, 30 → `30s`, 90061 → `1d 1h 1m 1s`."""
    if seconds <= 0:
        return "0s"
    parts: list[str] = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return " ".join(parts)


def roughly(seconds: float) -> str:
    """How long, as a person would say it: `40s`, `12m`, `3h`, `1h 12m`, `2d 4h`."""
    whole = max(int(seconds), 0)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m"
    if whole < 86400:
        hours, minutes = divmod(whole // 60, 60)
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    days, hours = divmod(whole // 3600, 24)
    return f"{days}d {hours}h" if hours else f"{days}d"
