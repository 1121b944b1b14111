"""The gateway's foundation: the Web API client it alone holds, and `call`, which turns every
Slack failure into a SlackFailure that names what the bot was trying to do."""

from __future__ import annotations

from collections.abc import Callable, Set
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from app.clock import Clock
from app.errors import SlackFailure
from app.slack.errors_text import explain
from app.slack.users import SlackUser, UserDirectory


def make_client(*, token: str, base_url: str) -> AsyncWebClient:
    """The bot's Web API client: rate limits and 5xx are retried, dropped connections too,
    except for calls that create something (`NoRepeatConnectionRetry`)."""
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        timeout=30,
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            NoRepeatConnectionRetry(max_retry_count=2),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


# Calls that make something new each time they run: sent twice, they make it twice.
CREATES = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.scheduleMessage",
        "conversations.create",
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    }
)


class NoRepeatConnectionRetry(AsyncConnectionErrorRetryHandler):
    """slack-sdk's retry of a call whose connection broke, except for calls in CREATES: a
    connection dropped after Slack did the work would have it done twice (a nudge posted
    twice, a second war room). Those fail instead, and their callers decide."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if request.url.rsplit("/", 1)[-1] in CREATES:
            return False
        return await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        )


def slack_error(error: SlackApiError) -> str:
    return str(error.response.get("error", "unknown_error"))


class GatewayCore:
    def __init__(self, client: AsyncWebClient, clock: Clock) -> None:
        self._client = client
        self.users = UserDirectory(self._user_info, clock)
        self.bot_user_id = ""
        self.bot_id: str | None = None
        # The workspace (and Grid org) the token belongs to, from auth.test at start: whose
        # people are internal, and which team a single-token install's rows belong to.
        self.team_id = ""
        self.enterprise_id: str | None = None
        self.org_install = False  # an org-wide install on Enterprise Grid: one token, every
        # workspace of the org (Slack then wants `team_id` on calls that create or list)
        self._permalinks: dict[str, str] = {}
        self._http: ClientSession | None = None  # the shared session, once `open_http` ran
        # Why the token must not be used any more (tokens_revoked, app_uninstalled), or None.
        self.stopped: str | None = None

    def stop_using_token(self, reason: str) -> None:
        """Slack revoked the token or the app was uninstalled: every call fails fast from now
        on, with `reason`, until the process is restarted with a new token."""
        self.stopped = reason

    async def open_http(self) -> None:
        """One aiohttp session (kept-alive connections) for every Web API call from now on,
        unless the client came with a session of its own. Before this, and after
        `close_http`, slack-sdk opens a session per call, as it does by default."""
        if self._client.session is not None and not self._client.session.closed:
            return
        self._http = ClientSession(timeout=ClientTimeout(total=self._client.timeout))
        self._client.session = self._http

    async def close_http(self) -> None:
        """Close the session `open_http` made (the bot is stopping)."""
        if self._http is None:
            return
        if self._client.session is self._http:
            self._client.session = None
        await self._http.close()
        self._http = None

    @property
    def token(self) -> str:
        return self._client.token or ""

    @property
    def api_url(self) -> str:
        """SLACK_API_URL: where the Web API is (Slack's, or the test double's)."""
        return str(self._client.base_url)

    def bolt_client(self) -> AsyncWebClient:
        """Bolt's own client: same endpoint and retries; its token comes from `authorize`.
        The bot never calls Slack through it."""
        return AsyncWebClient(
            base_url=self._client.base_url,
            timeout=self._client.timeout,
            retry_handlers=self._client.retry_handlers,
        )

    def known_as(
        self,
        *,
        bot_user_id: str,
        bot_id: str | None,
        team_id: str,
        enterprise_id: str | None,
        org_install: bool,
    ) -> None:
        """Who the bot is here, from its stored installation (instead of auth.test)."""
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.team_id = team_id
        self.enterprise_id = enterprise_id
        self.org_install = org_install

    async def identify(self) -> dict[str, Any]:
        """auth.test once at start: proves the token and learns who the bot is."""
        response = await self.call("check the bot token", self._client.auth_test)
        self.bot_user_id = str(response.get("user_id", ""))
        self.bot_id = response.get("bot_id") or None
        self.team_id = str(response.get("team_id", ""))
        self.enterprise_id = response.get("enterprise_id") or None
        self.org_install = bool(response.get("is_enterprise_install"))
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def call(
        self,
        what: str,
        method: Callable[..., Any],
        *,
        tolerate: Set[str] = frozenset(),
        **kwargs: Any,
    ) -> Any:
        """One Web API call; any failure becomes a SlackFailure naming what we tried to do,
        except Slack's errors named in `tolerate`, which return None."""
        if self.stopped is not None:
            raise SlackFailure(f"I couldn't {what}: {self.stopped}.", error="token_revoked")
        try:
            return await method(**kwargs)
        except SlackApiError as error:
            name = slack_error(error)
            if name in tolerate:
                return None
            raise SlackFailure(f"I couldn't {what}: {explain(name)}.", error=name) from error
        except (ClientError, TimeoutError) as error:
            raise SlackFailure(
                f"I couldn't {what}: {explain('connection_failed')}.", error="connection_failed"
            ) from error

    async def user(self, user_id: str) -> SlackUser | None:
        """users.info, cached; None for a user Slack does not know."""
        return await self.users.get(user_id)

    async def _user_info(self, user_id: str) -> SlackUser | None:
        try:
            response = await self.call(
                f"look up <@{user_id}>", self._client.users_info, user=user_id
            )
        except SlackFailure as failure:
            if failure.error == "user_not_found":
                return None
            raise
        return SlackUser.from_api(response["user"])
