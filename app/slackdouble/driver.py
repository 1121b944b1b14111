"""SlackDriver: sends the bot what Slack sends (commands, clicks, submissions, events), signed."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp

from app.slackdouble import clicks, envelopes, payloads
from app.slackdouble.double import SlackDouble
from app.slackdouble.envelopes import VERIFICATION_TOKEN as VERIFICATION_TOKEN
from app.slackdouble.events import ContextCallback
from app.slackdouble.viewstore import APP_ID
from app.slackdouble.workspaces import Acting

FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class SentRequest:
    """The exact signed request the driver posted, so a test can replay it."""

    body: str
    headers: dict[str, str]


@dataclass
class DriverResponse:
    """What the bot answered, and how long it took."""

    status: int
    text: str
    elapsed: float
    headers: dict[str, str] = field(default_factory=dict)
    sent: SentRequest | None = None

    def json(self) -> Any | None:
        try:
            return json.loads(self.text)
        except ValueError:
            return None


class SlackDriver:
    """Posts signed requests to the bot's `POST /slack/events` endpoint as Slack would.

    A person acts in their own workspace (their commands, clicks and events carry its team,
    Grid org and installation); someone from outside any added workspace (a Slack Connect
    partner) acts in the driver's `team_id`, the first workspace by default.
    """

    def __init__(
        self,
        double: SlackDouble,
        bot_url: str,
        signing_secret: str,
        *,
        team_id: str = "T0CRISIS",
        http: aiohttp.ClientSession | None = None,
    ) -> None:
        self.double = double
        self.bot_url = bot_url
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.forwarded: list[DriverResponse] = []
        # Slack retries an event the app did not answer with 200 three times: at once, after
        # a minute, after five. The double keeps the count and the order, in less time.
        self.retry_delays: tuple[float, ...] = (0.0, 0.2, 1.0)
        self._http = http
        self._owns_http = http is None
        self._forwarder: ContextCallback | None = None

    async def close(self) -> None:
        self.stop_forwarding()
        if self._owns_http and self._http is not None:
            await self._http.close()
        self._http = None

    # -- transport -----------------------------------------------------------------------
    def sign(self, body: str, timestamp: int) -> str:
        base = f"v0:{timestamp}:{body}".encode()
        digest = hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        return f"v0={digest}"

    async def post_raw(
        self,
        body: str,
        *,
        content_type: str = FORM,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> DriverResponse:
        timestamp = int(time.time()) if timestamp is None else timestamp
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": signature or self.sign(body, timestamp),
            **(headers or {}),
        }
        return await self.resend(SentRequest(body, sent))

    async def resend(self, request: SentRequest) -> DriverResponse:
        """Post these exact bytes and headers (again: a replay, signature and all)."""
        if self._http is None:
            self._http = aiohttp.ClientSession()
        started = time.perf_counter()
        data, headers = request.body.encode(), request.headers
        async with self._http.post(self.bot_url, data=data, headers=headers) as response:
            text = await response.text()
        elapsed = time.perf_counter() - started
        return DriverResponse(response.status, text, elapsed, dict(response.headers), request)

    async def _post_payload(self, payload: dict[str, Any]) -> DriverResponse:
        return await self.post_raw(urlencode({"payload": json.dumps(payload)}))

    # -- what people do ------------------------------------------------------------------
    def _user(self, user_id: str) -> dict[str, Any]:
        user = self.double.user(user_id)
        team_id = user.team_id or self.team_id
        return {"id": user.id, "username": user.name, "name": user.name, "team_id": team_id}

    def team_of(self, user_id: str) -> str:
        """The workspace a person acts in: theirs, or the driver's for an outside partner."""
        home = self.double.ws.home_of(user_id)
        return home if home in self.double.ws.installs.workspaces else self.team_id

    async def command(
        self, user_id: str, text: str, *, channel_id: str, command: str = "/crisis"
    ) -> DriverResponse:
        channel = self.double.channel(channel_id)
        channel_name = "directmessage" if channel.is_im else channel.name
        team_id = self.team_of(user_id)
        org_wide = envelopes.serving(self.double.ws, team_id).is_enterprise_install
        fields = {
            "token": VERIFICATION_TOKEN,
            **envelopes.command_fields(self.double.ws, team_id),
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": self.double.user(user_id).name,
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "true" if org_wide else "false",
            "response_url": self.double.new_response_url(user_id, channel_id),
            "trigger_id": self.double.issue_trigger(user_id),
        }
        return await self.post_raw(urlencode(fields))

    async def click(
        self,
        user_id: str,
        action_id: str,
        *,
        value: Any = None,
        block_id: str | None = None,
        channel_id: str | None = None,
        message_ts: str | None = None,
        view_id: str | None = None,
    ) -> DriverResponse:
        """Press a button (or pick a value) the bot showed; fails if it was not shown."""
        if channel_id and message_ts:
            base = self._base_interaction("block_actions", user_id)
            payload, blocks = clicks.on_message(self.double, base, channel_id, message_ts)
            where = f"message {message_ts} in {channel_id}"
        else:
            base = self._base_interaction("block_actions", user_id)
            payload, blocks = clicks.on_view(self.double, base, view_id)
            where = f"view {payload['view']['id']}"
        found_block, element = payloads.find_element(blocks, action_id, block_id, where)
        payload["actions"] = [payloads.action_entry(found_block, element, value)]
        return await self._post_payload(payload)

    def _base_interaction(self, kind: str, user_id: str) -> dict[str, Any]:
        return {
            "type": kind,
            "user": self._user(user_id),
            "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN,
            "trigger_id": self.double.issue_trigger(user_id),
            **envelopes.interaction_fields(self.double.ws, self.team_of(user_id)),
        }

    async def submit_view(
        self, user_id: str, values: dict[str, Any], *, view_id: str | None = None
    ) -> DriverResponse:
        """Submit the user's top modal (or view_id) with these {block_id: value} inputs."""
        view = self._open_view(user_id, view_id)
        view["state"] = {"values": payloads.state_values(view, values)}
        payload = self._base_interaction("view_submission", user_id)
        payload.update(view=view, response_urls=[])
        response = await self._post_payload(payload)
        if response.status == 200:
            answer = response.json() if response.text.strip() else None
            body = answer if isinstance(answer, dict) else None
            self.double.apply_view_response(user_id, view["id"], body)
        return response

    async def close_view(
        self, user_id: str, *, view_id: str | None = None
    ) -> DriverResponse | None:
        """Close the modal; the bot hears `view_closed` only if the view asked (notify_on_close)."""
        view = self._open_view(user_id, view_id)
        self.double.close_view(user_id, view["id"])
        if not view.get("notify_on_close"):
            return None
        payload = self._base_interaction("view_closed", user_id)
        payload.update(view=view, is_cleared=False)
        return await self._post_payload(payload)

    def _open_view(self, user_id: str, view_id: str | None) -> dict[str, Any]:
        stack = self.double.open_views(user_id)
        view = next((v for v in stack if v["id"] == view_id), None) if view_id else None
        view = view or (stack[-1] if stack and not view_id else None)
        if view is None:
            raise AssertionError(f"{user_id} has no open view {view_id or ''}".strip())
        return view

    # -- events --------------------------------------------------------------------------
    async def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        team_id: str | None = None,
        where: Acting | None = None,
    ) -> DriverResponse:
        """Send an event as it happened in `team_id` (the driver's by default), or `where`."""
        ws = self.double.ws
        if where is None:
            team = team_id or self.team_id
            where = Acting(envelopes.serving(ws, team), team)
        envelope = envelopes.event_envelope(ws, event, where, event_id=event_id or self._event_id())
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        body = json.dumps(envelope)
        return await self.post_raw(body, content_type="application/json", headers=headers)

    def _event_id(self) -> str:
        return f"Ev{self.double.ws.ids.of('event').token_hex(5).upper()}"

    async def url_verification(self, challenge: str) -> DriverResponse:
        body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
        return await self.post_raw(json.dumps(body), content_type="application/json")

    def forward_events(self) -> None:
        """From now on, deliver the double's events to the bot, in order, as Slack would.

        Like Slack, only events from conversations the bot is a member of are sent.
        """
        if self._forwarder is not None:
            return

        async def forward(event: dict[str, Any], where: Acting | None) -> None:
            where = where or Acting(self.double.ws.installs.home, self.team_id)
            if self._bot_hears(event, where):
                await self._deliver(event, where)

        self._forwarder = forward
        self.double.ws.bus.subscribe_with_context(forward)

    async def _deliver(self, event: dict[str, Any], where: Acting) -> None:
        """One event, sent again (same event_id, X-Slack-Retry-Num) while the app answers
        anything but 200, as long as Slack would keep trying."""
        event_id = self._event_id()
        for retry in range(len(self.retry_delays) + 1):
            if retry:
                await asyncio.sleep(self.retry_delays[retry - 1])
            response = await self.event(
                event,
                event_id=event_id,
                retry_num=retry or None,
                retry_reason="http_error",
                where=where,
            )
            self.forwarded.append(response)
            if response.status == 200:
                return

    def _bot_hears(self, event: dict[str, Any], where: Acting) -> bool:
        """Slack only sends an installed app's bot the events of conversations it is in."""
        if where.install.revoked:
            return event.get("type") in envelopes.REMOVALS
        channel = self.double.ws.channels.get(str(event.get("channel", "")))
        return channel is None or where.install.bot.id in channel.members

    def stop_forwarding(self) -> None:
        if self._forwarder is not None:
            self.double.ws.bus.unsubscribe_with_context(self._forwarder)
            self._forwarder = None
