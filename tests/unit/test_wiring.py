"""One way to call Slack, and wiring made explicit: the gateway is the only Web API client,
replies go through it, the Home refresher publishes through what it is given, and the bot's
own work is counted by the bot rather than guessed from asyncio's task list."""

from __future__ import annotations

import ast
import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.clock import FakeClock
from app.errors import SlackFailure
from app.flows.deps import Work
from app.flows.home_refresher import HomeRefresher
from app.slack.gateway import SlackGateway
from app.slack.gateway_core import make_client
from app.slack.reply import Replier
from app.slackdouble import SlackDouble

APP = Path(__file__).resolve().parents[2] / "app"
CLIENT_MODULES = ("slack_sdk.web", "slack_sdk.webhook")
# the gateway; the test double; Socket Mode's own app-token client (apps.connections.open)
MAY_HOLD_A_CLIENT = {
    "slack/gateway.py",
    "slack/gateway_core.py",
    "slack/gateway_reads.py",
    "socket_mode.py",
}
MARIA, JAMES = "U0MARIA", "U0JAMES"


def runtime_imports(tree: ast.Module) -> list[str]:
    """Modules imported when the file runs (not those under `if TYPE_CHECKING:`)."""
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for child in block.body
        for node in ast.walk(child)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return found


def test_only_the_gateway_holds_a_web_api_client() -> None:
    holders = []
    for path in sorted(APP.rglob("*.py")):
        where = path.relative_to(APP).as_posix()
        if where in MAY_HOLD_A_CLIENT or where.startswith("slackdouble/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        holders += [f"{where}: {m}" for m in runtime_imports(tree) if m.startswith(CLIENT_MODULES)]
        holders += [
            f"{where}: .{node.attr}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and node.attr in {"client", "_client"}
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "slack"
        ]
    assert holders == []


def test_the_audit_package_knows_nothing_of_the_record() -> None:
    imported = [
        module
        for path in (APP / "audit").rglob("*.py")
        for module in runtime_imports(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert imported and not [m for m in imported if m.startswith("app.record")]


@pytest.fixture
async def slack() -> AsyncIterator[tuple[SlackDouble, SlackGateway]]:
    double = SlackDouble()
    double.add_user(MARIA, "maria", "Maria Rodriguez")
    double.add_user(JAMES, "james", "James Chen")
    await double.start()
    gateway = SlackGateway(make_client(token=double.token, base_url=double.api_url), FakeClock())
    try:
        yield double, gateway
    finally:
        await double.stop()


async def test_a_reply_falls_back_to_a_dm_through_the_gateway(
    slack: tuple[SlackDouble, SlackGateway],
) -> None:
    double, gateway = slack
    channel = double.add_channel("war-room", members=[MARIA, double.bot_user_id])
    await Replier(gateway, JAMES, channel_id=channel).send("Not for this room.")
    assert double.ephemerals(JAMES) == []  # James is not in the channel: Slack refuses
    assert [m.text for m in double.dms(JAMES)] == ["Not for this room."]
    await Replier(gateway, MARIA, channel_id=channel).send("Only you can see this.")
    assert [e.text for e in double.ephemerals(MARIA)] == ["Only you can see this."]


async def test_a_reply_that_slack_refuses_reads_as_a_slack_failure(
    slack: tuple[SlackDouble, SlackGateway],
) -> None:
    double, gateway = slack
    channel = double.add_channel("war-room", members=[MARIA, double.bot_user_id])
    double.fail_next("chat.postEphemeral", "fatal_error")
    with pytest.raises(SlackFailure) as failed:
        await Replier(gateway, MARIA, channel_id=channel).send("Hello")
    assert failed.value.error == "fatal_error" and "reply privately" in failed.value.message


async def test_users_are_looked_up_through_the_gateway(
    slack: tuple[SlackDouble, SlackGateway],
) -> None:
    double, gateway = slack
    maria = await gateway.user(MARIA)
    assert maria is not None and maria.display == "Maria Rodriguez"
    assert await gateway.user("U0NOBODY") is None
    double.fail_next("users.info", "fatal_error")
    with pytest.raises(SlackFailure) as failed:
        await gateway.user(JAMES)
    assert failed.value.error == "fatal_error" and f"<@{JAMES}>" in failed.value.message


async def test_the_home_refresher_refreshes_through_what_it_is_given() -> None:
    refreshed: list[frozenset[str] | None] = []

    async def refresh(users: frozenset[str] | None) -> None:
        refreshed.append(users)

    refresher = HomeRefresher(refresh, delay=0)
    refresher.touch([MARIA, JAMES])
    refresher.touch([MARIA])
    assert not refresher.idle
    while not refresher.idle:
        await asyncio.sleep(0)
    assert refreshed == [frozenset({MARIA, JAMES})]  # coalesced: one refresh for two touches
    refresher.touch([MARIA])
    refresher.touch()
    while not refresher.idle:
        await asyncio.sleep(0)
    assert refreshed[1:] == [None]  # every viewer's (the outbox knows who they are)


def test_a_refresher_with_no_publisher_does_nothing() -> None:
    refresher = HomeRefresher(delay=0)
    refresher.viewed(MARIA)
    refresher.touch()
    assert refresher.idle


async def test_work_counts_listeners_and_the_tasks_it_started() -> None:
    work = Work()
    assert work.idle
    with work.running():
        assert not work.idle
    release = asyncio.Event()
    task = work.spawn(release.wait(), name="crisisroom:test")
    assert not work.idle
    release.set()
    await task
    assert work.idle
