"""Whose organisation each author belongs to (Slack Connect): kept in an entry's content.

A new message, reply, file, edit, deletion, join or leave whose author is known carries
`content["organisation"] = {"team_id", "name"?, "external"}`: the author's home workspace (the
event's `user_team`, else users.info's `team_id`), its name (team.info) and whether it is
another organisation than the workspace the bot is installed in. Entries stored before this
have no such key and are hashed as they were; exports show them without an organisation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.record.drafts import Draft
from app.record.models import EntryKind

KEY = "organisation"
KINDS = frozenset(
    {
        EntryKind.MESSAGE,
        EntryKind.REPLY,
        EntryKind.FILE,
        EntryKind.EDIT,
        EntryKind.DELETE,
        EntryKind.JOIN,
        EntryKind.LEAVE,
    }
)


@dataclass(frozen=True)
class Organisation:
    team_id: str
    name: str
    external: bool

    @property
    def label(self) -> str:
        return self.name or self.team_id

    @property
    def affiliation(self) -> str:
        return "external" if self.external else "internal"

    def as_content(self) -> dict[str, Any]:
        found: dict[str, Any] = {"team_id": self.team_id, "external": self.external}
        if self.name:
            found["name"] = self.name
        return found


def wants(draft: Draft) -> bool:
    """Does this draft say something whose author's organisation the record should keep?"""
    return draft.kind in KINDS and bool(draft.user_id) and KEY not in draft.content


def event_team(draft: Draft) -> str | None:
    """The author's home team as the event gave it (`user_team`), when it is the author's."""
    for part in ("message", "previous"):
        message = draft.content.get(part)
        if isinstance(message, dict) and message.get("user") == draft.user_id:
            team = message.get("user_team")
            if isinstance(team, str) and team:
                return team
    return None


def is_external(
    team_id: str, team_enterprise: str | None, *, home: str, home_enterprise: str | None
) -> bool:
    """Another organisation than ours: not our workspace, nor one of our Grid org's."""
    if team_id == home:
        return False
    return not (home_enterprise and team_enterprise == home_enterprise)


def authored(draft: Draft, user_name: str | None, organisation: Organisation | None) -> Draft:
    """The draft with its author's name and organisation (`Draft.named`: one copy)."""
    if organisation is None:
        return draft.named(user_name)
    return draft.named(user_name, content={**draft.content, KEY: organisation.as_content()})


def from_content(content: Mapping[str, Any]) -> Organisation | None:
    """The organisation an entry recorded for its author (None for older entries)."""
    found = content.get(KEY)
    if not isinstance(found, dict) or not isinstance(found.get("team_id"), str):
        return None
    name = found.get("name")
    return Organisation(
        found["team_id"], name if isinstance(name, str) else "", bool(found.get("external"))
    )


def remember(
    known: dict[str, Organisation], user_id: str | None, content: Mapping[str, Any]
) -> None:
    """Note the author's organisation from one entry (the latest recorded wins)."""
    found = from_content(content)
    if user_id and found is not None:
        known[user_id] = found


def marked(who: str, organisation: Organisation | None) -> str:
    """A name as the transcript shows it: "Dana Reyes (external · Acme PR)" for outsiders."""
    if organisation is None or not organisation.external:
        return who
    return f"{who} (external · {organisation.label})"


def taking_part(known: Mapping[str, Organisation]) -> list[Organisation]:
    """Each organisation once: ours first, then the others by name."""
    unique = {org.team_id: org for org in known.values()}
    return sorted(unique.values(), key=lambda org: (org.external, org.label.lower()))
