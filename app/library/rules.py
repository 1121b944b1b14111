"""The pure rules of the library: who manages it, valid keys and wording, deciding a version."""

from __future__ import annotations

import re
from collections.abc import Sequence, Set

from app.approvals.models import Decision, DecisionState
from app.approvals.wording import anyone_of
from app.errors import BadCommand, NotAuthorized
from app.library.models import (
    AUDIENCES,
    KEY_MAX,
    KINDS,
    TEXT_MAX,
    TITLE_MAX,
    LibraryApproval,
    LibraryVersion,
    VersionState,
)
from app.roles.models import Role

MANAGERS: tuple[Role, ...] = (Role.LEAD, Role.LEGAL)
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def check_manager(by_roles: Set[Role]) -> None:
    if not by_roles & set(MANAGERS):
        raise NotAuthorized(
            f"Only {anyone_of(MANAGERS)} can add or change library statements; "
            "anyone can read them with `/crisis library`."
        )


def checked_key(key: str) -> str:
    key = (key or "").strip().lower()
    if not key:
        raise BadCommand("Give the statement a key, such as `apology-long-wait`.")
    if len(key) > KEY_MAX or not KEY.match(key):
        raise BadCommand(
            f"“{key[:KEY_MAX]}” is not a usable key: use lower-case letters, digits, - and _ "
            f"(at most {KEY_MAX})."
        )
    return key


def checked_kind(kind: str) -> str:
    if kind not in KINDS:
        raise BadCommand(f"“{kind}” is not a crisis kind ({', '.join(KINDS)}).")
    return kind


def checked_audience(audience: str) -> str:
    if audience not in AUDIENCES:
        raise BadCommand(f"“{audience}” is not an audience ({', '.join(AUDIENCES)}).")
    return audience


def checked_wording(title: str, text: str) -> tuple[str, str]:
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise BadCommand("Give the statement a short title, such as “Apology for a long wait”.")
    if not text:
        raise BadCommand("Write the statement's words: they are what gets approved.")
    if len(title) > TITLE_MAX:
        raise BadCommand(f"The title is {len(title)} characters; keep it to {TITLE_MAX}.")
    if len(text) > TEXT_MAX:
        raise BadCommand(f"The statement is {len(text)} characters; keep it to {TEXT_MAX}.")
    return title, text


def outcome(approvals: Sequence[LibraryApproval]) -> VersionState:
    states = {approval.state for approval in approvals}
    if DecisionState.REJECTED in states:
        return VersionState.REJECTED
    if states == {DecisionState.APPROVED}:
        return VersionState.APPROVED
    return VersionState.PENDING


def check_decidable(
    version: LibraryVersion,
    approvals: Sequence[LibraryApproval],
    *,
    role: Role,
    by: str,
    by_roles: Set[Role],
    decision: Decision,
    self_approval: bool,
) -> LibraryApproval:
    """The approval `by` may record as `role`, or why not (settled, not theirs, four eyes)."""
    label = f"v{version.version}"
    if version.state != VersionState.PENDING:
        raise BadCommand(f"{label} was already {version.state.label.lower()}.")
    mine = next((a for a in approvals if a.role == role), None)
    required = [a.role for a in approvals]
    if mine is None or role not in by_roles:
        raise NotAuthorized(f"Only {anyone_of(required)} can {decision.verb} this.")
    if mine.state != DecisionState.PENDING:
        raise BadCommand(f"{role.label} already decided on {label}.")
    if by == version.proposed_by and not self_approval:
        raise NotAuthorized(
            f"You proposed {label}; someone else must {decision.verb} it (four-eyes rule)."
        )
    return mine
