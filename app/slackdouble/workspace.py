"""State of the fake workspace: users, channels, messages, files, ephemerals, timeline."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from app.slackdouble.connect import Team
from app.slackdouble.events import EventBus
from app.slackdouble.ids import IdSource
from app.slackdouble.models import (
    Channel,
    Ephemeral,
    Message,
    SlackFile,
    Trigger,
    User,
    Visible,
)
from app.slackdouble.workspaces import Install, Installs

__all__ = [
    "SYSTEM_SUBTYPES",
    "TEAM_DOMAIN",
    "Channel",
    "Ephemeral",
    "Message",
    "SlackFile",
    "Trigger",
    "User",
    "Visible",
    "Workspace",
]

TEAM_DOMAIN = "crisisroom-demo"
SYSTEM_SUBTYPES = frozenset(
    {"channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_archive"}
    | {"tombstone"}
)


class Workspace:
    """All the state the double serves; method handlers read and change it."""

    def __init__(
        self, *, token: str, team_id: str, clock: Callable[[], float], seed: int | None = None
    ) -> None:
        self.home_team_id = team_id
        self.clock = clock
        self.wall: Callable[[], float] = time.time  # message ts; the demo sets its fake clock
        self.ids = IdSource(seed)  # every random id the double invents
        self.events_first = False  # the demo: deliver a call's events before answering it
        self.base_url = ""
        bot = User("U0BOT", "crisisroom", "Crisis Room", is_bot=True, bot_id="B0BOT")
        self.installs = Installs(Install(token, bot, team_id))
        self.users: dict[str, User] = {bot.id: bot}
        self.channels: dict[str, Channel] = {}
        self.files: dict[str, SlackFile] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.view_owner: dict[str, str] = {}
        self.view_stacks: dict[str, list[str]] = {}
        self.homes: dict[str, str] = {}
        self.usergroups: dict[str, list[str]] = {}  # subteam id -> its members
        self.teams = {team_id: Team(team_id, "Crisis Room Demo", TEAM_DOMAIN)}  # ours + others
        self.triggers: dict[str, Trigger] = {}
        self.ephemerals: list[Ephemeral] = []
        self.timeline: list[Visible] = []
        self.bus = EventBus()
        self._counter = 0
        self._last_micros = 0

    # -- who is calling: the acting installation (app/slackdouble/workspaces.py) ------------
    @property
    def token(self) -> str:
        """The first workspace's bot token."""
        return self.installs.home.token

    @property
    def bot(self) -> User:
        return self.installs.acting.install.bot

    @property
    def team_id(self) -> str:
        return self.installs.acting.team_id

    @contextmanager
    def acting_as(self, install: Install, team_id: str | None = None) -> Iterator[None]:
        team = team_id or install.team_id or self.installs.teams_of(install)[0]
        with self.installs.acting_as(install, team):
            yield

    @contextmanager
    def acting_in(self, team_id: str) -> Iterator[None]:
        """Act as the installation serving `team_id` (the first workspace's when none does)."""
        with self.acting_as(self.installs.serving(team_id) or self.installs.home, team_id):
            yield

    def home_of(self, user_id: str) -> str:
        user = self.users.get(user_id)
        return (user.team_id if user else None) or self.home_team_id

    def acting_teams(self) -> list[str]:
        return self.installs.teams_of(self.installs.acting.install)

    def sees(self, channel: Channel) -> bool:
        """Is the channel in (or shared with) a workspace the acting installation serves?"""
        return bool(set(channel.teams) & set(self.acting_teams()))

    def person(self, user_id: str) -> User | None:
        """A person the acting installation may look up: of its workspaces or Grid org, or
        a Slack Connect partner; not someone of an unrelated workspace."""
        user = self.users.get(user_id)
        if user is None or user.id == self.bot.id:
            return user
        home = self.home_of(user_id)
        ours = self.acting_teams()
        if home in ours or home not in self.installs.workspaces:
            return user
        if any(self.installs.same_org(home, team) for team in ours):
            return user
        return (
            user
            if any(user_id in c.members for c in self.channels.values() if self.sees(c))
            else None
        )

    def new_id(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}0{self._counter:08X}"

    def next_ts(self) -> str:
        micros = max(int(self.wall() * 1_000_000), self._last_micros + 1)
        self._last_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def create_channel(
        self,
        name: str,
        *,
        is_private: bool,
        creator: str = "",
        members: Iterable[str] = (),
        channel_id: str | None = None,
    ) -> Channel:
        channel_id = channel_id or self.new_id("C")
        channel = Channel(channel_id, name, is_private=is_private, creator=creator)
        channel.members = list(dict.fromkeys([creator, *members] if creator else members))
        channel.created = int(self.wall())
        channel.teams = [self.team_id]
        self.channels[channel.id] = channel
        return channel

    def channel_by_name(self, name: str) -> Channel | None:
        """A channel of the acting workspace(s), by name."""
        name = name.removeprefix("#")
        found = [c for c in self.channels.values() if c.name == name and not c.is_im]
        here = [c for c in found if c.teams[:1] == [self.team_id]]  # names are per workspace
        return next((c for c in here + found if self.sees(c)), None)

    def channel(self, key: str) -> Channel | None:
        """A channel (id or name) the acting installation can see, private or not."""
        found = self.channels.get(key) or self.channel_by_name(key)
        return found if found is not None and self.sees(found) else None

    def dm_with(self, user_id: str) -> Channel:
        """The DM channel between the bot and a user, opened on first use."""
        for channel in self.channels.values():
            if channel.is_im and channel.im_user == user_id and self.bot.id in channel.members:
                return channel
        channel = Channel(self.new_id("D"), name=user_id, is_im=True, im_user=user_id)
        channel.members = [self.bot.id, user_id]
        channel.created = int(self.wall())
        channel.teams = [self.team_id]
        self.channels[channel.id] = channel
        return channel

    def display_name(self, user_id: str) -> str:
        user = self.users.get(user_id)
        return user.real_name if user else user_id

    def where(self, channel: Channel) -> str:
        if channel.is_im:
            return f"DM with {self.display_name(channel.im_user or '')}"
        return f"#{channel.name}"

    def names(self) -> tuple[dict[str, str], dict[str, str]]:
        """(user id → real name, channel id → name) for rendering."""
        users = {u.id: u.real_name for u in self.users.values()}
        channels = {c.id: c.name for c in self.channels.values() if not c.is_im}
        return users, channels

    def emit(self, event: dict[str, Any], *, stamp_team: bool = True) -> None:
        """Emit an event that happened where the acting installation acts (its `team`)."""
        stamped = {"team": self.team_id, **event} if stamp_team else event
        self.bus.emit(stamped, self.installs.acting)
