"""Durations people type, durations the bot shows, and the new /crisis subcommands."""

from __future__ import annotations

import pytest

from app.errors import BadCommand
from app.incidents.models import Status
from app.slack.commands.grammar import (
    PostUpdate,
    Reopen,
    Resolve,
    SetCadence,
    SetStatus,
    ShowCadence,
)
from app.slack.commands.parse import parse
from app.updates.durations import format_duration, parse_duration, roughly


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [
        ("45m", 2700),
        ("2h", 7200),
        ("30s", 30),
        ("5s", 5),
        ("1s", 1),
        ("1h30m", 5400),
        ("1h 30m", 5400),
        ("90 minutes", 5400),
        ("2 hours", 7200),
        ("1d", 86400),
        ("1H30M", 5400),
    ],
)
def test_durations_people_type(typed: str, seconds: int) -> None:
    assert parse_duration(typed) == seconds


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Give a duration"),
        ("90", "Say the unit"),
        ("0s", "at least 1 second"),
        ("0m", "at least 1 second"),
        ("soon", "is not a duration"),
        ("1.5h", "is not a duration"),
        ("-5m", "is not a duration"),
        ("5 parsecs", "is not a unit"),
        ("31d", "longer than 30 days"),
    ],
)
def test_bad_durations_say_what_to_type(typed: str, says: str) -> None:
    with pytest.raises(BadCommand, match=says):
        parse_duration(typed)


@pytest.mark.parametrize("seconds", [1, 5, 59, 60, 2700, 3600, 5400, 86400, 90061])
def test_shown_durations_parse_back(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds


def test_roughly_reads_like_a_person() -> None:
    shown = [roughly(s) for s in (40, 720, 3600, 4320, 10800, 2 * 86400 + 4 * 3600, -3)]
    assert shown == ["40s", "12m", "1h", "1h 12m", "3h", "2d 4h", "0s"]


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("update", PostUpdate()),
        ("cadence", ShowCadence()),
        ("cadence 45m", SetCadence(2700)),
        ("CADENCE 1h30m", SetCadence(5400)),
        ("cadence off", SetCadence(None)),
        ("cadence pause", SetCadence(None)),
        ("status Monitoring", SetStatus(Status.MONITORING)),
        ("resolve", Resolve("")),
        ("resolve Sentiment recovered.", Resolve("Sentiment recovered.")),
        ("reopen", Reopen()),
    ],
)
def test_update_commands_parse(typed: str, command: object) -> None:
    assert parse(typed) == command


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("status", "Name the new status"),
        ("status done", "is not a status"),
        ("status resolved", "/crisis resolve"),
        ("reopen now", "takes nothing after it"),
        ("update please", "takes nothing after it"),
        ("cadence often", "is not a duration"),
        ("resolve " + "x" * 1001, "keep it under 1000"),
    ],
)
def test_bad_update_commands_say_what_to_type(typed: str, says: str) -> None:
    with pytest.raises(BadCommand, match=says):
        parse(typed)
