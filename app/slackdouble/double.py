"""SlackDouble: a local Slack Web API for tests and the demo, plus the people using it.

Fault modes (details in app/slackdouble/faults.py): `double.fault(method, kind, times=N)` or
`seconds=S` (real time, not the bot's clock) makes calls of `method` answer with kind
"rate_limited" (429 + Retry-After), "server_error" (5xx, HTML or empty body), "error"
(ok:false), "hang" (no answer until the double stops), "late" (the work is done, the answer
comes after `delay` s) or "drop" (the work is done, the connection closes with no answer).
`double.clear_faults()` removes them; `double.calls` notes each faulted call's `fault`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import Unpack

from app.slackdouble import connect, human, viewstore
from app.slackdouble.events import EventCallback
from app.slackdouble.faults import FaultKind, FaultOptions
from app.slackdouble.multi import ManyWorkspaces
from app.slackdouble.oauth import CLIENT_ID, CLIENT_SECRET, OAuth
from app.slackdouble.responses import ResponseUrls
from app.slackdouble.server import ApiServer, Call
from app.slackdouble.socket_mode import SocketModeServer
from app.slackdouble.state import WorkspaceState
from app.slackdouble.workspace import (
    SlackFile,
    User,
    Visible,
    Workspace,
)


class SlackDouble(WorkspaceState, ManyWorkspaces):
    """Answers Slack Web API calls on 127.0.0.1 the way Slack does.

    Point a real client at it: `AsyncWebClient(token=..., base_url=double.api_url)`. It starts
    as one workspace (`team_id`, `token`); `add_workspace`, `add_org`, `consent` and
    `uninstall` (app/slackdouble/multi.py) make it many, each call answered for its token's.
    """

    def __init__(
        self,
        *,
        token: str = "xoxb-test-token",
        team_id: str = "T0CRISIS",
        latency: float = 0.0,
        clock: Callable[[], float] | None = None,
        app_token: str | None = None,
        seed: int | None = None,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
    ) -> None:
        clock = clock or time.monotonic
        self.ws = Workspace(token=token, team_id=team_id, clock=clock, seed=seed)
        self.responses = ResponseUrls(self.ws)
        self.socket_mode = SocketModeServer(app_token=app_token, bot_token=token, ids=self.ws.ids)
        self.oauth = OAuth(self.ws, client_id, client_secret)
        self._server = ApiServer(self.ws, self.responses, latency, self.socket_mode, self.oauth)

    # -- configuration -------------------------------------------------------------------
    @property
    def latency(self) -> float:
        return self._server.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._server.latency = seconds

    @property
    def token(self) -> str:
        return self.ws.token

    @property
    def team_id(self) -> str:
        return self.ws.home_team_id

    @property
    def bot_user_id(self) -> str:
        return self.ws.installs.home.bot.id

    @property
    def bot_id(self) -> str:
        return self.ws.installs.home.bot.bot_id or ""

    @property
    def base_url(self) -> str:
        if not self.ws.base_url:
            raise RuntimeError("SlackDouble is not started")
        return self.ws.base_url

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    @property
    def calls(self) -> list[Call]:
        return self._server.calls

    @property
    def timeline(self) -> list[Visible]:
        return self.ws.timeline

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.ws.base_url = await self._server.start(host, port)

    async def stop(self) -> None:
        await self.ws.bus.close()
        await self._server.stop()

    async def __aenter__(self) -> SlackDouble:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def add_user(
        self,
        id: str,
        name: str,
        real_name: str,
        *,
        is_admin: bool = False,
        is_owner: bool = False,
        deleted: bool = False,
        is_bot: bool = False,
        tz: str = "America/New_York",
        team_id: str | None = None,
    ) -> User:
        """A person of the first workspace, or of `team_id` (one added with add_workspace)."""
        if id in self.ws.users:
            raise ValueError(f"user {id} already exists")
        if team_id is not None and team_id not in self.ws.installs.workspaces:
            raise ValueError(f"unknown workspace {team_id}: add_workspace it first")
        user = User(id, name, real_name, is_admin, is_owner, deleted, is_bot, tz)
        user.team_id = None if team_id == self.team_id else team_id
        self.ws.users[id] = user
        return user

    def deactivate(self, user_id: str) -> None:
        """Deactivate a person's account, as an admin would (users.info shows deleted)."""
        self.ws.users[user_id].deleted = True

    def add_usergroup(self, group_id: str, members: Iterable[str]) -> None:
        """A user group (subteam) and its members, for usergroups.users.list."""
        self.ws.usergroups[group_id] = list(members)

    def add_channel(
        self,
        name: str,
        *,
        is_private: bool = False,
        members: Iterable[str] = (),
        id: str | None = None,
        team_id: str | None = None,
    ) -> str:
        """A channel of the first workspace, or of `team_id`."""
        with self.ws.acting_in(team_id or self.team_id):
            if self.ws.channel_by_name(name) is not None:
                raise ValueError(f"channel #{name} already exists")
            members = list(members)
            channel = self.ws.create_channel(
                name, is_private=is_private, members=members, channel_id=id
            )
            channel.creator = members[0] if members else ""
            for member in members:
                connect.admit(self.ws, channel, member)
        return channel.id

    # -- scripted behaviour --------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def fail_next(self, method: str, error: str, times: int = 1) -> None:
        self._server.fail_next(method, error, times)

    def rate_limit_next(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        self._server.rate_limit_next(method, times, retry_after)

    def fault(
        self,
        method: str,
        kind: FaultKind,
        *,
        times: int | None = None,
        seconds: float | None = None,
        **options: Unpack[FaultOptions],
    ) -> None:
        """Answer the next `times` calls of `method`, or all for `seconds`, with a fault."""
        self._server.fault(method, kind, times=times, seconds=seconds, **options)

    def clear_faults(self) -> None:
        self._server.faults.clear()

    def redirect_download(self, file_id: str, location: str) -> None:
        """From now on, an authorised download of `file_id` answers 302 to `location`."""
        self._server.redirects[file_id] = location

    def subscribe(self, callback: EventCallback) -> None:
        self.ws.bus.subscribe(callback)

    def unsubscribe(self, callback: EventCallback) -> None:
        self.ws.bus.unsubscribe(callback)

    async def settle(self) -> None:
        """Wait until subscribers have received every event emitted so far."""
        await self.ws.bus.drain()

    def issue_trigger(self, user_id: str) -> str:
        return viewstore.issue_trigger(self.ws, user_id)

    def new_response_url(self, user_id: str, channel_id: str, message_ts: str | None = None) -> str:
        return self.responses.issue(user_id, channel_id, message_ts)

    # -- people ----------------------------------------------------------------------------
    def post_as(
        self,
        user_id: str,
        channel: str,
        text: str,
        *,
        thread_ts: str | None = None,
        files: Sequence[human.FileSpec] | None = None,
    ) -> str:
        with self.acting_for(user_id, channel):
            return human.post_as(self.ws, user_id, channel, text, thread_ts=thread_ts, files=files)

    def edit_as(self, user_id: str, channel: str, ts: str, new_text: str) -> None:
        with self.acting_for(user_id, channel):
            human.edit_as(self.ws, user_id, channel, ts, new_text)

    def delete_as(self, user_id: str, channel: str, ts: str) -> None:
        with self.acting_for(user_id, channel):
            human.delete_as(self.ws, user_id, channel, ts)

    def upload_as(
        self,
        user_id: str,
        channel: str,
        filename: str,
        content: bytes,
        mimetype: str,
        *,
        initial_comment: str = "",
        thread_ts: str | None = None,
    ) -> SlackFile:
        with self.acting_for(user_id, channel):
            return self._upload(
                user_id, channel, filename, content, mimetype, initial_comment, thread_ts
            )

    def _upload(
        self,
        user_id: str,
        channel: str,
        filename: str,
        content: bytes,
        mimetype: str,
        initial_comment: str,
        thread_ts: str | None,
    ) -> SlackFile:
        return human.upload_as(
            self.ws,
            user_id,
            channel,
            filename,
            content,
            mimetype,
            initial_comment=initial_comment,
            thread_ts=thread_ts,
        )

    def join_as(self, user_id: str, channel: str) -> None:
        with self.acting_for(user_id, channel):
            human.join_as(self.ws, user_id, channel)

    def leave_as(self, user_id: str, channel: str) -> None:
        with self.acting_for(user_id, channel):
            human.leave_as(self.ws, user_id, channel)
