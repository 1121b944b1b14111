"""What Slack puts around what a person did, for the workspace it happened in: the Events API
envelope, a slash command's team fields, an interaction's `team`/`enterprise`.

For a workspace of an Enterprise Grid org the envelope adds `enterprise_id` and
`context_enterprise_id`; `authorizations` names the installation the event is sent to, which
for an org-wide install has `team_id: null` and `is_enterprise_install: true`. The events
telling the app it was removed (`app_uninstalled`, `tokens_revoked`) come in a bare envelope:
the workspace (or, org-wide, only the org) and no `authorizations`.
"""

from __future__ import annotations

from typing import Any

from app.slackdouble.connect import ext_shared
from app.slackdouble.viewstore import APP_ID
from app.slackdouble.workspace import Workspace
from app.slackdouble.workspaces import Acting, Install

VERIFICATION_TOKEN = "crisisroom-verification-token"
REMOVALS = frozenset({"app_uninstalled", "tokens_revoked"})


def authorization(install: Install) -> dict[str, Any]:
    return {
        "enterprise_id": install.enterprise_id,
        "team_id": install.team_id,
        "user_id": install.bot.id,
        "is_bot": True,
        "is_enterprise_install": install.is_enterprise_install,
    }


def event_envelope(
    ws: Workspace, event: dict[str, Any], where: Acting, *, event_id: str
) -> dict[str, Any]:
    org = ws.installs.org_of(where.team_id)
    enterprise_id = org.id if org else None
    if event.get("type") in REMOVALS:
        return _removal(event, where.install, event_id, int(ws.wall()))
    envelope: dict[str, Any] = {"token": VERIFICATION_TOKEN, "team_id": where.team_id}
    if enterprise_id:
        envelope["enterprise_id"] = enterprise_id
    envelope.update(
        context_team_id=where.team_id,
        context_enterprise_id=enterprise_id,
        api_app_id=APP_ID,
        event=event,
        type="event_callback",
        event_id=event_id,
        event_time=int(ws.wall()),
        authorizations=[authorization(where.install)],
        is_ext_shared_channel=ext_shared(ws, event),
    )
    return envelope


def _removal(event: dict[str, Any], install: Install, event_id: str, now: int) -> dict[str, Any]:
    out: dict[str, Any] = {"token": VERIFICATION_TOKEN}
    if install.team_id is not None:
        out["team_id"] = install.team_id
    if install.enterprise_id is not None:
        out["enterprise_id"] = install.enterprise_id
    out.update(api_app_id=APP_ID, event=event, type="event_callback")
    return {**out, "event_id": event_id, "event_time": now}


def serving(ws: Workspace, team_id: str) -> Install:
    """The installation Slack sends a workspace's requests to (the first one if none)."""
    return ws.installs.serving(team_id) or ws.installs.home


def command_fields(ws: Workspace, team_id: str) -> dict[str, str]:
    """A slash command's team fields (enterprise ones only in a Grid org)."""
    team = ws.teams[team_id]
    fields = {"team_id": team_id, "team_domain": team.domain}
    org = ws.installs.org_of(team_id)
    if org is not None:
        fields.update(enterprise_id=org.id, enterprise_name=org.name)
    return fields


def interaction_fields(ws: Workspace, team_id: str) -> dict[str, Any]:
    """An interaction payload's `team`, `enterprise` and `is_enterprise_install`."""
    team: dict[str, Any] = {"id": team_id, "domain": ws.teams[team_id].domain}
    org = ws.installs.org_of(team_id)
    enterprise = None
    if org is not None:
        team.update(enterprise_id=org.id, enterprise_name=org.name)
        enterprise = {"id": org.id, "name": org.name}
    install = serving(ws, team_id)
    return {
        "team": team,
        "enterprise": enterprise,
        "is_enterprise_install": install.team_id is None,
    }
