"""Charts drawn in a short-lived child process, so matplotlib never loads in the bot.

matplotlib and numpy would stay resident in the bot (~50 MB) for its whole life after its
first chart, and the bot's idle budget is 100 MB (issue 12). So, as migrations do
(app/store/migrate_child.py), the bot hands the charts to `python -m app.metrics.chart_child`
on its stdin as JSON and reads the PNGs back from its stdout as one JSON line (base64); the
child draws with the very same `app.metrics.charts.render_png`, then exits and gives its memory
back. Its stderr is the caller's, so a drawing's traceback lands in the bot's log.
"""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys
from collections.abc import Sequence

from app.metrics.charts import ChartData, chart_from, chart_json, render_png

CHILD_MODULE = "app.metrics.chart_child"
TIMEOUT = 120.0  # seconds for a batch (matplotlib's first run on a machine builds a font cache)


class ChartFailed(Exception):
    """The drawing child died, timed out or answered nonsense (its traceback is on stderr)."""


def _request(charts: Sequence[ChartData]) -> bytes:
    return json.dumps([chart_json(chart) for chart in charts]).encode() + b"\n"


async def render_apart(charts: Sequence[ChartData]) -> list[bytes]:
    """Each chart's PNG, in order, drawn by a child process (the event loop keeps serving)."""
    if not charts:
        return []
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        CHILD_MODULE,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        out, _ = await asyncio.wait_for(child.communicate(_request(charts)), TIMEOUT)
    except TimeoutError as error:
        raise ChartFailed(f"drawing {len(charts)} charts took over {TIMEOUT:.0f} s") from error
    finally:
        if child.returncode is None:  # timed out or cancelled: the child goes too
            child.kill()
            await child.wait()
    return _answer(out, child.returncode, len(charts))


def render_apart_blocking(charts: Sequence[ChartData]) -> list[bytes]:
    """`render_apart` for code already off the event loop (the record export's thread)."""
    if not charts:
        return []
    try:
        done = subprocess.run(
            [sys.executable, "-m", CHILD_MODULE],
            input=_request(charts),
            stdout=subprocess.PIPE,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise ChartFailed(f"drawing {len(charts)} charts took over {TIMEOUT:.0f} s") from error
    return _answer(done.stdout, done.returncode, len(charts))


def _answer(out: bytes, code: int | None, count: int) -> list[bytes]:
    lines = out.decode(errors="replace").strip().splitlines()
    try:
        answer = json.loads(lines[-1]) if lines else {}
        pngs = [base64.b64decode(text) for text in answer["png"]]
    except (ValueError, KeyError, TypeError) as error:
        raise ChartFailed(f"the chart process exited with code {code} and no charts") from error
    if code != 0 or len(pngs) != count:
        raise ChartFailed(f"the chart process exited with code {code}, {len(pngs)}/{count} charts")
    return pngs


def main() -> int:
    """The child: charts as JSON on stdin, their PNGs as one JSON line on stdout."""
    charts = [chart_from(data) for data in json.loads(sys.stdin.readline())]
    pngs = [base64.b64encode(render_png(chart)).decode() for chart in charts]
    print(json.dumps({"png": pngs}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
