"""The scenes of the demo, in the order the seed's email thread tells them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.demo.seed import ALEX, INCIDENT_SUMMARY, INCIDENT_TITLE, JORDAN, MARIA, STANDING
from app.harness import Harness
from app.incidents import service as incidents

Scene = tuple[str, Callable[[Harness], Awaitable[None]]]


async def say(harness: Harness, user: str, text: str) -> None:
    await harness.driver.command(user, text, channel_id=harness.general)
    await harness.settle()


async def scene_roles(harness: Harness) -> None:
    for person in STANDING:
        assert person.role is not None
        await say(harness, ALEX.id, f"role add {person.role.value} <@{person.id}|{person.handle}>")


async def scene_open(harness: Harness) -> None:
    await say(harness, MARIA.id, "open")
    await harness.driver.submit_view(
        MARIA.id,
        {
            "open_title": INCIDENT_TITLE,
            "open_severity": "SEV1",
            "open_kind": "crisis",
            "open_summary": INCIDENT_SUMMARY,
            "open_invitees": [JORDAN.id],
        },
    )
    await harness.settle()


SCENES: list[Scene] = [
    ("Alex, a workspace admin, gives the standing roles to the seed's people", scene_roles),
    ("Maria (VP Communications) opens the war room from the full form", scene_open),
]


async def summary(harness: Harness) -> str:
    async with harness.db() as session:
        opened = await incidents.active(session)
    lines = [f"Demo finished: {len(opened)} war room(s) open."]
    lines.extend(f"  {i.ref} #{i.channel_name} ({i.severity}, {i.status})" for i in opened)
    return "\n".join(lines)
