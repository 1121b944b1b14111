"""What `/crisis metric …` answers: a point recorded, the latest values, a feed key shown once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from app.metrics.models import MetricPoint
from app.metrics.values import PointIn, shown
from app.slack.blocks.text import escape, safe, when

HOOK_PATH = "/hooks/metrics"
README_SECTION = "Metrics from social listening"
SECTION_MAX = 2900  # a section's text is at most 3,000 characters
LISTED_MAX = 40  # metrics listed; the rest are counted
ADD_ONE = (
    "Add one with `/crisis metric views 2.7M tiktok`, from the update form's Key metrics, "
    "or let the listening tool post them: `/crisis metric feed`."
)


def clock_time(moment: datetime, now: datetime) -> str:
    """14:05 in the reader's time zone (UTC in the fallback); with the date when not today."""
    if moment.date() != now.date():
        return when(moment)
    fallback = moment.strftime("%H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{time}}|{fallback}>"


def arrow(newest: float, previous: float | None) -> str:
    """↑, ↓, or → when unchanged or there is nothing to compare with."""
    if previous is None or newest == previous:
        return "→"
    return "↑" if newest > previous else "↓"


def change(newest: float, previous: float, unit: str) -> str:
    """`+29%` of the previous value; for a percentage, the difference in points (`+5 pts`);
    empty when there is no base to compare with."""
    if unit == "%":
        return f"{_signed(newest - previous)} pts"
    if previous == 0:
        return ""
    return f"{_signed((newest - previous) / abs(previous) * 100)}%"


def _signed(number: float) -> str:
    """+29, -4.5, ±0: whole numbers from 10 on, one decimal below."""
    text = f"{number:+.0f}" if abs(number) >= 10 else f"{number:+.1f}".removesuffix(".0")
    return "±0" if text in {"+0", "-0"} else text


def _value(point: MetricPoint) -> str:
    where = f" ({safe(point.source, 70)})" if point.source else ""
    return f"{escape(shown(point.value, point.unit))}{where}"


def recorded_line(point: MetricPoint, previous: MetricPoint | None, *, now: datetime) -> str:
    """`Recorded views = 2.7M (tiktok) at 14:05. Previous: 2.1M at 13:30 (+29%).`"""
    line = f"Recorded *{escape(point.metric)}* = {_value(point)} at {clock_time(point.at, now)}."
    if previous is None:
        return line + " It is the first value of this metric."
    moved = change(point.value, previous.value, point.unit) if previous.unit == point.unit else ""
    moved = f" ({moved})" if moved else ""
    return f"{line} Previous: {_value(previous)} at {clock_time(previous.at, now)}{moved}."


def duplicate_line(point: PointIn, now: datetime) -> str:
    """The same metric, moment and source came twice: the first value stays."""
    return (
        f"*{escape(point.metric)}* at {clock_time(point.at, now)} from that source is already "
        "recorded; the first value stays."
    )


def listing(ref: str, latest: Mapping[str, Sequence[MetricPoint]], now: datetime) -> list[Block]:
    """The latest value of each metric with its trend and source, or how to add one."""
    if not latest:
        return [SectionBlock(text=f"No metrics in {ref} yet. {ADD_ONE}")]
    lines = [_listed(points, now) for points in list(latest.values())[:LISTED_MAX] if points]
    if len(latest) > LISTED_MAX:
        lines.append(f"_and {len(latest) - LISTED_MAX} more_")
    blocks: list[Block] = []
    chunk = f"*Key metrics in {ref}*"
    for line in lines:
        if len(chunk) + 1 + len(line) > SECTION_MAX:
            blocks.append(SectionBlock(text=chunk))
            chunk = line
        else:
            chunk = f"{chunk}\n{line}"
    blocks.append(SectionBlock(text=chunk))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=ADD_ONE)]))
    return blocks


def _listed(points: Sequence[MetricPoint], now: datetime) -> str:
    newest = points[0]
    previous = points[1] if len(points) > 1 else None
    trend = arrow(newest.value, previous.value if previous else None)
    when_ = clock_time(newest.at, now)
    return f"• *{escape(newest.metric)}* {_value(newest)} {trend} · {when_}"


def feed_created(ref: str, key_id: str, secret: str, others: int) -> list[Block]:
    """The new key and its secret, shown once to the person who asked (never stored)."""
    still = f" {others} earlier key(s) of {ref} still work." if others else ""
    return [
        SectionBlock(
            text=f":key: *A metrics feed key for {ref}.* Copy the secret now: it is shown only "
            "this once and is not stored."
        ),
        SectionBlock(
            text=f"• Send to: `POST {HOOK_PATH}` on this bot's HTTP server\n"
            f"• Key id (header `X-Crisis-Key`): `{key_id}`\n"
            f"• Secret (signs `X-Crisis-Signature`): `{secret}`"
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"How to sign and send points: README, “{README_SECTION}”.{still} "
                    "`/crisis metric feed revoke` ends every key of this war room."
                )
            ]
        ),
    ]


def revoked_line(ref: str, key_ids: Sequence[str]) -> str:
    if not key_ids:
        return f"{ref} has no metrics feed key to revoke."
    keys = ", ".join(f"`{key}`" for key in key_ids)
    return (
        f"Revoked {len(key_ids)} metrics feed key(s) of {ref}: {keys}. The hook refuses them now."
    )
