"""The apps under test as subprocesses, so the CPU time and memory read are theirs alone.

The bot runs as `python -m app serve` (from CRISIS_BENCH_BOT_ROOT if set: another checkout,
e.g. `git archive HEAD | tar -x -C /tmp/head`, to measure before and after a change), the
reference as `python bench/bare_bolt.py`; both talk to the Slack double in the bench process.
CPU time comes from /proc/<pid>/stat (utime + stime), memory from VmRSS in /proc/<pid>/status.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
SIGNING_SECRET = "bench-signing-secret-5d2e"
HEALTHY_SECONDS = 60.0  # (ten times that for a wrapped command: valgrind runs ~50x slower)


@dataclass
class App:
    """One app under test, running."""

    name: str
    process: asyncio.subprocess.Process
    base_url: str
    log: Path
    env: dict[str, str] = field(default_factory=dict)  # what it was started with, beyond ours

    @property
    def events_url(self) -> str:
        return f"{self.base_url}/slack/events"

    def cpu(self) -> float:
        """CPU seconds (user + system) the process has used so far."""
        with open(f"/proc/{self.process.pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def rss_mb(self) -> float:
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmRSS for {self.name}")

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (every core, every process), from
    /proc/stat: what the loader, the app and a database server used together."""
    with open("/proc/stat", encoding="ascii") as handle:
        fields = [int(field) for field in handle.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / TICKS


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start_bot(
    api_url: str,
    token: str,
    database_url: str,
    logs: Path,
    name: str,
    wrap: Sequence[str] = (),
    **env: str,
) -> App:
    port = free_port()
    settings = {
        "SLACK_BOT_TOKEN": token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_APP_TOKEN": "",  # HTTP mode, whatever a .env says
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        **env,
    }
    root = os.environ.get("CRISIS_BENCH_BOT_ROOT")  # another checkout of the bot, to compare
    if root:
        settings["PYTHONPATH"] = root
    command = [*wrap, sys.executable, "-m", "app", "serve"]
    return await spawn(name, command, settings, port, logs, cwd=Path(root) if root else ROOT)


async def start_bare(api_url: str, token: str, logs: Path, wrap: Sequence[str] = ()) -> App:
    """bench/bare_bolt.py; `wrap` goes before the command (e.g. valgrind and its options)."""
    port = free_port()
    script = str(ROOT / "bench" / "bare_bolt.py")
    command = [*wrap, sys.executable, script, "--port", str(port), "--api-url", api_url]
    settings = {"SLACK_BOT_TOKEN": token, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    return await spawn("bare Bolt", command, settings, port, logs)


async def spawn(
    name: str, command: list[str], env: dict[str, str], port: int, logs: Path, cwd: Path = ROOT
) -> App:
    log = logs / f"{name.replace(' ', '-')}.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=cwd,
            env={**os.environ, **env},
            stdout=output,
            stderr=asyncio.subprocess.STDOUT,
        )
    app = App(name, process, f"http://127.0.0.1:{port}", log, env)
    try:
        await until_healthy(
            app, timeout=HEALTHY_SECONDS * (10 if command[0] != sys.executable else 1)
        )
    except BaseException:
        await app.stop()
        raise
    return app


async def until_healthy(app: App, timeout: float = HEALTHY_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if app.process.returncode is not None:
                tail = app.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{app.name} exited ({app.process.returncode}):\n{tail}")
            try:
                async with http.get(f"{app.base_url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError(f"{app.name} did not answer /healthz within {timeout:.0f} s")


async def until_idle(
    app: App, window: float = 0.5, share: float = 0.05, timeout: float = 120
) -> None:
    """Until the process uses under `share` of a CPU over `window` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        used = app.cpu()
        await asyncio.sleep(window)
        if app.cpu() - used < share * window:
            return
    raise TimeoutError(f"{app.name} stayed busy for {timeout:.0f} s")
