"""manifest.yml is a valid Slack app manifest and agrees with what the code registers."""

import json
from pathlib import Path

import pytest
import yaml

from app.settings import Settings
from app.slack import ids

ROOT = Path(__file__).resolve().parents[2]
# Slack's app-manifest JSON Schema, copied with its licence (MIT, Slack Technologies) from
# slackapi's published schema: tests/data/slack-manifest-schema/.
SCHEMA = ROOT / "tests" / "data" / "slack-manifest-schema" / "manifest.schema.1.0.0.json"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_matches_slack_schema(manifest: dict) -> None:
    import jsonschema

    jsonschema.validate(manifest, json.loads(SCHEMA.read_text()))


def test_commands_match_the_code(manifest: dict) -> None:
    commands = manifest["features"]["slash_commands"]
    assert {c["command"] for c in commands} == set(ids.COMMANDS)
    assert all(c["should_escape"] is True for c in commands)


def test_bot_events_match_the_code(manifest: dict) -> None:
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == set(ids.BOT_EVENTS)


def test_interactivity_home_and_socket_mode(manifest: dict) -> None:
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_scopes_are_the_ones_the_code_needs(manifest: dict) -> None:
    needed = {
        "commands",  # /crisis
        "chat:write",  # briefs, replies, DMs
        "groups:write",  # conversations.create (private), invite, setTopic, setPurpose
        "pins:write",  # pins.add on the brief
        "users:read",  # users.info: names, admin check
        "groups:history",  # message.groups events
        "groups:read",  # conversations.members, users.conversations: who may see a war room
        "im:write",  # conversations.open: a removed role holder's DM copies of cards
        "im:history",  # conversations.history of a DM: was this escalation already sent?
        "channels:history",  # message.channels events
        "files:read",  # the record downloads shared files (url_private, files.info)
        "files:write",  # /crisis export uploads the record (files_upload_v2)
        "reactions:read",  # reaction_added / reaction_removed in war rooms: the record
        "pins:read",  # pin_added / pin_removed in war rooms: the record
        "usergroups:read",  # usergroups.users.list: a playbook's groups to invite
        "team:read",  # team.info: the organisation of a Slack Connect partner, for the record
    }
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed


def test_env_example_documents_every_setting() -> None:
    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    aliases = {field.alias for field in Settings.model_fields.values()}
    assert aliases == documented


def test_record_events_are_registered_listeners(manifest: dict) -> None:
    """Every event the manifest subscribes to has a listener; the record's reactions and pins
    are among them."""
    from app.slack.listeners import reactions

    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert set(reactions.EVENTS) <= events
