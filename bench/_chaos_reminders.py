"""Were the nudges and escalations of the chaos run on time, and each sent once?

Due periods come from the database the bench set up: the due time each incident had when the
measured phase began, then one period per stakeholder update posted during it (its
`next_due`); a period lasts until the next update. What Slack received comes from the double:
a nudge is a bot message in the war room with a `nudge_text` block, an escalation note a bot
message there starting ":rotating_light: Still no update", an escalation DM a DM with an
`escalation_text` block naming the war room. Each is given to the latest period whose due
time came before it arrived (`TOLERANCE` for clock granularity).

The lateness rule: a nudge is owed by `due + tick + slack` (`slack` covers a pass's queries
and the Slack call). When a fault window (replica kill to restart, database cut, Slack
faults) overlaps that span, the deadline moves to the window's end + tick + slack, again
until no window overlaps. A period whose deadline falls after the period ended (an update
came first) owes nothing. An escalation is owed one cadence after the nudge was recorded as
sent (the reminder row's `sent_at`), under the same rule. Owed and not received by the
deadline is late; never received is late too (and counted as missing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.incidents.models import Incident
from app.slack import ids
from app.slackdouble import SlackDouble
from app.slackdouble.workspace import Message
from app.store.engine import SessionFactory
from app.updates.models import Reminder, ReminderKind, StatusUpdate

TOLERANCE = 0.5
NOTE_START = ":rotating_light: Still no update"


@dataclass(frozen=True)
class Window:
    """A fault and the seconds (time.time()) it lasted."""

    name: str
    start: float
    end: float


@dataclass
class Period:
    incident_id: int
    due: float
    end: float
    nudges: list[float] = field(default_factory=list)
    notes: list[float] = field(default_factory=list)
    dms: Counter[str] = field(default_factory=Counter)
    nudge_sent: float | None = None  # the reminder row's sent_at


@dataclass
class Verdict:
    periods: int = 0
    nudges: int = 0
    duplicated: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)
    missing: int = 0
    worst_late: float = 0.0


def deadline(due: float, windows: Sequence[Window], allowance: float) -> float:
    """`due + allowance`, pushed past every fault window overlapping the span."""
    end = due + allowance
    moved = True
    while moved:
        moved = False
        for window in windows:
            if window.start <= end and window.end >= due and window.end + allowance > end:
                end, moved = window.end + allowance, True
    return end


async def periods(
    db: SessionFactory, start_dues: dict[int, float], since: float, until: float
) -> list[Period]:
    """Every due period of the measured phase, oldest first per incident."""
    found: list[Period] = []
    async with db() as session:
        for incident_id, due in start_dues.items():
            query = (
                select(StatusUpdate)
                .where(col(StatusUpdate.incident_id) == incident_id)
                .order_by(col(StatusUpdate.posted_at))
            )
            rows = [u for u in (await session.exec(query)).all() if _t(u.posted_at) >= since]
            starts = [(due, since)] + [
                (_t(u.next_due), _t(u.posted_at)) for u in rows if u.next_due is not None
            ]
            for n, (period_due, _) in enumerate(starts):
                end = starts[n + 1][1] if n + 1 < len(starts) else until
                found.append(Period(incident_id, period_due, end))
        for period in found:
            period.nudge_sent = await _nudge_sent(session, period)
    return found


async def _nudge_sent(session: AsyncSession, period: Period) -> float | None:
    query = select(Reminder).where(
        col(Reminder.incident_id) == period.incident_id,
        col(Reminder.kind) == ReminderKind.NUDGE.value,
    )
    for row in (await session.exec(query)).all():
        if abs(_t(row.due_at) - period.due) < 0.001 and row.sent_at is not None:
            return _t(row.sent_at)
    return None


def _t(moment: datetime | None) -> float:
    assert moment is not None
    return moment.timestamp()


def collect(double: SlackDouble, rooms: dict[int, str], found: list[Period]) -> None:
    """Give each nudge, note and escalation DM the double holds to its period."""
    by_incident: dict[int, list[Period]] = {}
    for period in found:
        by_incident.setdefault(period.incident_id, []).append(period)
    for incident_id, channel in rooms.items():
        mine = sorted(by_incident.get(incident_id, []), key=lambda p: p.due)
        for message in _bot_messages(double, channel):
            owner = _period_of(mine, float(message.ts))
            if owner is None:
                continue
            if _has_block(message, ids.NUDGE_TEXT):
                owner.nudges.append(float(message.ts))
            elif message.text.startswith(NOTE_START):
                owner.notes.append(float(message.ts))
        for user, message in _escalation_dms(double, channel):
            owner = _period_of(mine, float(message.ts))
            if owner is not None:
                owner.dms[user] += 1


def _period_of(mine: list[Period], arrived: float) -> Period | None:
    earlier = [p for p in mine if p.due <= arrived + TOLERANCE]
    return earlier[-1] if earlier else None


def _bot_messages(double: SlackDouble, channel: str) -> list[Message]:
    bot = double.bot_user_id
    return [m for m in double.messages(channel, include_replies=False) if m.user == bot]


def _escalation_dms(double: SlackDouble, channel: str) -> list[tuple[str, Message]]:
    found = []
    for user in double.ws.users:
        for message in double.dms(user):
            if _has_block(message, ids.ESCALATION_TEXT) and channel in str(message.blocks):
                found.append((user, message))
    return found


def _has_block(message: Message, block_id: str) -> bool:
    return any(block.get("block_id") == block_id for block in message.blocks or [])


def judge(
    found: list[Period],
    windows: Sequence[Window],
    allowance: float,
    cadence: float,
    origin: float,
) -> Verdict:
    """Duplicates and lateness of every period (times shown from `origin`, the phase start)."""
    verdict = Verdict(periods=len(found))
    for period in found:
        where = f"INC-{period.incident_id} due at +{period.due - origin:.1f} s"
        verdict.nudges += len(period.nudges)
        if len(period.nudges) > 1:
            verdict.duplicated.append(f"{where}: {len(period.nudges)} nudges")
        if len(period.notes) > 1:
            verdict.duplicated.append(f"{where}: {len(period.notes)} escalation notes")
        for user, count in period.dms.items():
            if count > 1:
                verdict.duplicated.append(f"{where}: {count} escalation DMs to {user}")
        _lateness(verdict, where, period.due, period.end, period.nudges, windows, allowance)
        if period.nudge_sent is not None:
            due = period.nudge_sent + cadence
            _lateness(
                verdict, f"{where} escalation", due, period.end, period.notes, windows, allowance
            )
    return verdict


def _lateness(
    verdict: Verdict,
    where: str,
    due: float,
    end: float,
    arrivals: list[float],
    windows: Sequence[Window],
    allowance: float,
) -> None:
    by = deadline(due, windows, allowance)
    if by > end:
        return  # the period ended (an update, or the run) before the deadline: nothing owed
    if not arrivals:
        verdict.missing += 1
        verdict.late.append(f"{where}: never arrived (owed by +{by - due:.1f} s)")
        return
    first = min(arrivals)
    if first > by:
        verdict.late.append(f"{where}: arrived +{first - due:.1f} s (owed by +{by - due:.1f} s)")
        verdict.worst_late = max(verdict.worst_late, first - by)


async def start_dues(db: SessionFactory, incident_ids: Sequence[int]) -> dict[int, float]:
    """Each incident's due time now (the first period of the measured phase)."""
    dues: dict[int, float] = {}
    async with db() as session:
        for incident_id in incident_ids:
            incident = await session.get(Incident, incident_id)
            if incident is not None and incident.next_update_due is not None:
                dues[incident_id] = _t(incident.next_update_due)
    return dues
