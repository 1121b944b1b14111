"""Demo scenes for the numbers (issue 15): the listening tool's feed posts the seed's figures
to `POST /hooks/metrics`, the thresholds alert and escalate, the CEO video's views are typed by
hand, and sentiment recovers overnight."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp

from app.demo.approvals import war_room
from app.demo.script_peacetime import CRISIS_DAY
from app.demo.transcript import narrate, told
from app.flows.metric_charts import charts_of
from app.harness import Harness
from app.harness.seed import MARIA, SARAH
from app.hooks.metrics_http import METRICS_PATH
from app.metrics.charts import render_png
from app.metrics.hook_auth import INSTALL_KEY, KEY, SIGNATURE, TIMESTAMP, signature

METRICS_SECRET = "demo-metrics-secret"  # the demo's CRISIS_METRICS_SECRET (not a real one)
HOUR = timedelta(hours=1)
TOOL = "Meltwater (the listening tool's webhook)"
# The seed: 2.7M views and climbing; sentiment (a net score, 62 on a normal day) down 40% in 2h.
STORM: list[tuple[str, datetime, float, str]] = [
    ("views", CRISIS_DAY - 2 * HOUR, 400_000.0, "tiktok"),
    ("sentiment", CRISIS_DAY - 2 * HOUR, 62.0, "meltwater"),
    ("views", CRISIS_DAY - HOUR, 1_200_000.0, "tiktok"),
    ("sentiment", CRISIS_DAY - HOUR, 51.0, "meltwater"),
    ("views", CRISIS_DAY, 2_700_000.0, "tiktok"),
    ("sentiment", CRISIS_DAY, 37.0, "meltwater"),
]
NIGHT = timedelta(hours=26)  # the recovery rule wants 24 hours back within 10% of normal


async def feed(
    harness: Harness,
    points: list[tuple[str, datetime, float, str]],
    *,
    told_too: bool = True,
    watch_only: bool = False,
) -> None:
    """The listening tool posts `points` in one signed batch, as its webhook would, then the
    bot's passes tick (`told_too`: the transcript shows the post and its answer; `watch_only`:
    only the metrics watch, as in the night's fast-forward, where the pending internal actions'
    approval reminders would only repeat what the demo showed already)."""
    incident = await war_room(harness)
    body = json.dumps(
        {
            "points": [
                {"incident": incident.ref, "metric": name, "value": value, "at": at.isoformat()}
                | {"source": source}
                for name, at, value, source in points
            ]
        }
    ).encode()
    stamp = str(int(time.time()))  # the request's own time: Slack's replay rules, wall clock
    headers = {
        KEY: INSTALL_KEY,
        TIMESTAMP: stamp,
        SIGNATURE: signature(METRICS_SECRET, stamp, body),
        "Content-Type": "application/json",
    }
    names = ", ".join(sorted({name for name, *_ in points}))
    if told_too:
        told(harness, TOOL, METRICS_PATH, "posts", f"{len(points)} points ({names})")
    async with (
        aiohttp.ClientSession() as http,
        http.post(harness.http_url + METRICS_PATH, data=body, headers=headers) as answer,
    ):
        answered = await answer.json()
    if told_too:
        told(harness, TOOL, METRICS_PATH, "is answered", json.dumps(answered))
    if watch_only:
        await harness.room.metric_alerts.run()
        await harness.settle_all()
    else:
        await _tick(harness)


async def _tick(harness: Harness) -> None:
    await harness.room.tick()
    await harness.settle_all()


async def scene_storm(harness: Harness) -> None:
    """The feed reports the storm: views past 1M, sentiment down 40% within two hours."""
    for metric in ("views", "sentiment"):  # one alert at a time: the demo's record reproducible
        await feed(harness, [point for point in STORM if point[0] == metric])


async def scene_ceo_video(harness: Harness) -> None:
    """Sarah types the CEO video's views by hand: 150K within 45 minutes."""
    incident = await war_room(harness)
    text = "metric ceo_video_views 150K youtube"
    narrate(harness, SARAH.id, f"#{incident.channel_name}", "types", f"/crisis {text}")
    await harness.driver.command(SARAH.id, text, channel_id=incident.channel_id)
    await harness.settle_all()


async def scene_recovery(harness: Harness) -> None:
    """Updates pause overnight; the feed reports hourly;
    after 24 hours back within 10% of normal the bot says monitoring can step down."""
    incident = await war_room(harness)
    narrate(harness, MARIA.id, f"#{incident.channel_name}", "types", "/crisis cadence off")
    await harness.driver.command(MARIA.id, "cadence off", channel_id=incident.channel_id)
    await harness.settle_all()
    narrate(
        harness,
        MARIA.id,
        "drill clock",
        "waits",
        f"{NIGHT} pass; the feed reports hourly (fast-forward: only the metrics watch runs)…",
    )
    for hour in range(1, int(NIGHT / HOUR) + 1):  # as it arrives: no silence to flag
        harness.clock.advance(HOUR.total_seconds())  # type: ignore[attr-defined]
        now = harness.clock.now()
        sentiment = 50.0 if hour == 1 else 56.0 + hour % 4  # within 10% of 62 from hour 2
        views = 2_900_000.0 + 8_000 * hour
        hourly = [
            ("views", now - HOUR / 2, views - 4_000, "tiktok"),
            ("views", now, views, "tiktok"),
            ("sentiment", now, sentiment, "meltwater"),
        ]
        await feed(harness, hourly, told_too=hour in {1, int(NIGHT / HOUR)}, watch_only=True)


async def write_charts(harness: Harness, out_dir: Path) -> None:
    """Each metric's chart of INC-1 as a PNG next to the exported record; says where."""
    _, charts = await charts_of(harness.room.deps, 1)
    for chart in charts:
        path = out_dir / f"INC-1-{chart.metric}.png"
        path.write_bytes(render_png(chart))
        print(f"Wrote the chart of {chart.metric} to {path}")
