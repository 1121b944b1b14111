"""A war room's start from its playbook: the kind chosen, its people and groups invited, its
actions proposed as real approval cards, its checklist stored, its update cadence, its
expected metrics watched (a feed silent from the start is flagged too).

`plan` runs before the open's transaction (Slack: the user groups' members), `seed` inside
it (so the incident, its checklist and its actions are stored together, or not at all: a
retried open cannot propose them twice), `publish` after it (the cards, once everyone is in).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals import service as approvals
from app.errors import BadCommand, SlackFailure
from app.flows import cards
from app.flows.deps import Deps
from app.incidents.models import Incident, Severity
from app.metrics import watch
from app.playbooks import checklist
from app.playbooks.book import PlannedAction, Playbook
from app.roles.models import Role
from app.store.workspace import Workspace

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlaybookPlan:
    """The playbook as it applies to this open, and what Slack said about its groups."""

    playbook: Playbook
    invitees: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def cadence_seconds(self, deps: Deps, severity: Severity, chosen: int | None) -> int:
        """The opener's cadence, else the playbook's, else the severity's default (minutes)."""
        minutes = chosen or self.playbook.cadence_minutes or deps.settings.cadence_minutes(severity)
        return minutes * 60


def playbook_for(deps: Deps, crisis_kind: str | None) -> Playbook:
    """The playbook of `crisis_kind` (the first one when none is given), or a refusal that
    names the kinds there are."""
    playbook = deps.playbooks.get(crisis_kind)
    if playbook is None:
        raise BadCommand(
            f'"{crisis_kind}" is not a kind of crisis. The kinds are {deps.playbooks.names()}.'
        )
    return playbook


async def plan(deps: Deps, *, crisis_kind: str | None, severity: Severity) -> PlaybookPlan:
    """The playbook for the kind and severity, with its people and its groups' members (a
    group Slack will not list is a warning for the opener, not a failed open)."""
    playbook = playbook_for(deps, crisis_kind).for_severity(severity)
    people = list(playbook.invite)
    warnings: list[str] = []
    for group in playbook.invite_groups:
        try:
            people.extend(await deps.slack.usergroup_members(group))
        except SlackFailure as failure:
            logger.warning("playbook group %s not invited: %s", group, failure.error)
            warnings.append(f"{failure.message} Invite them by hand if they are needed.")
    return PlaybookPlan(playbook, tuple(dict.fromkeys(people)), tuple(warnings))


async def seed(
    session: AsyncSession,
    deps: Deps,
    incident: Incident,
    plan: PlaybookPlan,
    *,
    holders: Mapping[Role, Sequence[str]],
) -> list[int]:
    """In the open's transaction (the kind is on the incident and in its `incident.open`
    audit): its checklist, and the playbook's actions proposed by the opener (each audited);
    the actions' ids, for `publish`."""
    playbook, incident_id, now = plan.playbook, incident.id or 0, incident.opened_at
    checklist.store(session, incident_id, playbook.checklist, team=Workspace.of(incident))
    await watch.start(session, incident_id=incident_id, first=playbook.metrics.first_checks(now))
    proposed: list[int] = []
    for planned in playbook.actions:
        owner = _owner(planned, holders)
        action = await approvals.propose(
            session,
            incident_id=incident_id,
            title=planned.title,
            details=_details(planned, owner),
            category=planned.category,
            proposer=incident.opened_by,
            owner=owner,
            at=now,
            policy=deps.policy,
        )
        proposed.append(action.id or 0)
    return proposed


async def publish(deps: Deps, action_ids: Sequence[int]) -> list[str]:
    """The cards of the actions `seed` proposed, in the war room and to their approvers; a
    warning for the opener per card Slack refused (the action itself is stored)."""
    warnings: list[str] = []
    for action_id in action_ids:
        try:
            await cards.publish(deps, action_id)
        except SlackFailure as failure:
            logger.warning("playbook card of A-%s not posted: %s", action_id, failure.error)
            warnings.append(f"The card of A-{action_id} is not posted: {failure.message}")
    return warnings


def _owner(planned: PlannedAction, holders: Mapping[Role, Sequence[str]]) -> str | None:
    """The first person holding the action's owner role, if anyone does."""
    if planned.owner_role is None:
        return None
    people = holders.get(planned.owner_role) or ()
    return people[0] if people else None


def _details(planned: PlannedAction, owner: str | None) -> str:
    details = planned.full_details()
    if planned.owner_role is None or owner is not None:
        return details
    unowned = f"Owner: whoever takes the {planned.owner_role.label} role (nobody holds it yet)."
    return f"{details}\n\n{unowned}" if details else unowned
