"""`crisisroom` (and `python -m app`): serve, db upgrade, demo."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence

from app.cli.record import register as register_record
from app.settings import load_or_exit


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    command: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if command is None:
        parser.print_help()
        return 2
    try:
        return command(args)
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crisisroom", description="Crisis Room Slack bot")
    commands = parser.add_subparsers(title="commands")
    serve = commands.add_parser("serve", help="run the bot (Socket Mode or HTTP)")
    serve.set_defaults(run=_serve)
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(title="db commands")
    db_upgrade = db_commands.add_parser("upgrade", help="apply pending migrations")
    db_upgrade.set_defaults(run=_db_upgrade)
    demo = commands.add_parser("demo", help="play the seed crisis against the Slack test double")
    demo.add_argument("--quiet", action="store_true", help="print only the summary")
    demo.set_defaults(run=_demo)
    register_record(commands)  # verify, export
    return parser


def _serve(_args: argparse.Namespace) -> int:
    from app.serve import serve

    settings = load_or_exit()
    return asyncio.run(serve(settings))


def _db_upgrade(_args: argparse.Namespace) -> int:
    from app.store.engine import make_engine
    from app.store.migrate import upgrade

    settings = load_or_exit()

    async def run() -> None:
        engine = make_engine(settings.database_url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())
    print("database is up to date", file=sys.stderr)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from app.demo.run import run_demo

    return asyncio.run(run_demo(quiet=args.quiet))
