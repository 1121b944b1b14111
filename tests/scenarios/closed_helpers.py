"""Steps for the closed-incident scenarios: a war room with an action in each state, cards'
buttons, and clicks on buttons a stale client still shows (sent as Slack sends them: a signed
block_actions payload of the card as it was, since the bot has already removed the buttons)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sqlmodel import select

from app.approvals import queries
from app.approvals.models import Action, CardCopy
from app.audit.models import AuditEntry
from app.harness import Harness
from app.harness.seed import ALEX, DAVID, LISA, MARIA
from app.incidents.models import Incident
from app.roles.models import Role
from app.slack import ids
from app.slackdouble import payloads
from app.slackdouble.driver import VERIFICATION_TOKEN
from app.slackdouble.viewstore import APP_ID
from app.slackdouble.workspace import TEAM_DOMAIN
from tests.scenarios.approvals_helpers import click, propose
from tests.scenarios.conftest import crisis, seed_roles


@dataclass
class Room:
    incident: Incident
    apology: Action
    pause: Action
    refund: Action

    @property
    def id(self) -> str:
        return self.incident.channel_id


async def war_room(harness: Harness, *, extra_lead: bool = False) -> Room:
    await seed_roles(harness)
    if extra_lead:
        await crisis(harness, ALEX.id, f"role add lead <@{ALEX.id}|{ALEX.handle}>")
    await crisis(harness, MARIA.id, "open Customer-service video going viral")
    async with harness.db() as session:
        incident = (await session.exec(select(Incident))).one()
    apology = await propose(
        harness,
        MARIA.id,
        incident,
        title="CEO apology",
        details="Sorry.",
        category="public_statement",
    )
    pause = await propose(
        harness,
        MARIA.id,
        incident,
        title="Pause ads",
        details="",
        category="paid_media",
        owner=LISA.id,
    )
    refund = await propose(
        harness,
        MARIA.id,
        incident,
        title="Refund",
        details="Full refund.",
        category="customer_remedy",
    )
    await click(harness, LISA.id, pause.id or 0, ids.APPROVE, role=Role.MARKETING)
    await click(harness, DAVID.id, refund.id or 0, ids.REQUEST_CHANGES, role=Role.LEGAL)
    await harness.driver.submit_view(DAVID.id, {ids.REASON_INPUT: "Cap it at the order value."})
    await harness.settle()
    assert [await status(harness, a) for a in (apology, pause, refund)] == [
        "pending",
        "approved",
        "changes_requested",
    ]
    return Room(incident, apology, pause, refund)


async def resolve(harness: Harness, room: Room) -> None:
    await crisis(harness, MARIA.id, "resolve Sentiment is back to normal", channel=room.id)


async def status(harness: Harness, action: Action) -> str:
    async with harness.db() as session:
        return str((await queries.require(session, action.id or 0)).state)


def buttons(harness: Harness, copy: CardCopy) -> list[str]:
    message = harness.double.message(copy.channel_id, copy.ts)
    assert message is not None
    return [element["action_id"] for _, element in payloads.interactive_elements(message.blocks)]


def snapshot(harness: Harness, copy: CardCopy) -> dict[str, Any]:
    """The card as a client shows it now, to click later as a client that was not refreshed."""
    message = harness.double.message(copy.channel_id, copy.ts)
    assert message is not None
    return {**message.to_slack(), "blocks": json.loads(json.dumps(message.blocks))}


async def stale_click(
    harness: Harness, user: str, copy: CardCopy, seen: dict[str, Any], action_id: str, role: str
) -> None:
    """A signed block_actions request for a button on the card as `seen` (Slack's shape)."""
    block = f"{ids.CARD_DECIDE}{role}" if role else None
    block_id, element = payloads.find_element(seen["blocks"], action_id, block, "the old card")
    person = harness.double.user(user)
    payload = {
        "type": "block_actions",
        "user": {
            "id": user,
            "username": person.name,
            "name": person.name,
            "team_id": harness.driver.team_id,
        },
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": harness.double.issue_trigger(user),
        "team": {"id": harness.driver.team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "container": {"type": "message", "message_ts": copy.ts, "channel_id": copy.channel_id},
        "channel": {"id": copy.channel_id, "name": harness.double.channel(copy.channel_id).name},
        "message": seen,
        "state": {"values": {}},
        "response_url": harness.double.new_response_url(user, copy.channel_id, copy.ts),
        "actions": [payloads.action_entry(block_id, element, None)],
    }
    response = await harness.driver.post_raw(urlencode({"payload": json.dumps(payload)}))
    assert response.status == 200, response.text
    await harness.settle()


async def audit_count(harness: Harness) -> int:
    async with harness.db() as session:
        return len((await session.exec(select(AuditEntry))).all())


def room_posts(harness: Harness, room: Room) -> int:
    return len(harness.double.messages(room.id))


def dm_text(harness: Harness, user: str) -> str:
    dm = harness.double.dm_channel(user)
    assert dm is not None
    return harness.double.messages(dm.id)[-1].text


async def reviewed_with_a_follow_up(harness: Harness) -> tuple[Room, Action]:
    """A resolved war room (Alex a second lead) whose review made one follow-up, for Lisa."""
    room = await war_room(harness, extra_lead=True)
    await resolve(harness, room)
    await crisis(harness, MARIA.id, "review", channel=room.id)
    await harness.driver.submit_view(
        MARIA.id,
        {
            ids.REVIEW_WHAT: "A video went viral.",
            f"{ids.REVIEW_FOLLOW_UP}1": "Training refresh",
            f"{ids.REVIEW_OWNER}1": LISA.id,
            f"{ids.REVIEW_DUE}1": "2026-12-01",
        },
    )
    await harness.settle()
    async with harness.db() as session:
        query = select(Action).where(Action.title == "Training refresh")
        return room, (await session.exec(query)).one()
