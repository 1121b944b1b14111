"""Whether an action still takes changes, and whether this person may decide on it.

Two gates, each read inside the transaction that would make the change:

- the incident must be open (`app.incidents.rules`), except for the follow-ups of the
  post-incident review: they are created after resolve by design and tracked to the end;
- four eyes: nobody decides on words they wrote (proposed or revised) unless the policy allows
  self-approval for the category (`app.approvals.rules.check_four_eyes`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals import queries, rules
from app.approvals.models import Action, Decision
from app.approvals.policy import ApprovalPolicy
from app.approvals.queries import PendingApproval
from app.audit.models import AuditEntry
from app.incidents import closure
from app.incidents.models import Incident, Status

REVIEW_POST = "review.post"


async def is_follow_up(session: AsyncSession, action: Action) -> bool:
    """Whether the post-incident review created this action (its entry lists the refs)."""
    query = select(AuditEntry).where(
        col(AuditEntry.incident_id) == action.incident_id, col(AuditEntry.action) == REVIEW_POST
    )
    entries = (await session.exec(query)).all()
    return any(action.ref in (entry.detail.get("follow_ups") or []) for entry in entries)


async def lock_open_for(session: AsyncSession, action: Action, *, doing: str) -> None:
    """In the change's transaction, after the action's lock: lock the incident, refuse if closed."""
    incident = await closure.lock_incident(session, action.incident_id)
    await _ensure_open(session, incident, action, doing=doing)


async def ensure_open_for(session: AsyncSession, action: Action, *, doing: str) -> None:
    """The same check without a lock, for the click that only opens a form."""
    incident = await _incident(session, action)
    await _ensure_open(session, incident, action, doing=doing)


async def card_line_for(session: AsyncSession, action: Action) -> str | None:
    """The line a card of a closed incident shows instead of its buttons (None: buttons stay)."""
    incident = await _incident(session, action)
    if not await _closed(session, incident, action):
        return None
    return await closure.closed_card_line(session, incident)


async def check_author(
    session: AsyncSession, action: Action, *, by: str, decision: Decision, policy: ApprovalPolicy
) -> None:
    """Refuse a decision by someone who wrote the action's words (four-eyes rule)."""
    allowed = policy.allows_self_approval(action.category)
    authors = frozenset() if allowed else await _authors(session, action)
    rules.check_four_eyes(action, authors=authors, by=by, decision=decision, allowed=allowed)


async def decidable(
    session: AsyncSession,
    pending: Sequence[PendingApproval],
    *,
    user_id: str,
    policy: ApprovalPolicy,
) -> list[PendingApproval]:
    """What a Home tab may offer `user_id` to decide: open incidents, words someone else wrote."""
    kept: list[PendingApproval] = []
    for item in pending:
        action = item.action
        if await _closed(session, await _incident(session, action), action):
            continue
        own = not policy.allows_self_approval(action.category)
        if own and user_id in await _authors(session, action):
            continue
        kept.append(item)
    return kept


async def _ensure_open(
    session: AsyncSession, incident: Incident, action: Action, *, doing: str
) -> None:
    if await _closed(session, incident, action):
        await closure.ensure_open(session, incident, doing=doing)


async def _closed(session: AsyncSession, incident: Incident, action: Action) -> bool:
    """Resolved (or archived), and the action is not a review follow-up."""
    return incident.status == Status.RESOLVED and not await is_follow_up(session, action)


async def _authors(session: AsyncSession, action: Action) -> frozenset[str]:
    return rules.authors_of(action, await queries.history(session, action.id or 0))


async def _incident(session: AsyncSession, action: Action) -> Incident:
    incident = await session.get(Incident, action.incident_id)
    assert incident is not None
    return incident
