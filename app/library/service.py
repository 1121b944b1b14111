"""Proposing library versions and deciding on them, inside the caller's transaction.

A new entry and every change of an existing one are a new version, pending until each role
the approval policy names for a public statement has approved it (legal and exec by default).
Versions are never changed or deleted: the list of them is the entry's audit trail.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals.guard import find_fault_phrases
from app.approvals.models import Decision
from app.approvals.policy import ApprovalPolicy, Category
from app.approvals.rules import checked_reason, held_by
from app.audit.service import audit
from app.errors import BadCommand, NotFound
from app.library import queries, rules
from app.library.models import LibraryApproval, LibraryEntry, LibraryVersion, VersionState
from app.roles.models import Role
from app.roles.service import NO_TEAM, team_detail, team_of
from app.roles.service import holders as role_holders
from app.store.locking import lock_row
from app.store.workspace import Workspace, stamp

CATEGORY = Category.PUBLIC_STATEMENT


@dataclass(frozen=True)
class Draft:
    """What a manager submits: a new entry (`new`) or new words for an existing one."""

    key: str
    title: str
    text: str
    kind: str = ""
    audience: str = ""
    new: bool = True


@dataclass(frozen=True)
class Decided:
    version: LibraryVersion
    settled: bool  # the decision approved or rejected the version


async def propose(
    session: AsyncSession,
    draft: Draft,
    *,
    by: str,
    by_roles: Set[Role],
    at: datetime,
    policy: ApprovalPolicy,
    team: Workspace | None = None,
) -> LibraryVersion:
    """A new version of `team`'s entry (the request's workspace; None: the entries without a
    workspace, as before issue 16); a new entry belongs to `team`'s workspace."""
    rules.check_manager(by_roles)
    key = rules.checked_key(draft.key)
    title, text = rules.checked_wording(draft.title, draft.text)
    entry = await _entry_for(session, draft, key, by=by, at=at, team=team)
    found = await queries.versions(session, entry.id or 0)
    if (pending := queries.latest(found, VersionState.PENDING)) is not None:
        raise BadCommand(
            f"v{pending.version} of “{key}” is still waiting for approval; "
            "it must be approved or rejected before the next change."
        )
    if found and (found[-1].title, found[-1].text) == (title, text):
        raise BadCommand(f"Nothing changed: edit the title or the words of “{key}”.")
    version = LibraryVersion(
        entry_id=entry.id or 0,
        version=len(found) + 1,
        title=title,
        text=text,
        proposed_by=by,
        proposed_at=at,
    )
    session.add(version)
    await session.flush()
    roles = policy.required_roles(CATEGORY)
    session.add_all(LibraryApproval(version_id=version.id or 0, role=role) for role in roles)
    flagged = find_fault_phrases(f"{title}\n{text}", policy.fault_phrases)
    audit(
        session,
        at=at,
        actor=by,
        action="library.propose",
        library_key=key,
        version=version.version,
        kind=entry.kind,
        audience=entry.audience,
        title=title,
        text=text,
        required_roles=[role.value for role in roles],
        fault_phrases=sorted({match.phrase for match in flagged}),
        **team_detail(Workspace.of(entry)),
    )
    await session.flush()
    return version


async def _entry_for(
    session: AsyncSession,
    draft: Draft,
    key: str,
    *,
    by: str,
    at: datetime,
    team: Workspace | None,
) -> LibraryEntry:
    entry = await queries.find_entry(session, key, team=team or NO_TEAM)
    if not draft.new:
        if entry is None:
            raise queries.unknown_key(key)
        return entry
    if entry is not None:
        raise BadCommand(
            f"“{key}” is already in the library; `/crisis library edit {key}` changes it."
        )
    entry = LibraryEntry(
        key=key,
        kind=rules.checked_kind(draft.kind),
        audience=rules.checked_audience(draft.audience),
        created_by=by,
        created_at=at,
    )
    stamp(entry, team)
    session.add(entry)
    await session.flush()
    return entry


async def decide(
    session: AsyncSession,
    *,
    version_id: int,
    role: Role,
    decision: Decision,
    by: str,
    reason: str | None,
    at: datetime,
    policy: ApprovalPolicy,
) -> Decided:
    """Record one role's decision on a pending version, then settle it. The version row is
    locked first; who holds which role is read after the lock, in the deciding transaction."""
    if decision == Decision.REQUEST_CHANGES:
        raise BadCommand("Library versions are approved or rejected; reject with a reason.")
    if not await lock_row(session, LibraryVersion, version_id, column=LibraryVersion.version):
        raise NotFound("That library version no longer exists.")
    reason = checked_reason(reason, decision)
    version = await session.get(LibraryVersion, version_id, populate_existing=True)
    assert version is not None
    entry = await session.get(LibraryEntry, version.entry_id)
    assert entry is not None
    by_roles = held_by(await role_holders(session, team=team_of(entry)), by)  # its workspace's
    approvals = await queries.approvals_of(session, version_id)
    mine = rules.check_decidable(
        version,
        approvals,
        role=role,
        by=by,
        by_roles=by_roles,
        decision=decision,
        self_approval=policy.allows_self_approval(CATEGORY),
    )
    mine.state, mine.decided_by, mine.decided_at = decision.result, by, at
    mine.reason = reason
    session.add(mine)
    version.state = rules.outcome(approvals)
    if version.state != VersionState.PENDING:
        version.decided_at = at
    session.add(version)
    audit(
        session,
        at=at,
        actor=by,
        action="library.decide",
        library_key=entry.key,
        version=version.version,
        role=role.value,
        decision=decision.value,
        reason=reason,
        state=version.state.value,
        **team_detail(Workspace.of(entry)),
    )
    await session.flush()
    return Decided(version, settled=version.state != VersionState.PENDING)
