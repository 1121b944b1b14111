"""`crisisroom verify` and `crisisroom export`: Legal's tools, run beside the database.

`verify --slack` also reads back the anchors the bot posted in Slack (export hashes in the war
rooms, checkpoints in CRISIS_CHECKPOINT_CHANNEL) with the bot token from the settings.

Exit codes: 0 the record is intact (or was exported), 1 it is not intact, 2 bad usage (an
unknown incident, a missing argument, an unreadable database, Slack unreachable or refusing
the token).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import re
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import DBAPIError

from app.errors import CrisisError
from app.record.export.formats import CLI_FORMATS
from app.record.walk import check
from app.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:  # imported when a command runs: `crisisroom serve` never loads it (tqdm, rsmf)
    from app.cli.record_run import Period

REF = re.compile(r"^(?:INC-)?(\d+)$", re.IGNORECASE)


def register(commands: Any) -> None:
    """Add `verify` and `export` to the crisisroom command line."""
    verify = commands.add_parser("verify", help="check a legal record's hash chain")
    verify.add_argument("incident", nargs="?", help="the incident, like INC-3")
    verify.add_argument("--all", action="store_true", help="every incident")
    verify.add_argument("--file", type=Path, help="an exported .jsonl record instead")
    verify.add_argument(
        "--slack",
        action="store_true",
        help="also check the anchors the bot posted in Slack (needs SLACK_BOT_TOKEN)",
    )
    verify.add_argument("--database", help="database URL (default: DATABASE_URL)")
    verify.set_defaults(run=verify_command)
    export = commands.add_parser("export", help="export an incident's legal record")
    export.add_argument("incident", nargs="?", help="the incident, like INC-3")
    export.add_argument("--all", action="store_true", help="every incident of a period")
    export.add_argument("--since", type=_day, help="with --all: from this UTC day (YYYY-MM-DD)")
    export.add_argument("--until", type=_day, help="with --all: to this UTC day, included")
    export.add_argument("--format", choices=CLI_FORMATS, default="html")
    export.add_argument(
        "--out",
        type=Path,
        help="where to write (default: INC-<n>-record.<fmt>, INC-<n>-rsmf/ for rsmf, "
        "a folder for --all); the production manifest goes beside it",
    )
    export.add_argument("--by", help="who is exporting, for the manifest and the record")
    export.add_argument("--tz", default="UTC", help="time zone for times shown (default UTC)")
    export.add_argument("--offline", action="store_true", help="do not catch up with Slack first")
    export.add_argument("--database", help="database URL (default: DATABASE_URL)")
    export.set_defaults(run=export_command)


def verify_command(args: argparse.Namespace) -> int:
    if args.file is not None:
        if args.slack:
            return usage("--slack checks the database's record, not a --file")
        return verify_file(args.file)
    if args.all == bool(args.incident):
        return usage("name one incident (like INC-3) or --all")
    incident_id = None if args.all else parse_ref(args.incident)
    if not args.all and incident_id is None:
        return usage(f"{args.incident!r} is not an incident like INC-3")
    settings = None
    if args.slack:
        try:
            settings = load_settings()
        except SettingsError as error:
            return usage(f"--slack needs the bot's settings: {error}")
    url = database_url(args.database, settings)
    from app.cli.record_run import run_verify_all, run_verify_one

    if incident_id is None:
        return _guarded(run_verify_all(url, settings=settings))
    return _guarded(run_verify_one(url, incident_id, settings=settings))


def export_command(args: argparse.Namespace) -> int:
    chosen = _chosen(args)
    if isinstance(chosen, str):
        return usage(chosen)
    try:
        ZoneInfo(args.tz)
    except (ZoneInfoNotFoundError, ValueError):
        return usage(f"{args.tz!r} is not a time zone like UTC or America/New_York")
    out = args.out or _default_out(chosen, args.format)
    settings = None if args.offline else _settings()
    url = database_url(args.database, settings)
    by = args.by or f"cli:{getpass.getuser()}"
    from app.cli.record_run import run_export

    run = run_export(url, chosen, args.format, out, tz=args.tz, settings=settings, by=by)
    return _guarded(run)


def _chosen(args: argparse.Namespace) -> Period | int | str:
    """One incident, or the period of --all; a string says what is wrong."""
    if args.all == bool(args.incident):
        return "name one incident (like INC-3) or --all"
    if not args.all:
        if args.since or args.until:
            return "--since and --until go with --all"
        incident_id = parse_ref(args.incident)
        return (
            incident_id
            if incident_id is not None
            else (f"{args.incident!r} is not an incident like INC-3")
        )
    if args.since and args.until and args.since > args.until:
        return "--since must not be after --until"
    from app.cli.record_run import Period

    return Period(args.since, args.until)


def _default_out(chosen: Period | int, fmt: str) -> Path:
    if isinstance(chosen, int):
        return Path(f"INC-{chosen}-rsmf" if fmt == "rsmf" else f"INC-{chosen}-record.{fmt}")
    since, until = chosen.scope().values()
    return Path(f"crisisroom-export-{since or 'start'}-to-{until or 'now'}")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day like 2026-11-21") from None


def verify_file(path: Path) -> int:
    try:
        with path.open(encoding="utf-8") as lines:
            verdict = check(json.loads(line) for line in lines if line.strip())
    except (OSError, ValueError, KeyError) as error:
        return usage(f"cannot read {path}: {error}")
    if verdict.first_break is not None:
        print(
            f"{path}: NOT intact. The first entry that does not match is "
            f"{verdict.first_break.describe()}"
        )
        return 1
    print(f"{path}: intact, {verdict.entries:,} entries, final hash {verdict.final_hash}")
    return 0


def parse_ref(text: str) -> int | None:
    match = REF.match(text.strip())
    return int(match.group(1)) if match else None


def database_url(explicit: str | None, settings: Settings | None = None) -> str:
    if explicit:
        return explicit
    settings = settings or _settings()
    if settings is not None:
        return settings.database_url
    return os.environ.get("DATABASE_URL") or str(Settings.model_fields["database_url"].default)


def _settings() -> Settings | None:
    try:
        return load_settings()
    except SettingsError:
        return None


def _guarded(run: Any) -> int:
    try:
        return int(asyncio.run(run))
    except CrisisError as error:
        return usage(error.message)
    except DBAPIError as error:
        return usage(f"cannot read the record: {error.orig}")


def usage(message: str) -> int:
    print(f"crisisroom: {message}", file=sys.stderr)
    return 2
