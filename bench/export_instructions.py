"""Verify and export, counted in machine instructions instead of seconds (issue 12).

On a shared VM the seconds of `record_export_verify.py` drift by a fifth within a minute, so a
change worth 5 % cannot be seen in them. Instructions counted by valgrind's callgrind do not
drift: the same code on the same record counts the same every time. Each step runs in a child
process under callgrind once and twice; the difference is what one more verify or export
costs (imports and start-up cancel out). Ratios are to the stdlib references of
`record_export_verify.py` (bench/_stdlib_refs.py), counted the same way. Instructions are not
seconds (a cache miss costs many of them, and valgrind hashes without the CPU's SHA
instructions), but a ratio of them moves only when the code does.

    .venv/bin/python bench/export_instructions.py [--entries 5000] [--only html,md]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from _stdlib_refs import stdlib_jsonl, stdlib_verify
from record_export_verify import seed

from app.clock import FakeClock
from app.record.export.formats import EXPORT_FORMATS
from app.record.export.run import export_record
from app.record.verify import verify_incident
from app.store.engine import make_engine, make_session_factory
from app.store.migrate import upgrade

STEPS = ("stdlib verify", "verify", "stdlib jsonl", *(f"export {fmt}" for fmt in EXPORT_FORMATS))
GOALS = {
    "verify": ("stdlib verify", 0.6),
    **{f"export {f}": ("stdlib jsonl", 2.0) for f in EXPORT_FORMATS},
}
COLLECTED = re.compile(r"Collected : (\d+)")


async def run_step(step: str, path: Path, times: int) -> None:
    """The child: `step` `times` times on the record at `path` (incident 1)."""
    db = make_session_factory(engine := make_engine(f"sqlite:///{path}"))
    out = path.parent / f"{step.replace(' ', '-')}.out"
    for _ in range(times):
        if step == "stdlib verify":
            stdlib_verify(path, 1)
        elif step == "stdlib jsonl":
            stdlib_jsonl(path, 1, out)
        elif step == "verify":
            assert (await verify_incident(db, 1)).intact
        else:
            with out.open("w", encoding="utf-8", newline="") as handle:
                fmt = step.removeprefix("export ")
                assert (await export_record(db, 1, fmt, handle, now=FakeClock().now())).intact
    await engine.dispose()


async def counted(step: str, path: Path, times: int, slots: asyncio.Semaphore) -> int:
    """Instructions of a child process running `step` `times` times, under callgrind."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable]
    command += [__file__, "--step", step, "--record", str(path), "--times", str(times)]
    async with slots:
        child = await asyncio.create_subprocess_exec(
            *command,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONHASHSEED": "0"},  # (string hashes vary the count a little)
        )
        _, err = await child.communicate()
    found = COLLECTED.search(err.decode(errors="replace"))
    if child.returncode != 0 or found is None:
        raise RuntimeError(f"{step} x{times} failed under callgrind:\n{err.decode()[-2000:]}")
    return int(found.group(1))


async def one_more(step: str, path: Path, slots: asyncio.Semaphore) -> int:
    once, twice = await asyncio.gather(counted(step, path, 1, slots), counted(step, path, 2, slots))
    return twice - once


async def main(entries: int, only: list[str]) -> None:
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind): nothing counted")
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        engine = make_engine(f"sqlite:///{path}")
        await upgrade(engine)
        await seed(make_session_factory(engine), entries)
        await engine.dispose()
        steps = [s for s in STEPS if not only or s.split()[-1] in only or s.startswith("stdlib")]
        slots = asyncio.Semaphore(2)
        counts = await asyncio.gather(*(one_more(step, path, slots) for step in steps))
    found = dict(zip(steps, counts, strict=True))
    print(f"One more verify or export of a {entries:,}-entry record, in instructions (callgrind):")
    for step, count in found.items():
        reference, most = GOALS.get(step, ("", 0.0))
        ratio = count / found[reference] if reference in found else None
        shown = (
            f"{ratio:5.2f}x {reference} (goal <= {most}x: {'met' if ratio <= most else 'NOT MET'})"
            if ratio
            else ""
        )
        print(f"  {step:<15} {count / 1e6:9,.1f} M  {shown}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--only", default="", help="comma-separated: verify, html, md, jsonl, csv")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--record", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--times", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        asyncio.run(run_step(args.step, args.record, args.times))
    else:
        asyncio.run(main(args.entries, [s for s in args.only.split(",") if s]))
