"""Installed by OAuth in two workspaces (issue 16): each one's Home tab, roles and records stay
its own, and the bot works the same over Socket Mode (one app-level link, many workspaces)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.clock import FakeClock
from app.harness import Harness, start_harness
from app.harness.seed import MARIA
from tests.scenarios.conftest import crisis, last_private
from tests.scenarios.oauth_workspaces import AGENCY, IVY, OMAR, both_installed
from tests.scenarios.test_home import open_home
from tests.scenarios.test_oauth_install import by_title


@pytest.fixture(params=["http", "socket_mode"])
async def installed(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[Harness]:
    url = f"sqlite:///{tmp_path / 'oauth.db'}"
    socket = request.param == "socket_mode"
    running = await start_harness(database_url=url, clock=clock, oauth=True, socket_mode=socket)
    try:
        yield running
    finally:
        await running.stop()


async def test_home_roles_and_records_stay_in_their_workspace(installed: Harness) -> None:
    await both_installed(installed)
    await crisis(installed, MARIA.id, "open Recall at home")
    await crisis(installed, IVY.id, "open Agency client post")
    found = await by_title(installed)
    home, agency = found["Recall at home"], found["Agency client post"]

    ivy_home = await open_home(installed, IVY.id, AGENCY)  # published with the agency's token
    assert "Agency client post" in ivy_home and "Recall at home" not in ivy_home
    maria_home = await open_home(installed, MARIA.id, installed.double.team_id)
    assert "Recall at home" in maria_home and "Agency client post" not in maria_home

    await crisis(installed, OMAR.id, "roles")  # the agency admin sees the agency's roles
    seen = installed.double.ephemerals(OMAR.id)[-1]
    roles = f"{seen.text} {json.dumps(seen.blocks)}"
    assert IVY.id in roles and MARIA.id not in roles

    await crisis(installed, OMAR.id, "export md", channel=home.channel_id)  # forged: not his
    assert home.ref not in last_private(installed, OMAR.id)
    assert not [f for m in installed.double.messages(home.channel_id) for f in m.files]
    assert agency.team_id == AGENCY
