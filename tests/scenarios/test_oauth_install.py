"""Installed by OAuth in two workspaces (issue 16), through signed requests into the real app:
each workspace installs the bot at /slack/install, is served with its own token, and sees
only its own incidents; uninstalling it from one stops that one only and is recorded."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import ClientSession
from sqlalchemy import text
from sqlmodel import select

from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import ALEX, MARIA
from app.incidents.models import Incident
from app.record.models import RecordEntry
from app.slack.oauth import REDIRECT_PATH
from tests.conftest import BACKENDS
from tests.databases import harness_on
from tests.scenarios.conftest import crisis, last_private
from tests.scenarios.oauth_workspaces import AGENCY, IVY, OMAR, add_agency, both_installed, install
from tests.scenarios.test_grid_org import listed


@pytest.fixture(params=BACKENDS)
async def installed(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[Harness]:
    """Installed by OAuth, on SQLite and on PostgreSQL (slack-sdk's store on our engine)."""
    async with harness_on(request.param, tmp_path, clock=clock, oauth=True) as running:
        yield running


async def by_title(harness: Harness) -> dict[str, Incident]:
    async with harness.db() as session:
        return {i.title: i for i in (await session.exec(select(Incident))).all()}


async def bots(harness: Harness) -> list[str]:
    async with harness.db() as session:
        rows = await session.exec(text("SELECT team_id FROM slack_bots ORDER BY team_id"))  # type: ignore[call-overload]
        return [str(row[0]) for row in rows.all()]


async def test_before_it_is_installed_a_command_says_how_to_install(installed: Harness) -> None:
    await crisis(installed, MARIA.id, "list")
    told = last_private(installed, MARIA.id)
    assert "/slack/install" in told and "not installed in this workspace" in told


async def test_each_workspace_is_served_with_its_own_token(installed: Harness) -> None:
    await both_installed(installed)
    double = installed.double
    assert await bots(installed) == sorted([double.team_id, AGENCY])
    await crisis(installed, MARIA.id, "open Recall at home")
    await crisis(installed, IVY.id, "open Agency client post")
    found = await by_title(installed)
    home, agency = found["Recall at home"], found["Agency client post"]
    assert (home.team_id, agency.team_id) == (double.team_id, AGENCY)
    agency_room = double.channel(agency.channel_id)
    assert agency_room.teams[0] == AGENCY
    assert agency_room.creator == double.bot_user_id_in(AGENCY)
    assert double.channel(home.channel_id).creator == double.bot_user_id_in(double.team_id)
    posters = {m.user for m in double.messages(agency.channel_id) if m.bot_id}
    assert posters == {double.bot_user_id_in(AGENCY)}

    ivy, omar, alex = [await listed(installed, who) for who in (IVY.id, OMAR.id, ALEX.id)]
    assert "Agency client post" in ivy and "Recall at home" not in ivy
    assert "Agency client post" in omar and "Recall at home" not in omar  # their admin
    assert "Recall at home" in alex and "Agency client post" not in alex

    installed.clock.advance(timedelta(hours=3))  # every cadence missed: nudges in both
    await installed.room.tick()
    await installed.settle_all()
    nudged = [m for m in double.messages(agency.channel_id) if "update" in m.text.lower()]
    assert nudged and {m.user for m in nudged} == {double.bot_user_id_in(AGENCY)}


async def test_uninstalling_one_workspace_stops_that_one_only(installed: Harness) -> None:
    await both_installed(installed)
    double = installed.double
    await crisis(installed, MARIA.id, "open Recall at home")
    await crisis(installed, IVY.id, "open Agency client post")
    installed.driver.forward_events()
    double.uninstall(AGENCY)
    await installed.settle_all()
    assert await bots(installed) == [double.team_id]
    found = await by_title(installed)
    async with installed.db() as session:
        entries = (await session.exec(select(RecordEntry))).all()
    stopped = [
        e.incident_id
        for e in entries
        if e.kind == "action" and json.loads(e.content)["action"].startswith("workspace.")
    ]
    assert stopped == [found["Agency client post"].id]  # once, in its record; not the other's

    await crisis(installed, MARIA.id, "open Second at home")  # the other workspace goes on
    assert "Second at home" in await by_title(installed)
    home = found["Recall at home"].channel_id
    calls, posts = len(double.calls), len(double.messages(home))
    installed.clock.advance(timedelta(hours=3))
    await installed.room.tick()  # the agency's overdue incident is skipped, not a crash
    await installed.settle_all()
    dead = {"account_inactive", "token_revoked", "invalid_auth", "not_authed"}
    assert not [c for c in double.calls[calls:] if c.error in dead]  # its token is not tried
    assert len(double.messages(home)) > posts  # the other workspace is still nudged


async def test_a_forged_or_stale_return_from_slack_installs_nothing(installed: Harness) -> None:
    """Back at /slack/oauth_redirect without the install's own state (no cookie, a state this
    bot never issued, or none): refused with a 4xx page, and nothing is installed."""
    add_agency(installed)
    code = installed.double.consent(AGENCY, OMAR.id, scopes=["commands"], state="forged")
    url = installed.http_url + REDIRECT_PATH
    async with ClientSession() as browser:
        for query in (f"?code={code}&state=forged", f"?code={code}"):
            async with browser.get(url + query) as answer:
                assert 400 <= answer.status < 500, (query, answer.status)
        async with browser.get(url + "?error=access_denied") as answer:  # they cancelled
            assert "access_denied" in await answer.text()
    assert await bots(installed) == []


async def test_an_admin_installs_again_after_an_uninstall(installed: Harness) -> None:
    add_agency(installed)
    assert await install(installed, AGENCY, OMAR.id) == 200
    installed.driver.forward_events()
    installed.double.uninstall(AGENCY)
    await installed.settle_all()
    assert await bots(installed) == []
    await crisis(installed, IVY.id, "list")
    assert "not installed in this workspace" in last_private(installed, IVY.id)
    assert await install(installed, AGENCY, OMAR.id) == 200
    await crisis(installed, IVY.id, "open After reinstall")
    assert (await by_title(installed))["After reinstall"].team_id == AGENCY
