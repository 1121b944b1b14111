"""The bot token goes only to Slack: a file whose link (or redirect) leads anywhere else is
recorded by its details only, and the foreign host never hears from the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from app.harness import BOT_TOKEN, Harness
from app.harness.seed import MARIA
from app.incidents.models import Incident
from tests.record.scenario import by_key, open_war_room, record_of, settle_all


@dataclass
class Foreign:
    """A host that is not Slack, listening on 127.0.0.1: it notes every request it gets."""

    url: str = ""
    seen: list[dict[str, str]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.seen.append({"path": request.path, **request.headers})
        return web.Response(body=b"thank you for the token", content_type="text/plain")

    def saw_token(self) -> bool:
        return any(BOT_TOKEN in value for headers in self.seen for value in headers.values())


@pytest.fixture
async def foreign() -> AsyncIterator[Foreign]:
    host = Foreign()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", host.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield host
    await runner.cleanup()


def foreign_port(foreign: Foreign) -> str:
    return foreign.url.rsplit(":", 1)[1]


async def shared_file_event(harness: Harness, incident: Incident, **file: Any) -> dict[str, Any]:
    """The message event of a file Maria shares, as Slack sends it, with `file` fields
    changed (so a forged event can point its link anywhere). The real event is not sent."""
    harness.driver.stop_forwarding()
    room = incident.channel_id
    ts = harness.double.post_as(MARIA.id, room, "see attached", files=[("memo.txt", b"x", None)])
    await harness.double.settle()
    message = harness.double.message(room, ts)
    assert message is not None
    event = message.to_slack()
    event["files"][0].update(file)
    event.update(channel=room, channel_type="group", event_ts=ts)
    return event


def file_of(rows: list[dict[str, Any]], room: str, ts: str) -> dict[str, Any]:
    row = by_key(rows, f"post:{room}:{ts}")
    assert row["kind"] == "file"
    [item] = row["body"]["message"]["files"]
    return item


async def test_a_forged_link_to_another_host_is_never_requested(
    harness: Harness, foreign: Foreign
) -> None:
    incident = await open_war_room(harness)
    link = f"{foreign.url}/files-pri/T0CRISIS-F1/memo.txt"
    event = await shared_file_event(harness, incident, url_private=link, url_private_download=link)
    response = await harness.driver.event(event)
    await harness.settle()

    assert response.status == 200
    item = file_of(await record_of(harness, incident.id), incident.channel_id, event["ts"])
    assert item["stored"] is False and "sha256" not in item
    assert item["name"] == "memo.txt" and item["user"] == MARIA.id
    reason = item["not_stored_because"]
    assert f"outside Slack (127.0.0.1:{foreign_port(foreign)})" in reason
    assert "the bot token was not sent" in reason
    assert foreign.seen == [] and not foreign.saw_token()


async def test_a_remote_file_is_recorded_by_its_details_only(
    harness: Harness, foreign: Foreign
) -> None:
    incident = await open_war_room(harness)
    remote = {  # the shape files.remote.info documents for a remote file
        "mimetype": "application/vnd.slack-remote",
        "filetype": "remote",
        "mode": "external",
        "is_external": True,
        "external_type": "app",
        "size": 0,
        "url_private": f"{foreign.url}/document/d/1",
    }
    event = await shared_file_event(harness, incident, **remote)
    event["files"][0].pop("url_private_download")
    await harness.driver.event(event)
    await harness.settle()

    item = file_of(await record_of(harness, incident.id), incident.channel_id, event["ts"])
    assert item["stored"] is False and item["is_external"] is True
    assert "external (app) file that Slack does not host" in item["not_stored_because"]
    assert foreign.seen == []


async def test_a_redirect_away_from_slack_is_not_followed(
    harness: Harness, foreign: Foreign
) -> None:
    incident = await open_war_room(harness)
    room, double = incident.channel_id, harness.double
    ts = double.post_as(MARIA.id, room, "figures", files=[("figures.csv", b"a,b\n1,2\n", None)])
    message = double.message(room, ts)
    assert message is not None
    double.redirect_download(message.files[0].id, f"{foreign.url}/collect")
    await settle_all(harness)

    item = file_of(await record_of(harness, incident.id), room, ts)
    assert item["stored"] is False
    reason = item["not_stored_because"]
    assert f"redirected the download to 127.0.0.1:{foreign_port(foreign)}, outside Slack" in reason
    assert "not followed" in reason and "not sent there" in reason
    assert foreign.seen == [] and not foreign.saw_token()


async def test_redirects_within_slack_are_followed_a_few_times_at_most(harness: Harness) -> None:
    incident = await open_war_room(harness)
    room, double = incident.channel_id, harness.double
    harness.driver.stop_forwarding()
    real = double.post_as(MARIA.id, room, "v2", files=[("v2.txt", b"version two", None)])
    moved = double.post_as(MARIA.id, room, "moved", files=[("v1.txt", b"version one", None)])
    looping = double.post_as(MARIA.id, room, "loop", files=[("loop.txt", b"never", None)])
    target, moved_file, loop_file = (
        double.message(room, ts).files[0] for ts in (real, moved, looping)
    )
    double.redirect_download(moved_file.id, target.url_private)
    double.redirect_download(loop_file.id, loop_file.url_private)
    await double.settle()
    harness.driver.forward_events()
    for ts in (moved, looping):
        event = {**double.message(room, ts).to_slack(), "channel": room, "channel_type": "group"}
        await harness.driver.event(event)
    await harness.settle()

    rows = await record_of(harness, incident.id)
    followed = file_of(rows, room, moved)
    assert followed["stored"] is True and followed["size"] == len(b"version two")
    assert "more than 3 times" in file_of(rows, room, looping)["not_stored_because"]
