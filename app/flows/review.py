"""The review and archive flows: the lead reviews a resolved incident, then archives it."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from app.audit.service import audit
from app.errors import BadCommand, NotAuthorized
from app.flows import cards
from app.flows.access import ensure_incident_visible
from app.flows.deps import Deps
from app.flows.incidents import incident_here, refresh_brief
from app.incidents import hold
from app.incidents import service as incidents
from app.incidents.models import Incident, Status
from app.review import service
from app.review.errors import AlreadyReviewed
from app.review.figures import ReviewFigures
from app.review.forms import ReviewForm
from app.review.gather import gather_figures
from app.roles import service as roles
from app.roles.models import Role
from app.slack.blocks.review import archive_confirm_blocks, review_blocks, review_modal
from app.slack.teams import team_of


async def ensure_lead(deps: Deps, incident: Incident, user_id: str, what: str) -> None:
    async with deps.db() as session:
        leads = (await roles.holders(session, team=team_of(incident, deps.slack)))[Role.LEAD]
    if user_id not in leads:
        raise NotAuthorized(f"Only the incident lead can {what}.")


def ensure_resolved(incident: Incident, what: str) -> None:
    if incident.status != Status.RESOLVED:
        raise BadCommand(f"{incident.ref} is still open: `/crisis resolve` it before you {what}.")


async def figures_for(deps: Deps, incident: Incident) -> ReviewFigures:
    playbook = deps.playbooks.get(incident.crisis_kind)
    async with deps.db() as session:
        return await gather_figures(
            session,
            incident,
            bot_user_id=deps.slack.bot_user_id,
            plan=playbook.metrics if playbook is not None else None,
            now=deps.clock.now(),
        )


async def open_review(deps: Deps, *, channel_id: str, trigger_id: str, by: str) -> None:
    incident = await incident_here(deps, channel_id, user_id=by)
    await ensure_lead(deps, incident, by, "run the review")
    ensure_resolved(incident, "review it")
    async with deps.db() as session:
        done = await service.find(session, incident.id or 0)
    if done is not None:
        raise AlreadyReviewed(incident.ref, by=done.by)
    await deps.slack.open_view(
        trigger_id, review_modal(incident, await figures_for(deps, incident))
    )


async def submit_review(deps: Deps, form: ReviewForm, *, by: str) -> None:
    incident = await ensure_incident_visible(deps, form.incident_id, by)
    await ensure_lead(deps, incident, by, "post the review")
    figures = await figures_for(deps, incident)
    async with deps.db.begin() as session:
        _, follow_ups = await service.save(
            session, form=form, figures=figures, by=by, at=deps.clock.now(), policy=deps.policy
        )
    blocks = review_blocks(incident, form, figures, [a.ref for a in follow_ups], by)
    await deps.slack.post(incident.channel_id, text=f"Review of {incident.ref}", blocks=blocks)
    for action in follow_ups:
        await cards.publish(deps, action.id or 0)
    await refresh_brief(deps, incident.id or 0)


async def request_archive(deps: Deps, *, channel_id: str, by: str) -> list[Block] | None:
    """Archive at once after a review; otherwise the blocks that ask for confirmation."""
    incident = await incident_here(deps, channel_id, user_id=by)
    await ensure_lead(deps, incident, by, "archive the war room")
    ensure_resolved(incident, "archive it")
    async with deps.db() as session:
        await hold.ensure_not_held(session, incident, doing="archive the war room")
        reviewed = await service.find(session, incident.id or 0)
    if reviewed is None:
        return archive_confirm_blocks(incident)
    await archive(deps, incident.id or 0, by=by)
    return None


async def archive(deps: Deps, incident_id: int, *, by: str) -> None:
    visible = await ensure_incident_visible(deps, incident_id, by)
    await ensure_lead(deps, visible, by, "archive the war room")
    async with deps.db.begin() as session:
        incident = await incidents.get(session, incident_id)
        assert incident is not None
        ensure_resolved(incident, "archive it")
        await hold.ensure_not_held(session, incident, doing="archive the war room")
        audit(
            session,
            at=deps.clock.now(),
            actor=by,
            action="incident.archive",
            incident_id=incident_id,
        )
    await deps.slack.post(
        incident.channel_id,
        text=f":file_cabinet: <@{by}> archived this war room. The legal record of {incident.ref} "
        f"stays complete: `crisisroom export {incident.ref}`.",
    )
    await deps.slack.archive(incident.channel_id)
    await cards.sync_incident(deps, incident_id)  # DM copies say "archived" at once
    deps.home.touch()
