"""What the chaos run left behind, read from the database and the double.

- Lost: an event Slack delivered (acked, or given up after its retries) that the bot records
  (`app.record.drafts.from_event` makes a draft of it) in a war room, whose dedupe key is not
  in that incident's record.
- Duplicated (record): one message stored twice, i.e. two entries of one incident with the
  same kind and ts (dedupe keys are unique by constraint; this catches two keys for one
  message). Card posts: two messages in one channel showing the same action's card.
- Stale copies: a card message in the double for an action that is decided (no longer
  pending) still showing decision buttons, or a copy the database remembers whose blocks are
  not the card as stored now (`read_card`, the bot's own rendering), or that is gone.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from _chaos_stream import Delivery
from sqlalchemy import func
from sqlmodel import col, select

from app.approvals.models import Action, ActionState, CardCopy
from app.approvals.policy import DEFAULT_POLICY
from app.flows.cards import read_card
from app.incidents.models import Incident
from app.record.drafts import from_event
from app.record.models import RecordEntry
from app.slack import ids
from app.slackdouble import SlackDouble
from app.slackdouble.workspace import Message
from app.store.engine import SessionFactory

DECIDE_BUTTONS = frozenset({ids.APPROVE, ids.REJECT, ids.REQUEST_CHANGES})
REF = re.compile(r"\bA-(\d+)\b")


@dataclass
class Lost:
    checked: int = 0
    acked: int = 0
    gave_up: int = 0
    in_flight: int = 0
    lost: Counter[str] = field(default_factory=Counter)  # by who spoke: people, bot, system
    examples: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.lost.values())


async def war_rooms(db: SessionFactory) -> dict[str, int]:
    async with db() as session:
        rows = (await session.exec(select(Incident))).all()
    return {row.channel_id: row.id or 0 for row in rows}


async def lost_events(db: SessionFactory, deliveries: list[Delivery], bot: str) -> Lost:
    rooms = await war_rooms(db)
    async with db() as session:
        query = select(RecordEntry.incident_id, RecordEntry.dedupe_key)
        stored = {(row[0], row[1]) for row in (await session.exec(query)).all()}
    found = Lost()
    for delivery in deliveries:
        event = delivery.event
        incident = rooms.get(str(event.get("channel") or ""))
        draft = from_event(event, event_id=delivery.event_id) if incident else None
        if draft is None:
            continue
        found.checked += 1
        if delivery.outcome == "in flight":
            found.in_flight += 1
            continue
        found.acked += delivery.outcome == "acked"
        found.gave_up += delivery.outcome == "gave up"
        if (incident, draft.dedupe_key) not in stored:
            found.lost[_speaker(event, bot)] += 1
            if len(found.examples) < 5:
                found.examples.append(f"{draft.dedupe_key} ({delivery.outcome})")
    return found


def _speaker(event: dict[str, Any], bot: str) -> str:
    inner = event.get("message") if event.get("subtype") == "message_changed" else event
    inner = inner if isinstance(inner, dict) else event
    if inner.get("user") == bot or inner.get("bot_id"):
        return "bot"
    if inner.get("subtype") in {
        "channel_join",
        "channel_leave",
        "channel_topic",
        "channel_purpose",
    }:
        return "system"
    return "people"


async def record_duplicates(db: SessionFactory) -> list[str]:
    """Messages stored twice under different keys: (incident, kind, ts) seen more than once."""
    async with db() as session:
        query = (
            select(RecordEntry.incident_id, RecordEntry.kind, RecordEntry.ts, func.count())
            .where(col(RecordEntry.ts).is_not(None), col(RecordEntry.kind) != "edit")
            .group_by(col(RecordEntry.incident_id), col(RecordEntry.kind), col(RecordEntry.ts))
            .having(func.count() > 1)
        )
        rows = (await session.exec(query)).all()
    return [f"INC-{i} {kind} {ts}: stored {n} times" for i, kind, ts, n in rows]


def card_messages(double: SlackDouble) -> list[tuple[int, Message]]:
    """Every message in the double showing an approval card, with its action id."""
    found = []
    for channel in list(double.ws.channels.values()):
        for message in double.messages(channel.id):
            blocks = message.blocks or []
            if not any(b.get("block_id") == ids.CARD_HEADER for b in blocks):
                continue
            footer = next((b for b in blocks if b.get("block_id") == ids.CARD_FOOTER), None)
            ref = REF.search(json.dumps(footer or blocks))
            if ref is not None:
                found.append((int(ref.group(1)), message))
    return found


def card_duplicates(cards: list[tuple[int, Message]]) -> list[str]:
    posts = Counter((action, message.channel) for action, message in cards)
    return [f"A-{a} posted {n} times in {c}" for (a, c), n in posts.items() if n > 1]


def _buttons(blocks: list[dict[str, Any]]) -> set[str]:
    return {
        str(element.get("action_id"))
        for block in blocks
        for element in block.get("elements", []) or []
        if isinstance(element, dict)
    }


def _normal(blocks: list[Any]) -> str:
    return json.dumps(blocks, sort_keys=True)


async def stale_copies(db: SessionFactory, cards: list[tuple[int, Message]]) -> list[str]:
    stale: dict[tuple[str, str], str] = {}
    async with db() as session:
        actions = {a.id: a for a in (await session.exec(select(Action))).all()}
        copies = (await session.exec(select(CardCopy))).all()
        expected: dict[int, str] = {}
        for action_id in {c.action_id for c in copies}:
            shown = await read_card(session, action_id, policy=DEFAULT_POLICY)
            expected[action_id] = _normal([b.to_dict() for b in shown.blocks])
    for action_id, message in cards:
        action = actions.get(action_id)
        decided = action is not None and action.state != ActionState.PENDING
        if decided and _buttons(message.blocks or []) & DECIDE_BUTTONS:
            stale[(message.channel, message.ts)] = f"A-{action_id}: buttons on a decided action"
    shown_now = {(m.channel, m.ts): m for _, m in cards}
    for copy in copies:
        where = (copy.channel_id, copy.ts)
        posted = shown_now.get(where)
        if posted is None:
            stale.setdefault(where, f"A-{copy.action_id}: copy {copy.ts} is gone")
        elif _normal(posted.blocks or []) != expected[copy.action_id]:
            stale.setdefault(where, f"A-{copy.action_id}: copy is not version on record")
    return [f"{why} ({channel})" for (channel, _), why in sorted(stale.items())]


async def decided(db: SessionFactory) -> Counter[str]:
    async with db() as session:
        rows = (await session.exec(select(Action.state))).all()
    return Counter(str(state) for state in rows)
