"""Slack Connect: people from other organisations, channels shared with their teams.

A channel's `teams` lists its host team first, then each external team it is connected to;
with more than one it is a Slack Connect channel (`is_ext_shared`). Slack then adds, to each
message a person posts there, the author's home team (`team`, `user_team`, `source_team`) and
a `user_profile`, and the Events API envelope says `is_ext_shared_channel: true`. A person
from another organisation joining a channel connects their team to it (the invitation having
been accepted), which a test can also do with `SlackDouble.connect_channel`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.slackdouble.workspace import Channel, Workspace

ICON_SIZES = (34, 44, 68, 88, 102, 132, 230)


@dataclass
class Team:
    """A Slack workspace: ours, or one a Slack Connect partner belongs to."""

    id: str
    name: str
    domain: str

    def to_slack(self) -> dict[str, Any]:
        """team.info's `team`."""
        icon: dict[str, Any] = {
            f"image_{size}": f"https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-{size}.png"
            for size in ICON_SIZES
        }
        icon["image_default"] = True
        return {
            "id": self.id,
            "name": self.name,
            "url": f"https://{self.domain}.slack.com/",
            "domain": self.domain,
            "email_domain": "",
            "icon": icon,
            "avatar_base_url": "https://ca.slack-edge.com/",
            "is_verified": False,
        }


def domain_for(name: str) -> str:
    """A workspace URL name the way Slack suggests one from a team's name."""
    kept = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    return "-".join(part for part in kept.split("-") if part) or "team"


def shared_fields(teams: list[str]) -> dict[str, Any]:
    """What conversations.info (and .list, .create, ...) say about a channel's sharing."""
    host = teams[0] if teams else ""
    external = len(teams) > 1
    out: dict[str, Any] = {
        "is_shared": external,
        "is_ext_shared": external,
        "is_org_shared": False,
        "is_pending_ext_shared": False,
        "pending_shared": [],
        "pending_connected_team_ids": [],
        "shared_team_ids": [host] if host else [],
        "context_team_id": host,
    }
    if external:
        out.update(connected_team_ids=list(teams), conversation_host_id=host)
    return out


def is_external(ws: Workspace, user_id: str) -> bool:
    """From another organisation than the acting workspace (a Grid org is one organisation)."""
    home = home_team(ws, user_id)
    if user_id not in ws.users or home == ws.team_id:
        return False
    return not ws.installs.same_org(home, ws.team_id)


def home_team(ws: Workspace, user_id: str) -> str:
    return ws.home_of(user_id)


def connect(ws: Workspace, channel: Channel, team_id: str, *, announce: bool = False) -> None:
    """Share `channel` with `team_id` (the invitation accepted); `channel_shared` if announced."""
    if team_id not in ws.teams:
        raise ValueError(f"unknown team {team_id!r}")
    if team_id in channel.teams or team_id == ws.team_id:
        return
    channel.teams.append(team_id)
    if announce:
        event = {"type": "channel_shared", "connected_team_id": team_id, "channel": channel.id}
        ws.emit({**event, "event_ts": ws.next_ts()})


def admit(ws: Workspace, channel: Channel, user_id: str) -> None:
    """Before someone from another organisation joins, the channel is connected to their team."""
    if is_external(ws, user_id):
        connect(ws, channel, home_team(ws, user_id))


def author_fields(ws: Workspace, channel: Channel, user_id: str) -> dict[str, Any]:
    """The fields Slack adds to a person's message in a Slack Connect channel (none elsewhere)."""
    user = ws.users.get(user_id)
    if len(channel.teams) < 2 or user is None or user.bot_id:
        return {}
    home = home_team(ws, user_id)
    profile = {
        "avatar_hash": "g" + hashlib.sha256(user.id.encode()).hexdigest()[:11],
        "image_72": f"https://secure.gravatar.com/avatar/{user.id.lower()}.jpg?s=72",
        "first_name": user.real_name.split(" ")[0],
        "real_name": user.real_name,
        "display_name": user.name,
        "team": home,
        "name": user.name,
        "is_restricted": False,
        "is_ultra_restricted": False,
    }
    return {"team": home, "user_team": home, "source_team": home, "user_profile": profile}


def ext_shared(ws: Workspace, event: dict[str, Any]) -> bool:
    """The envelope's `is_ext_shared_channel`: did the event happen in a Slack Connect channel?"""
    item = event.get("item")
    where = event.get("channel") or (item.get("channel") if isinstance(item, dict) else None)
    channel = ws.channels.get(where) if isinstance(where, str) else None
    return channel is not None and len(channel.teams) > 1
