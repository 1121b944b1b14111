"""Outside people and a SEV1 war room: held back at the open, until Legal allows them.

With `SEV1_EXTERNAL_MEMBERS=legal` (the default), a SEV1 open invites its internal people only.
Whoever belongs to another organisation (their users.info `team_id` is not the workspace's,
`deps.slack.team_id`) waits: the ask is stored and audited, Legal gets a card in the war room,
and the opener one line. Legal's Allow invites them (through the gateway) and Decline leaves
them out; the decision is stored and audited in one transaction, once, whoever clicks twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.errors import BadCommand, NotAuthorized, SlackFailure
from app.flows.access import ensure_visible
from app.flows.deps import Deps
from app.flows.effects import post_once
from app.incidents import closure
from app.incidents import external_access as external
from app.incidents import service as incidents
from app.incidents.external_access import Outsider
from app.incidents.external_models import AccessState, ExternalAccess
from app.incidents.models import Incident
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.external_access import (
    LOST,
    ask_blocks,
    ask_text,
    decided_blocks,
    decided_text,
    opener_line,
    person,
)
from app.slack.blocks.text import mention, mentions, when
from app.slack.gateway import InviteFailure
from app.slack.teams import team_of

logger = logging.getLogger(__name__)


@dataclass
class Screened:
    """Who an open invites now, and who waits for Legal (with the stored ask)."""

    admitted: list[str]
    held: list[Outsider] = field(default_factory=list)
    access_id: int | None = None

    @property
    def warnings(self) -> list[str]:
        return [opener_line(self.held)] if self.held else []


async def screen(deps: Deps, incident: Incident, people: Sequence[str]) -> Screened:
    """Split the open's invitees; the outside ones of a SEV1 room wait (the ask is stored and
    audited). With the setting `allow`, or below SEV1, everyone is admitted at once."""
    setting = deps.settings.sev1_external_members
    if not external.legal_decides(setting, incident.severity):
        return Screened(list(people))
    others = [p for p in people if p != incident.opened_by]
    looked_up = await asyncio.gather(*(_outsider(deps, p) for p in others))
    found = dict(zip(others, looked_up, strict=True))
    admitted = [p for p in people if found.get(p) is None]
    held = [outsider for outsider in found.values() if outsider is not None]
    if not held:
        return Screened(admitted)
    async with deps.db.begin() as session:
        access = await external.ask(
            session,
            incident_id=incident.id or 0,
            people=held,
            by=incident.opened_by,
            at=deps.clock.now(),
        )
    return Screened(admitted, held, access.id)


async def _outsider(deps: Deps, user_id: str) -> Outsider | None:
    """The person as an outsider, or None when they are internal (or unknown to Slack: the
    invite then says so). A lookup Slack fails is held back too: Legal decides, not chance."""
    try:
        user = await deps.slack.user(user_id)
        if user is None or user.team_id == deps.slack.team_id:
            return None
        team = await deps.slack.team(user.team_id) if user.team_id else None
    except SlackFailure as failure:
        logger.warning("could not look up %s for the SEV1 gate: %s", user_id, failure.error)
        return Outsider(user_id, user_id, "", external.UNKNOWN_ORGANISATION)
    outside = external.is_outside(
        user.team_id,
        home_team=deps.slack.team_id,
        enterprise_id=team.enterprise_id if team else None,
        home_enterprise=deps.slack.enterprise_id,
    )
    if not outside:
        return None
    organisation = (team.name if team else "") or user.team_id or external.UNKNOWN_ORGANISATION
    return Outsider(user_id, user.display, user.team_id, organisation)


async def ask_legal(deps: Deps, incident: Incident, screened: Screened) -> list[str]:
    """Legal's card in the war room (once everyone internal is in); a warning for the opener
    when Slack refused it (the ask is stored: the people stay out until Legal decides)."""
    if screened.access_id is None:
        return []
    async with deps.db() as session:
        team = team_of(incident, deps.slack)
        legal = (await roles.holders(session, team=team))[Role.LEGAL]
    blocks = ask_blocks(
        ref=incident.ref, legal=legal, people=screened.held, access_id=screened.access_id
    )
    try:  # once, even when Slack's answer is lost (found again by its effect id)
        posted = await post_once(
            deps,
            f"legal-ask:{screened.access_id}",
            channel=incident.channel_id,
            text=ask_text(incident.ref, legal),
            blocks=blocks,
            since=deps.clock.now(),
        )
    except SlackFailure as failure:
        logger.warning("Legal's card for %s not posted: %s", incident.ref, failure.error)
        return [f"I couldn't ask Legal in the war room: {failure.message}"]
    async with deps.db.begin() as session:
        await external.card_posted(session, screened.access_id, posted.ts)
    return []


@dataclass(frozen=True)
class Decision:
    """Legal's decision as made, and whom Slack would not add."""

    access: ExternalAccess
    not_invited: list[InviteFailure]


async def decide(deps: Deps, access_id: int, *, allow: bool, by: str) -> Decision:
    """Legal only, on an open incident, once: then the invites (on Allow) and the card."""
    async with deps.db() as session:
        found = await external.get(session, access_id)
        incident = await incidents.get(session, found.incident_id) if found else None
    if found is None:
        raise BadCommand(LOST)
    incident = await ensure_visible(deps, by, incident)
    doing = "let outside people in" if allow else "turn outside people away"
    async with deps.db.begin() as session:
        await closure.lock_open(session, found.incident_id, doing=doing)
        team = team_of(incident, deps.slack)
        legal = (await roles.holders(session, team=team))[Role.LEGAL]
        if by not in legal:
            raise NotAuthorized(_only_legal(legal), mrkdwn=True)
        decided = await external.decide(
            session, access_id=access_id, allow=allow, by=by, at=deps.clock.now()
        )
    if decided is None:
        raise BadCommand(LOST)
    access = decided.access
    if not decided.fresh:
        raise BadCommand(_already(access), mrkdwn=True)
    people = external.people_of(access)
    failures: list[InviteFailure] = []
    if allow:
        failures = await deps.slack.invite_everyone(
            incident.channel_id, [p.user_id for p in people]
        )
    await _show_decided(deps, incident, access)
    return Decision(access, failures)


async def _show_decided(deps: Deps, incident: Incident, access: ExternalAccess) -> None:
    """The card loses its buttons and says who decided and when."""
    if access.card_ts is None or access.decided_by is None or access.decided_at is None:
        return
    state, by, at = access.state, access.decided_by, access.decided_at
    people = external.people_of(access)
    blocks = decided_blocks(ref=incident.ref, people=people, state=state, by=by, at=at)
    text = decided_text(state, by=by, at=at)
    await deps.slack.update(incident.channel_id, access.card_ts, text=text, blocks=blocks)


def decision_line(decision: Decision) -> str:
    """What the one who decided reads privately."""
    access = decision.access
    names = ", ".join(person(p) for p in external.people_of(access))
    if access.state == AccessState.DECLINED:
        return f"Declined: {names} stay out of the war room. It is in the legal record."
    line = f"Allowed: {names} are invited. It is in the legal record."
    if decision.not_invited:
        missed = ", ".join(f"{mention(f.user_id)} ({f.reason})" for f in decision.not_invited)
        line += f" Slack would not add {missed}; invite them by hand."
    return line


def _only_legal(legal: Sequence[str]) -> str:
    ask = mentions(legal, empty="an admin to name someone in the legal role")
    return f"Only Legal can allow outside people into a SEV1 war room or turn them away. Ask {ask}."


def _already(access: ExternalAccess) -> str:
    verb = "allowed" if access.state == AccessState.ALLOWED else "declined"
    by, at = access.decided_by or "", access.decided_at
    moment = f" {when(at)}" if at is not None else ""
    return f"Legal already {verb} these outside people: {mention(by)}{moment}."
