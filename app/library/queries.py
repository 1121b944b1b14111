"""Reading the library: entries, their versions and approvals, a version's card and copies.

Each workspace has its own library (issue 16): an entry is found by its key, and listed, within
one workspace only. An entry without a workspace was written before issue 16 and is not adopted
yet (the bot adopts it into its installed workspace when it starts): until then every workspace
sees it, after its own entry of the same key.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.errors import BadCommand, NotFound
from app.library.models import (
    LibraryApproval,
    LibraryCard,
    LibraryEntry,
    LibraryVersion,
    VersionState,
)
from app.store.workspace import Workspace

FRESH = {"populate_existing": True}


@dataclass(frozen=True)
class VersionCard:
    """Everything a version's approval card shows, and the approved words it would replace."""

    entry: LibraryEntry
    version: LibraryVersion
    approvals: tuple[LibraryApproval, ...]
    previous: LibraryVersion | None  # the latest approved version before this one


@dataclass(frozen=True)
class Listed:
    entry: LibraryEntry
    approved: LibraryVersion | None
    pending: LibraryVersion | None


def unknown_key(key: str) -> NotFound:
    return NotFound(f"There is no statement “{key}” in the library; `/crisis library` lists them.")


def in_team(team: Workspace) -> ColumnElement[bool]:
    """The entries of `team`'s workspace (and those not adopted yet)."""
    teamless = col(LibraryEntry.team_id).is_(None)
    if not team.team_id:
        return teamless
    return or_(col(LibraryEntry.team_id) == team.team_id, teamless)


async def find_entry(session: AsyncSession, key: str, *, team: Workspace) -> LibraryEntry | None:
    """The entry `key` of `team`'s library."""
    query = (
        select(LibraryEntry)
        .where(LibraryEntry.key == key.strip().lower(), in_team(team))
        .order_by(col(LibraryEntry.team_id).is_(None))  # its own before one not adopted yet
    )
    return (await session.exec(query.execution_options(**FRESH))).first()


async def require_entry(session: AsyncSession, key: str, *, team: Workspace) -> LibraryEntry:
    entry = await find_entry(session, key, team=team)
    if entry is None:
        raise unknown_key(key)
    return entry


async def versions(session: AsyncSession, entry_id: int) -> list[LibraryVersion]:
    """Every version of an entry, oldest first."""
    query = (
        select(LibraryVersion)
        .where(LibraryVersion.entry_id == entry_id)
        .order_by(col(LibraryVersion.version))
        .execution_options(**FRESH)
    )
    return list((await session.exec(query)).all())


async def approvals_of(session: AsyncSession, version_id: int) -> list[LibraryApproval]:
    query = (
        select(LibraryApproval)
        .where(LibraryApproval.version_id == version_id)
        .order_by(col(LibraryApproval.id))
        .execution_options(**FRESH)
    )
    return list((await session.exec(query)).all())


def latest(found: list[LibraryVersion], state: VersionState) -> LibraryVersion | None:
    return next((v for v in reversed(found) if v.state == state), None)


async def usable(
    session: AsyncSession, key: str, *, team: Workspace
) -> tuple[LibraryEntry, LibraryVersion, list[LibraryApproval]]:
    """The latest approved version of `team`'s entry `key` and its approvals; only those words
    can be used."""
    entry = await require_entry(session, key, team=team)
    approved = latest(await versions(session, entry.id or 0), VersionState.APPROVED)
    if approved is None:
        raise BadCommand(
            f"“{entry.key}” has no approved version yet, so it cannot be used; "
            f"`/crisis library show {entry.key}` shows where its approval stands."
        )
    return entry, approved, await approvals_of(session, approved.id or 0)


async def listed(session: AsyncSession, *, team: Workspace) -> list[Listed]:
    """Every entry of `team`'s library, by kind, audience and key, with its approved and
    pending versions."""
    query = (
        select(LibraryEntry)
        .where(in_team(team))
        .order_by(col(LibraryEntry.kind), col(LibraryEntry.audience), col(LibraryEntry.key))
    )
    out: list[Listed] = []
    for entry in (await session.exec(query)).all():
        found = await versions(session, entry.id or 0)
        approved = latest(found, VersionState.APPROVED)
        out.append(Listed(entry, approved, latest(found, VersionState.PENDING)))
    return out


async def version_card(session: AsyncSession, version_id: int) -> VersionCard:
    version = await session.get(LibraryVersion, version_id, populate_existing=True)
    if version is None:
        raise NotFound("That library version no longer exists.")
    entry = await session.get(LibraryEntry, version.entry_id)
    assert entry is not None
    earlier = [v for v in await versions(session, entry.id or 0) if v.version < version.version]
    previous = latest(earlier, VersionState.APPROVED)
    approvals = tuple(await approvals_of(session, version_id))
    return VersionCard(entry, version, approvals, previous)


async def remember_card(
    session: AsyncSession, version_id: int, *, channel_id: str, ts: str
) -> None:
    """Where a copy of the version's card was posted (once)."""
    query = select(LibraryCard).where(LibraryCard.channel_id == channel_id, LibraryCard.ts == ts)
    if (await session.exec(query)).first() is None:
        session.add(LibraryCard(version_id=version_id, channel_id=channel_id, ts=ts))
