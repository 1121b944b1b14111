"""Who may see a war room: its members and workspace admins. Mallory (Jordan, in #general and
in no war room) learns nothing, not even that an incident or action exists."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from app.approvals.models import Action
from app.flows.card_retire import retired_text
from app.harness import Harness
from app.harness.seed import ALEX, DAVID, JORDAN, MARIA, ROBERT
from app.incidents.models import Incident
from app.incidents.visibility import NONE_VISIBLE, NOT_VISIBLE
from app.roles.models import Role
from app.slack import ids
from tests.scenarios.approvals_helpers import (
    click,
    copies,
    open_seed_incident,
    propose,
    seed_apology,
    state,
)
from tests.scenarios.conftest import crisis, last_private
from tests.scenarios.test_home import open_home

MALLORY = JORDAN.id
TITLE = "Customer-service video going viral"


async def forged_click(
    harness: Harness, user: str, action_id: str, *, value: str, block_id: str
) -> None:
    """A block_actions request for a button `user` was never shown, signed like Slack's."""
    general = harness.general
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": "jordan", "name": "jordan", "team_id": "T0CRISIS"},
        "api_app_id": "A0CRISISROOM",
        "token": "verification-token",
        "trigger_id": harness.double.issue_trigger(user),
        "team": {"id": harness.double.team_id, "domain": "crisisroom-demo"},
        "container": {"type": "message", "message_ts": "1.000001", "channel_id": general},
        "channel": {"id": general, "name": "general"},
        "response_url": harness.double.new_response_url(user, general),
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "type": "button",
                "value": value,
                "text": {"type": "plain_text", "text": "Approve"},
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    response = await harness.driver.post_raw(urlencode({"payload": json.dumps(payload)}))
    assert response.status == 200, response.text
    await harness.settle()


async def apology(harness: Harness) -> tuple[Incident, Action]:
    return await seed_apology(harness, details="We are sorry.")


async def test_mallory_is_told_nothing_exists(harness: Harness) -> None:
    incident, _ = await apology(harness)
    await crisis(harness, MALLORY, "list")
    assert last_private(harness, MALLORY) == NONE_VISIBLE
    await crisis(harness, MALLORY, "actions")
    refusal = last_private(harness, MALLORY)
    assert "not in any open war room" in refusal
    assert incident.ref not in refusal and incident.channel_id not in refusal
    home = await open_home(harness, MALLORY)
    assert TITLE not in home and incident.ref not in home and "CEO apology" not in home


async def test_members_and_admins_see_the_incident(harness: Harness) -> None:
    incident, _ = await apology(harness)
    assert ALEX.id not in harness.double.channel(incident.channel_id).members
    for person in (DAVID.id, ALEX.id):  # a member, and an admin outside the room
        await crisis(harness, person, "list")
        assert "1 active incident(s)" in last_private(harness, person)
        await crisis(harness, person, "actions")
        assert f"{incident.ref} <#{incident.channel_id}>" in last_private(harness, person)
        assert TITLE in await open_home(harness, person)


async def test_forged_clicks_reveal_nothing_and_change_nothing(harness: Harness) -> None:
    _, action = await apology(harness)
    block = f"{ids.CARD_DECIDE}legal"
    await forged_click(harness, MALLORY, ids.APPROVE, value=f"{action.id}:1:legal", block_id=block)
    real = last_private(harness, MALLORY)
    await forged_click(harness, MALLORY, ids.APPROVE, value="99:1:legal", block_id=block)
    missing = last_private(harness, MALLORY)
    assert real == missing and real.endswith(NOT_VISIBLE)
    await forged_click(harness, MALLORY, ids.REVISE, value=str(action.id), block_id="x")
    assert last_private(harness, MALLORY).endswith(NOT_VISIBLE)
    await forged_click(harness, MALLORY, ids.POST_UPDATE, value="1", block_id="x")
    assert last_private(harness, MALLORY).endswith(NOT_VISIBLE)
    assert await state(harness, action.id) == "pending"
    assert not harness.double.open_views(MALLORY)


async def test_cards_go_by_dm_only_to_holders_in_the_war_room(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    harness.double.leave_as(DAVID.id, incident.channel_id)
    await propose(
        harness,
        MARIA.id,
        incident,
        title="CEO apology",
        details="Sorry.",
        category="public_statement",
    )
    assert not [m for m in harness.double.dms(DAVID.id) if "CEO apology" in m.text]
    assert [m for m in harness.double.dms(ROBERT.id) if "CEO apology" in m.text]


async def test_a_removed_role_holder_stops_getting_the_card(harness: Harness) -> None:
    incident, action = await apology(harness)
    dm = harness.double.dm_channel(DAVID.id)
    assert dm is not None
    [david_copy] = [c for c in await copies(harness, action.id) if c.channel_id == dm.id]
    await crisis(harness, ALEX.id, f"role remove legal <@{DAVID.id}|david>")
    reply = last_private(harness, ALEX.id)
    assert "Removed <@U0DAVID> from *legal*" in reply and "lead's call" in reply
    retired = harness.double.message(dm.id, david_copy.ts)
    assert retired is not None
    assert retired.text == retired_text(action.ref, Role.LEGAL) and not retired.blocks
    assert "sorry" not in retired.text.lower()
    assert david_copy.ts not in {c.ts for c in await copies(harness, action.id)}
    await click(harness, ROBERT.id, action.id, ids.APPROVE, role=Role.EXEC)
    after = harness.double.message(dm.id, david_copy.ts)
    assert after is not None and after.text == retired.text  # no longer updated
    assert "CEO apology" not in await open_home(harness, DAVID.id)
    assert DAVID.id in harness.double.channel(incident.channel_id).members


async def test_an_admin_of_a_slack_connect_partner_is_no_admin_here(harness: Harness) -> None:
    """Acme PR's workspace admin, met through Slack Connect, sees no war room they are not in:
    users.info says is_admin, but of their own workspace."""
    incident, _ = await apology(harness)
    harness.double.add_external_user("U0ACMEADM", "dana", team_id="T0ACMEPR", team_name="Acme PR")
    harness.double.ws.users["U0ACMEADM"].is_admin = True
    await crisis(harness, "U0ACMEADM", "list")
    assert last_private(harness, "U0ACMEADM") == NONE_VISIBLE
    assert TITLE not in await open_home(harness, "U0ACMEADM")
    assert incident.ref not in await open_home(harness, "U0ACMEADM")
