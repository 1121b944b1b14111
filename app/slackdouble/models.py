"""The things the double keeps: people, files, messages, channels, and what people saw."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.slackdouble.connect import shared_fields


@dataclass
class User:
    id: str
    name: str
    real_name: str
    is_admin: bool = False
    is_owner: bool = False
    deleted: bool = False
    is_bot: bool = False
    tz: str = "America/New_York"
    bot_id: str | None = None
    team_id: str | None = None  # their workspace, if not the first one (or a partner's team)
    org_admin: bool = False  # an Org Admin of their Grid org (not just of their workspace)

    def to_slack(self, team_id: str) -> dict[str, Any]:
        home = self.team_id or team_id
        profile: dict[str, Any] = {"real_name": self.real_name, "display_name": self.name}
        if self.bot_id:
            profile["bot_id"] = self.bot_id
        profile["team"] = home
        return {
            "id": self.id,
            "team_id": home,
            "name": self.name,
            "real_name": self.real_name,
            "deleted": self.deleted,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": self.is_owner,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "tz": self.tz,
            "profile": profile,
        }


@dataclass
class SlackFile:
    id: str
    name: str
    title: str
    mimetype: str
    size: int
    user: str
    url_private: str
    created: int
    content: bytes | None = None
    channels: list[str] = field(default_factory=list)
    message_ts: str | None = None

    def to_slack(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.title,
            "mimetype": self.mimetype,
            "filetype": self.name.rsplit(".", 1)[-1] if "." in self.name else "binary",
            "size": self.size,
            "user": self.user,
            "url_private": self.url_private,
            "url_private_download": self.url_private,
            "permalink": f"https://crisisroom-demo.slack.com/files/{self.user}/{self.id}/{self.name}",
            "channels": list(self.channels),
        }


@dataclass
class Message:
    ts: str
    channel: str
    user: str
    text: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    bot_id: str | None = None
    subtype: str | None = None
    files: list[SlackFile] = field(default_factory=list)
    parent_user_id: str | None = None
    reply_count: int = 0
    reply_users: list[str] = field(default_factory=list)
    latest_reply: str | None = None
    edited: dict[str, str] | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    deleted: bool = False
    metadata: dict[str, Any] | None = None  # chat.postMessage's; only history shows it

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def to_slack(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "message", "ts": self.ts, "user": self.user}
        out["text"] = self.text
        optional = {
            "subtype": self.subtype,
            "bot_id": self.bot_id,
            "thread_ts": self.thread_ts,
            "parent_user_id": self.parent_user_id,
            "edited": self.edited,
        }
        out.update({k: v for k, v in optional.items() if v is not None})
        if self.blocks:
            out["blocks"] = self.blocks
        if self.files:
            out["files"] = [f.to_slack() for f in self.files]
            out["upload"] = False
        if self.reply_count:
            out["reply_count"] = self.reply_count
            out["reply_users"] = list(self.reply_users)
            out["reply_users_count"] = len(self.reply_users)
            out["latest_reply"] = self.latest_reply
        out.update(self.extra)
        return out


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_im: bool = False
    members: list[str] = field(default_factory=list)
    created: int = 0
    creator: str = ""
    topic: str = ""
    purpose: str = ""
    is_archived: bool = False
    im_user: str | None = None
    messages: list[Message] = field(default_factory=list)
    pins: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)  # host team first, then connected ones

    @property
    def event_type(self) -> str:
        return "im" if self.is_im else "group" if self.is_private else "channel"

    def find(self, ts: str) -> Message | None:
        return next((m for m in self.messages if m.ts == ts and not m.deleted), None)

    def to_slack(self, viewer: str) -> dict[str, Any]:
        if self.is_im:
            return {"id": self.id, "is_im": True, "user": self.im_user, "created": self.created}
        return {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": True,
            "is_group": False,
            "is_im": False,
            "is_private": self.is_private,
            "is_archived": self.is_archived,
            "is_general": False,
            "created": self.created,
            "creator": self.creator,
            "is_member": viewer in self.members,
            "topic": {"value": self.topic, "creator": "", "last_set": 0},
            "purpose": {"value": self.purpose, "creator": "", "last_set": 0},
            "num_members": len(self.members),
            **shared_fields(self.teams),
        }


@dataclass
class Ephemeral:
    user: str
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    source: str = "chat.postEphemeral"


@dataclass
class Visible:
    """One thing a person in the workspace could see, for transcripts."""

    kind: str
    author: str
    where: str
    text: str
    ts: str
    audience: str | None = None
    channel_id: str | None = None
    thread_ts: str | None = None


@dataclass
class Trigger:
    user_id: str
    issued_at: float
    used: bool = False
