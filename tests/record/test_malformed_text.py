"""One malformed character never blocks anything: a lone surrogate or a NUL anywhere in an event
is stored as U+FFFD, noted in the entry, and the record, its exports and the other incidents
carry on. On SQLite and on PostgreSQL (which refuses NUL in text)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import DAVID, MARIA
from app.incidents.models import Incident
from app.record.verify import verify_incident
from app.slackdouble.workspace import Message
from tests.conftest import BACKENDS
from tests.databases import harness_on
from tests.record.scenario import by_key, open_war_room, record_of, said, settle_all
from tests.scenarios.conftest import crisis

SURROGATE = json.loads('"\\ud83d"')  # half an emoji, as Slack's JSON "\ud83d" decodes
NUL = "\x00"
FFFD = "\ufffd"
ODD = "U0ODDNAME"


@pytest.fixture(params=BACKENDS)
async def harness(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[Harness]:
    async with harness_on(request.param, tmp_path, clock=clock) as running:
        yield running


async def second_war_room(harness: Harness) -> Incident:
    await crisis(harness, MARIA.id, "open Second front: supplier leak")
    await settle_all(harness)
    async with harness.db() as session:
        found = await session.exec(select(Incident).where(Incident.title.contains("Second")))
        return found.one()


def forged(harness: Harness, room: str, **fields: Any) -> dict[str, Any]:
    """A message event in Slack's shape, as an integration or a bad client could send it."""
    ts = harness.double.ws.next_ts()
    event = {"type": "message", "channel": room, "channel_type": "group", "ts": ts}
    return {**event, "event_ts": ts, **fields}


async def send_malformed(harness: Harness, room: str) -> dict[str, str]:
    """Every place a bad character can hide: text and blocks, an edit, attachments, a person's
    name, a file's name. Returns the dedupe key of each entry it should make."""
    double = harness.double
    double.add_user(ODD, "odd", f"Jor{SURROGATE}dan{NUL}")
    said_ts = double.post_as(MARIA.id, room, f"Apology draft {SURROGATE} v1{NUL}")
    double.edit_as(MARIA.id, room, said_ts, f"Apology draft v2 {SURROGATE}")
    attached = forged(
        harness,
        room,
        user=ODD,
        text=f"see{NUL}",
        attachments=[{"fallback": SURROGATE, "text": f"quote{NUL}", "title": "ok"}],
    )
    upload = double.post_as(MARIA.id, room, "figures", files=[("figures.csv", b"a,b\n", None)])
    file_event = double.message(room, upload).to_slack()  # type: ignore[union-attr]
    file_event["files"][0].update(name=f"fig{SURROGATE}.csv", title=f"Q3{NUL}")
    renamed = {**file_event, "ts": double.ws.next_ts(), "channel": room, "channel_type": "group"}
    for event in (attached, renamed):
        assert (await harness.driver.event(event)).status == 200
    await settle_all(harness)
    edited = double.message(room, said_ts).edited  # type: ignore[union-attr]
    assert edited is not None
    return {
        "post": f"post:{room}:{said_ts}",
        "edit": f"edit:{room}:{said_ts}:{edited['ts']}",
        "attachment": f"post:{room}:{attached['ts']}",
        "file": f"post:{room}:{renamed['ts']}",
    }


async def test_bad_characters_are_replaced_noted_and_the_chain_verifies(
    harness: Harness,
) -> None:
    incident = await open_war_room(harness)
    room = incident.channel_id
    keys = await send_malformed(harness, room)
    rows = await record_of(harness, incident.id)

    post, edit = by_key(rows, keys["post"]), by_key(rows, keys["edit"])
    assert said(post) == f"Apology draft {FFFD} v1{FFFD}"
    assert post["body"]["sanitized"] == {"lone_surrogate": 2, "nul": 2}  # text and its block
    assert said(edit) == f"Apology draft v2 {FFFD}" and edit["body"]["sanitized"]
    odd = by_key(rows, keys["attachment"])
    assert odd["user_name"] == f"Jor{FFFD}dan{FFFD}"
    assert odd["body"]["message"]["attachments"][0] == {
        "fallback": FFFD,
        "text": f"quote{FFFD}",
        "title": "ok",
    }
    [item] = by_key(rows, keys["file"])["body"]["message"]["files"]
    assert item["name"] == f"fig{FFFD}.csv" and item["title"] == f"Q3{FFFD}"
    assert item["stored"] is True  # the bytes were still downloaded and kept
    assert all(NUL not in row["content"] and SURROGATE not in row["content"] for row in rows)
    assert (await verify_incident(harness.db, incident.id)).intact

    later = harness.double.post_as(MARIA.id, room, "Statement is live")
    other = await second_war_room(harness)
    elsewhere = harness.double.post_as(MARIA.id, other.channel_id, "Supplier contacted")
    await settle_all(harness)
    assert said(by_key(await record_of(harness, incident.id), f"post:{room}:{later}"))
    assert said(by_key(await record_of(harness, other.id), f"post:{other.channel_id}:{elsewhere}"))
    for done in (incident, other):
        assert (await verify_incident(harness.db, done.id)).intact


async def test_every_export_format_carries_the_replaced_text(harness: Harness) -> None:
    incident = await open_war_room(harness)
    room = incident.channel_id
    await send_malformed(harness, room)

    for fmt in ("html", "md", "jsonl", "csv"):
        await crisis(harness, DAVID.id, f"export {fmt}", channel=room)
    await settle_all(harness)

    shared = [m for m in harness.double.messages(room) if m.files and m.user != MARIA.id]
    documents = [f for m in shared for f in m.files if not f.name.endswith(".manifest.json")]
    exported = {f.name.rsplit(".", 1)[1]: f.content for f in documents}
    assert set(exported) == {"html", "md", "jsonl", "csv"}
    for fmt, content in exported.items():
        assert content is not None and FFFD in content.decode("utf-8"), fmt
    assert (await verify_incident(harness.db, incident.id)).intact


async def test_reconcile_at_start_carries_on_past_a_broken_incident(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    broken = await open_war_room(harness)
    healthy = await second_war_room(harness)
    harness.driver.stop_forwarding()  # the bot is down
    garbled = Message(ts="1e3", channel=broken.channel_id, user=MARIA.id, text="??")
    harness.double.channel(broken.channel_id).messages.append(garbled)  # a ts we cannot read
    missed = harness.double.post_as(MARIA.id, healthy.channel_id, f"Missed {SURROGATE}{NUL}")
    plain = harness.double.post_as(MARIA.id, healthy.channel_id, "Missed, plain")
    await harness.double.settle()

    with caplog.at_level(logging.ERROR, logger="app.flows.reconcile"):
        await harness.room.start()  # the bot is back: it reconciles every open incident
        assert harness.room.recovery is not None and await harness.room.recovery == 2
    assert f"reconciling {broken.ref} failed" in caplog.text

    rows = await record_of(harness, healthy.id)
    recovered = by_key(rows, f"post:{healthy.channel_id}:{missed}")
    assert recovered["recovered"] and said(recovered) == f"Missed {FFFD}{FFFD}"
    assert recovered["body"]["sanitized"] == {"lone_surrogate": 2, "nul": 2}
    assert said(by_key(rows, f"post:{healthy.channel_id}:{plain}")) == "Missed, plain"
    assert (await verify_incident(harness.db, healthy.id)).intact

    harness.driver.forward_events()  # the broken incident can still be exported
    await crisis(harness, DAVID.id, "export md", channel=broken.channel_id)
    uploads = [m for m in harness.double.messages(broken.channel_id) if m.files]
    assert uploads and uploads[-1].files[0].name == f"{broken.ref}-record.md"


async def test_a_nul_typed_into_a_command_never_blocks_it(harness: Harness) -> None:
    """Commands and forms are cleaned before any listener reads them (PostgreSQL refuses NUL)."""
    await crisis(harness, MARIA.id, f"open Recall{NUL} of batch 7")
    async with harness.db() as session:
        incident = (await session.exec(select(Incident))).one()
    assert incident.title == f"Recall{FFFD} of batch 7"
