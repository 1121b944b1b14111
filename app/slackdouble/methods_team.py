"""team.info: our workspace, or a team a Slack Connect partner belongs to."""

from __future__ import annotations

from typing import Any

from app.slackdouble import grid
from app.slackdouble.args import Handler, text_arg
from app.slackdouble.errors import SlackError
from app.slackdouble.workspace import Workspace


def team_info(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    team = ws.teams.get(text_arg(args, "team") or ws.team_id)
    if team is None:
        raise SlackError("team_not_found")
    return {"team": grid.team_json(ws, team.id)}


METHODS: dict[str, Handler] = {"team.info": team_info}
