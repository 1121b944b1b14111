"""Which workspace a request came from (issue 16): the team a new row belongs to.

Read from the payload the way Bolt reads it for its own context: a slash command's `team_id`
and `enterprise_id` (the latter only in an Enterprise Grid workspace), an interaction's `team`
and `enterprise` (or `user.team_id` when an org-wide install leaves `team` null), and so on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt.request.internals import extract_enterprise_id, extract_team_id

from app.slack.gateway_core import GatewayCore
from app.store.workspace import Owned, Workspace


def installed_team(gateway: GatewayCore) -> Workspace:
    """The workspace the bot's token belongs to (auth.test at start)."""
    return Workspace(gateway.team_id, gateway.enterprise_id)


def team_of(row: Owned, gateway: GatewayCore) -> Workspace:
    """The workspace `row` (an incident, an action) belongs to; the installed one for a row
    from before issue 16 that has none yet."""
    return Workspace.of(row) or installed_team(gateway)


def request_team(payload: Mapping[str, Any], gateway: GatewayCore) -> Workspace:
    """The workspace `payload` came from; the installed one when it names none."""
    body = dict(payload)
    team = extract_team_id(body)
    if not team:
        return installed_team(gateway)
    enterprise = extract_enterprise_id(body)
    if enterprise is None and team == gateway.team_id:
        enterprise = gateway.enterprise_id
    return Workspace(team, enterprise)
