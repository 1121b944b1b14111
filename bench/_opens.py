"""`/crisis open` acknowledged by the bot and by bare Bolt while Slack is slow to answer."""

from __future__ import annotations

from dataclasses import dataclass

from _ingest import Side
from _loader import command, quiet
from bare_bolt import REPLY

from app.harness.seed import MARIA


@dataclass
class OpenAcks:
    latency: float
    bot: list[float]
    bare: list[float]
    opened: int
    replied: int


async def open_acks(side: Side, requests: int, rounds: int, latency: float) -> OpenAcks:
    """`/crisis open` to the bot and to bare Bolt (ack, then chat.postMessage), A B A B,
    one at a time, while Slack answers every call after `latency` seconds."""
    side.double.latency = latency
    incidents = await side.store.incidents()
    acks: dict[str, list[float]] = {side.bot.name: [], side.bare.name: []}
    per = max(1, requests // rounds)
    try:
        for r in range(rounds):
            for app in (side.bot, side.bare):
                driver = side.driver(app)
                for n in range(per):
                    text = f"open Ack bench {r}-{n}"
                    acks[app.name].append(await command(driver, MARIA.id, text, side.general))
        await quiet(side.double, still=2 * latency + 0.5, timeout=300)
    finally:
        side.double.latency = 0.0
    replies = [c for c in side.double.calls_to("chat.postMessage") if c.args.get("text") == REPLY]
    opened = await side.store.incidents() - incidents
    return OpenAcks(latency, acks[side.bot.name], acks[side.bare.name], opened, len(replies))
