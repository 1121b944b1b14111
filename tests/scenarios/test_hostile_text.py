"""Hostile text in every field a person types pings nobody and links nowhere, anywhere.

The seed crisis is played with `<!channel> <!subteam^S1> <@U0BADGUY> <https://evil…|x>` in
titles, drafts, reasons, notes, summaries, update and review fields and command arguments;
then every text field of every Web API call, response_url reply and view the bot produced is
searched for a live control sequence. Only the bot's own mentions of real people, its links
to the war rooms and Slack dates may appear.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from app.clock import FakeClock
from app.harness import Harness, start_harness
from app.harness.seed import ALEX, DAVID, MARIA, PEOPLE, ROBERT, SARAH
from app.incidents.models import Incident
from app.roles.models import Role
from app.slack import ids
from app.slackdouble.mentions import Allowed, double_escaped, live_sequences, sent_texts
from app.slackdouble.workspace import TEAM_DOMAIN
from tests.scenarios.approvals_helpers import click, propose
from tests.scenarios.conftest import crisis, last_private, seed_roles

HOSTILE = "<!channel> <!subteam^S1> <@U0BADGUY> <https://evil.example|x>"
MORE = "<!here> <!everyone> <#C0SECRET> <mailto:boss@evil.example|boss> & co"
EXECS = "C0EXECS01"
TAGS = (
    "Title",
    "Form title",
    "Summary",
    "Action",
    "Draft our fault",
    "Changes",
    "Revised",
    "Draft v2",
    "Done note",
    "Rejected",
    ids.UPDATE_CHANGED,
    ids.UPDATE_METRICS,
    "Resolved",
    "What",
    "Badly",
    "Follow-up",
    "Bot",
    "Gone",
)


@pytest.fixture
async def harness(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    running = await start_harness(
        database_url=f"sqlite:///{tmp_path / 'crisis.db'}",
        clock=clock,
        CRISIS_STAKEHOLDER_CHANNEL=EXECS,
    )
    bot = running.double.bot_user_id
    running.double.add_channel("exec-updates", members=[ROBERT.id, bot], id=EXECS)
    running.driver.forward_events()
    try:
        yield running
    finally:
        await running.stop()


def hostile(tag: str) -> str:
    return f"{tag} {HOSTILE} {MORE}"


async def incidents(harness: Harness) -> list[Incident]:
    async with harness.db() as session:
        return list((await session.exec(select(Incident).order_by(Incident.id))).all())


async def submit(harness: Harness, user: str, values: dict[str, object]) -> None:
    response = await harness.driver.submit_view(user, values)
    assert response.status == 200, response.text
    assert "errors" not in response.text, response.text
    await harness.settle()


async def bad_commands(harness: Harness, room: str) -> None:
    """Every command that quotes what was typed (or a name Slack holds) back in its refusal."""
    harness.double.add_user("U0EVILBOT", "evil", f"Bot {HOSTILE}", is_bot=True)
    harness.double.add_user("U0GONE", "gone", f"Gone {HOSTILE}", deleted=True)
    for text in (
        HOSTILE,
        "role add <!channel> <@U0MARIA>",
        "role add legal <!channel>",
        "role add legal <@U0BADGUY>",
        "role add legal <@U0EVILBOT>",
        "role add legal <@U0GONE>",
        "role <!here>",
        "role add",
        "status <!channel>",
        "status",
        "cadence <!here>",
        "cadence 5<!here>",
        "export <!channel>",
        "roles <!channel>",
    ):
        await crisis(harness, ALEX.id, text, channel=room)
    await crisis(harness, MARIA.id, f"propose {hostile('outside')}")  # not in a war room


async def open_both_ways(harness: Harness) -> Incident:
    await crisis(harness, MARIA.id, f"open {hostile('Title')}")
    await crisis(harness, MARIA.id, "open")
    await submit(
        harness,
        MARIA.id,
        {
            ids.OPEN_TITLE: hostile("Form title"),
            ids.OPEN_SEVERITY: "SEV1",
            ids.OPEN_KIND: "crisis",
            ids.OPEN_SUMMARY: hostile("Summary"),
        },
    )
    first, second = await incidents(harness)
    assert second.summary.startswith("Summary <!channel>")
    return first


async def approvals(harness: Harness, incident: Incident) -> None:
    action = await propose(
        harness,
        MARIA.id,
        incident,
        title=hostile("Action"),
        details=hostile("Draft our fault"),
        category="public_statement",
        owner=SARAH.id,
    )
    await click(harness, DAVID.id, action.id, ids.REQUEST_CHANGES, role=Role.LEGAL)
    await submit(harness, DAVID.id, {ids.REASON_INPUT: hostile("Changes")})
    await click(harness, MARIA.id, action.id, ids.REVISE)
    await submit(
        harness,
        MARIA.id,
        {ids.REVISE_TITLE: hostile("Revised"), ids.REVISE_DETAILS: hostile("Draft v2")},
    )
    await click(harness, ROBERT.id, action.id, ids.APPROVE, role=Role.EXEC)
    await click(harness, DAVID.id, action.id, ids.APPROVE, role=Role.LEGAL)
    if harness.double.open_views(DAVID.id):  # the wording guard asks to confirm
        await submit(harness, DAVID.id, {})
    await click(harness, SARAH.id, action.id, ids.MARK_DONE)
    await submit(harness, SARAH.id, {ids.DONE_NOTE: hostile("Done note")})
    other = await propose(
        harness, SARAH.id, incident, title=hostile("Other"), details="", category="other"
    )
    await click(harness, MARIA.id, other.id, ids.REJECT, role=Role.LEAD)
    await submit(harness, MARIA.id, {ids.REASON_INPUT: hostile("Rejected")})


async def updates_and_reminders(harness: Harness, incident: Incident) -> None:
    room = incident.channel_id
    await crisis(harness, MARIA.id, "update", channel=room)
    fields = (ids.UPDATE_CHANGED, ids.UPDATE_ACTIONS, ids.UPDATE_NEXT_STEPS, ids.UPDATE_METRICS)
    values: dict[str, object] = {field: hostile(field) for field in fields}
    await submit(harness, MARIA.id, {ids.UPDATE_STATUS: "responding", **values})
    await crisis(harness, MARIA.id, "status monitoring", channel=room)
    await crisis(harness, MARIA.id, "cadence 5s", channel=room)
    for _ in range(2):  # a nudge, then an escalation to Robert
        harness.clock.advance(timedelta(seconds=6))  # type: ignore[attr-defined]
        await harness.room.tick()
        await harness.settle()


async def resolve_and_review(harness: Harness, incident: Incident) -> None:
    room = incident.channel_id
    await crisis(harness, MARIA.id, "actions", channel=room)
    await crisis(harness, MARIA.id, f"resolve {hostile('Resolved')}", channel=room)
    await crisis(harness, MARIA.id, "review", channel=room)
    await submit(
        harness,
        MARIA.id,
        {
            ids.REVIEW_WHAT: hostile("What"),
            ids.REVIEW_WELL: hostile("Well"),
            ids.REVIEW_BADLY: hostile("Badly"),
            f"{ids.REVIEW_FOLLOW_UP}1": hostile("Follow-up")[:150],
            f"{ids.REVIEW_OWNER}1": SARAH.id,
            f"{ids.REVIEW_DUE}1": "2026-12-01",
        },
    )
    await crisis(harness, MARIA.id, "export md", channel=room)


async def home_and_lists(harness: Harness) -> None:
    for user in (MARIA.id, DAVID.id, ROBERT.id):
        event = {"type": "app_home_opened", "user": user, "tab": "home"}
        assert (await harness.driver.event(event)).status == 200
        await harness.settle()
    await crisis(harness, MARIA.id, "list")
    await crisis(harness, MARIA.id, "help")
    await crisis(harness, ALEX.id, f"role remove lead <@{MARIA.id}>")  # her cards are retired


async def test_hostile_text_pings_nobody_and_links_nowhere(harness: Harness) -> None:
    await seed_roles(harness)
    incident = await open_both_ways(harness)
    await bad_commands(harness, incident.channel_id)
    await approvals(harness, incident)
    await updates_and_reminders(harness, incident)
    await resolve_and_review(harness, incident)
    await home_and_lists(harness)

    sent = sent_texts(harness.double)
    allowed = Allowed(
        users={person.id for person in PEOPLE} | {harness.double.bot_user_id},
        channels={i.channel_id for i in await incidents(harness)} | {EXECS},
        link_prefixes=(harness.double.base_url, f"https://{TEAM_DOMAIN}.slack.com/files/"),
    )
    leaks = live_sequences(sent, allowed)
    assert not leaks, "\n".join(map(str, leaks))
    assert not double_escaped(sent), "\n".join(map(str, double_escaped(sent)))
    everything = "\n".join(s.text for s in sent)
    for tag in TAGS:
        assert f"{tag} &lt;!channel&gt; &lt;!subteam^S1&gt; &lt;@U0BADGUY&gt;" in everything, tag
    assert "&lt;https://evil.example|x&gt;" in everything and "&amp; co" in everything


async def test_help_and_usage_lines_show_placeholders_as_typed(harness: Harness) -> None:
    await crisis(harness, MARIA.id, "help")
    help_line = harness.double.ephemerals(MARIA.id)[-1]
    assert "`/crisis open &lt;title&gt;`" in help_line.text
    assert "`/crisis open &lt;title&gt;`" in str(help_line.blocks)
    shown = harness.double.render(help_line.blocks)
    assert "/crisis open <title>" in shown
    assert "/crisis status <investigating|responding|monitoring>" in shown
    assert "/crisis export [html|md|jsonl|csv]" in shown
    assert "/crisis role add <role> @person" in shown
    await crisis(harness, ALEX.id, "role")
    assert "&lt;role&gt;" in last_private(harness, ALEX.id)
    await crisis(harness, ALEX.id, "status")
    assert "&lt;investigating|responding|monitoring&gt;" in last_private(harness, ALEX.id)
    await crisis(harness, ALEX.id, "bogus <!channel>")
    refusal = last_private(harness, ALEX.id)
    assert "`/crisis bogus`" in refusal and "<!channel>" not in refusal
    await crisis(harness, ALEX.id, "<!channel>")
    assert "`/crisis &lt;!channel&gt;`" in last_private(harness, ALEX.id)
    await crisis(harness, ALEX.id, "role add <!channel> <@U0MARIA>")
    assert "`&lt;!channel&gt;` is not a role" in last_private(harness, ALEX.id)
