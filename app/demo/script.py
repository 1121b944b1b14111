"""The scenes of the demo, in the order the seed's email thread tells them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.approvals import queries as action_queries
from app.demo import script_approvals as approvals
from app.demo import script_cadence as cadence
from app.demo import script_metrics as metrics
from app.demo import script_peacetime as peacetime
from app.demo import script_record as record
from app.demo.transcript import narrate
from app.harness import Harness
from app.harness.seed import ALEX, INCIDENT_SUMMARY, INCIDENT_TITLE, JORDAN, MARIA, STANDING
from app.home.facts import recently_resolved
from app.incidents import service as incidents

Scene = tuple[str, Callable[[Harness], Awaitable[None]]]


async def say(harness: Harness, user: str, text: str) -> None:
    narrate(harness, user, "#general", "types", f"/crisis {text}")
    await harness.driver.command(user, text, channel_id=harness.general)
    await harness.settle_all()


async def scene_roles(harness: Harness) -> None:
    for person in STANDING:
        assert person.role is not None
        await say(harness, ALEX.id, f"role add {person.role.value} <@{person.id}|{person.handle}>")


async def scene_open(harness: Harness) -> None:
    harness.clock.set(peacetime.CRISIS_DAY)  # type: ignore[attr-defined]
    await say(harness, MARIA.id, "open")
    kind = "service_failure_viral"
    narrate(
        harness, MARIA.id, "modal", "submits", f"SEV1 crisis, playbook {kind}: {INCIDENT_TITLE}"
    )
    await harness.driver.submit_view(
        MARIA.id,
        {
            "open_title": INCIDENT_TITLE,
            "open_severity": "SEV1",
            "open_kind": "crisis",
            "open_playbook": kind,
            "open_summary": INCIDENT_SUMMARY,
            "open_invitees": [JORDAN.id],
        },
    )
    await harness.settle_all()


SCENES: list[Scene] = [
    ("Peacetime, 2 October: Alex, a workspace admin, gives the standing roles", scene_roles),
    (
        "Peacetime: Maria adds a holding statement to the library; Legal and the CEO approve it",
        peacetime.scene_library,
    ),
    ("21 November: Maria opens the war room with the seed's playbook", scene_open),
    (
        "Sarah uses the approved apology unchanged; Maria alone confirms it and ticks a step",
        peacetime.scene_holding,
    ),
    (
        "The listening tool's feed: views past 1M, sentiment down 40% in two hours",
        metrics.scene_storm,
    ),
    ("Robert (CEO) approves what is his to approve", approvals.scene_ceo),
    ("David (General Counsel) asks for changes to the apology", approvals.scene_legal),
    ("Maria revises the apology; David and Robert approve it", approvals.scene_revise),
    ("Lisa (CMO) approves the ad pause and the influencers", approvals.scene_marketing),
    ("Robert (CEO), who owns the apology, marks it done", approvals.scene_done),
    ("Sarah types the CEO video's views by hand: 150K", metrics.scene_ceo_video),
    ("Maria sets a drill cadence and posts the first update", cadence.scene_first_update),
    ("The next update is missed: a nudge, then an escalation to Robert", cadence.scene_missed),
    ("Maria posts the update from the nudge, which clears it", cadence.scene_cleared),
    ("The war room talks: a thread, an edit, a deletion, a file", record.scene_talk),
    ("Overnight, sentiment recovers: monitoring can step down", metrics.scene_recovery),
    ("Maria resolves the incident; the final record is exported", record.scene_resolve),
]


async def summary(harness: Harness) -> str:
    async with harness.db() as session:
        opened = await incidents.active(session) + await recently_resolved(session)
    lines = ["Demo finished."]
    for incident in opened:
        lines.append(
            f"  {incident.ref} #{incident.channel_name} ({incident.severity}, {incident.status})"
        )
        async with harness.db() as session:
            actions = await action_queries.list_actions(session, incident.id or 0)
        lines.extend(f"    {a.ref} {a.title}: {a.state}" for a in actions)
    return "\n".join(lines)
