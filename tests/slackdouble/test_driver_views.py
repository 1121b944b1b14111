"""SlackDriver.submit_view: Slack-shaped state values and response_action handling."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble, SlackDriver

from .fakebot import FakeBot
from .helpers import JAMES, MARIA


def incident_modal() -> dict[str, Any]:
    def block(block_id: str, label: str, element: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "input",
            "block_id": block_id,
            "label": {"type": "plain_text", "text": label},
            "element": element,
            "optional": True,
        }

    def option(value: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": value.title()}, "value": value}

    severity = {"type": "static_select", "action_id": "pick", "options": [option("sev1")]}
    return {
        "type": "modal",
        "callback_id": "declare",
        "private_metadata": '{"source": "command"}',
        "title": {"type": "plain_text", "text": "Declare"},
        "submit": {"type": "plain_text", "text": "Go"},
        "blocks": [
            block("summary", "Summary", {"type": "plain_text_input", "action_id": "text"}),
            block("severity", "Severity", severity),
            block("team", "Team", {"type": "multi_users_select", "action_id": "people"}),
            block("lead", "Lead", {"type": "users_select", "action_id": "lead"}),
            block("when", "When", {"type": "datepicker", "action_id": "date"}),
            block("notes", "Notes", {"type": "plain_text_input", "action_id": "notes"}),
            block(
                "region",
                "Region",
                {"type": "plain_text_input", "action_id": "r", "initial_value": "EU"},
            ),
        ],
    }


async def open_modal(double: SlackDouble, client: AsyncWebClient, user: str) -> str:
    trigger = double.issue_trigger(user)
    return str((await client.views_open(trigger_id=trigger, view=incident_modal()))["view"]["id"])


async def test_submit_view_builds_state_values_and_closes(
    double: SlackDouble, driver: SlackDriver, bot: tuple[FakeBot, str], client: AsyncWebClient
) -> None:
    view_id = await open_modal(double, client, MARIA)
    values = {
        "summary": "Customer data leak",
        "severity": "sev1",
        "team": [MARIA, JAMES],
        "lead": MARIA,
        "when": "2024-05-01",
    }
    response = await driver.submit_view(MARIA, values)
    assert response.status == 200
    payload = bot[0].received[0]
    assert payload["type"] == "view_submission"
    assert payload["view"]["id"] == view_id
    assert payload["view"]["callback_id"] == "declare"
    assert payload["view"]["private_metadata"] == '{"source": "command"}'
    state = payload["view"]["state"]["values"]
    assert state["summary"]["text"] == {"type": "plain_text_input", "value": "Customer data leak"}
    assert state["severity"]["pick"]["selected_option"] == {
        "text": {"type": "plain_text", "text": "Sev1"},
        "value": "sev1",
    }
    assert state["team"]["people"]["selected_users"] == [MARIA, JAMES]
    assert state["lead"]["lead"]["selected_user"] == MARIA
    assert state["when"]["date"]["selected_date"] == "2024-05-01"
    assert state["notes"]["notes"] == {"type": "plain_text_input", "value": None}
    assert state["region"]["r"]["value"] == "EU"
    assert double.open_views(MARIA) == []


async def test_submit_view_response_actions(
    double: SlackDouble, driver: SlackDriver, bot: tuple[FakeBot, str], client: AsyncWebClient
) -> None:
    fake = bot[0]
    await open_modal(double, client, MARIA)
    errors = {"response_action": "errors", "errors": {"summary": "Required"}}
    fake.reply = lambda parsed: web.json_response(errors)
    await driver.submit_view(MARIA, {})
    assert len(double.open_views(MARIA)) == 1
    done = {"type": "modal", "title": {"type": "plain_text", "text": "Done"}, "blocks": []}
    fake.reply = lambda parsed: web.json_response({"response_action": "update", "view": done})
    await driver.submit_view(MARIA, {"summary": "x"})
    assert [v["title"]["text"] for v in double.open_views(MARIA)] == ["Done"]
    with pytest.raises(AssertionError, match="no input block"):
        await driver.submit_view(MARIA, {"typo": "x"})
    await open_modal(double, client, JAMES)
    with pytest.raises(AssertionError, match="offers no option"):
        await driver.submit_view(JAMES, {"severity": "sev9"})
