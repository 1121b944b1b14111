"""Three `crisisroom serve` replicas on one PostgreSQL, behind a door and a balancer.

The replicas reach PostgreSQL through a `TcpDoor` (the bench cuts the database by shutting
it) and Slack reaches them through a `RoundRobin` balancer. Each replica keeps its port
across a kill and restart, so the balancer's list never changes. They start together on the
empty database, as a deployment's replicas would (each migrates under the lock).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from _chaos_net import RoundRobin, TcpDoor
from _procs import ROOT, SIGNING_SECRET, App, free_port, spawn
from sqlalchemy.engine import make_url

from app.slackdouble import SlackDouble

REPLICAS = 3


@dataclass
class Started:
    """How the replicas' simultaneous first start went."""

    crashed: list[str] = field(default_factory=list)  # names, with the log's last line
    seconds: float = 0.0


class Cluster:
    """The replicas, the database door and the balancer of one chaos run."""

    def __init__(self, double: SlackDouble, database_url: str, folder: Path, tick: float) -> None:
        self.double = double
        self.database_url = database_url
        url = make_url(database_url)
        self.door = TcpDoor(url.host or "127.0.0.1", url.port or 5432)
        self.folder = folder
        self.tick = tick
        self.ports = [free_port() for _ in range(REPLICAS)]
        self.apps: list[App | None] = [None] * REPLICAS
        self.starts = [0] * REPLICAS
        self.proxy = RoundRobin(self.ports)
        self.restart_exits: list[str] = []  # why each restart attempt stopped during start

    def replica_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.ports[index]}/slack/events"

    def urls(self) -> list[str]:
        return [self.replica_url(i) for i in range(REPLICAS)]

    def _behind_door(self) -> str:
        url = make_url(self.database_url).set(host="127.0.0.1", port=self.door.port)
        return url.render_as_string(hide_password=False)

    async def start(self) -> Started:
        """Door, balancer, then all replicas at once; one that crashed is started again."""
        await self.door.open()
        await self.proxy.start()
        began = time.monotonic()
        outcomes = await asyncio.gather(
            *(self._spawn(i) for i in range(REPLICAS)), return_exceptions=True
        )
        started = Started()
        for index, outcome in enumerate(outcomes):
            if isinstance(outcome, BaseException):
                started.crashed.append(f"replica-{index + 1}: {_last_line(outcome)}")
                await self._spawn(index)
        started.seconds = time.monotonic() - began
        return started

    async def _spawn(self, index: int) -> App:
        self.starts[index] += 1
        name = f"replica-{index + 1}-start-{self.starts[index]}"
        env = {
            "SLACK_BOT_TOKEN": self.double.token,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_APP_TOKEN": "",
            "SLACK_API_URL": self.double.api_url,
            "DATABASE_URL": self._behind_door(),
            "HOST": "127.0.0.1",
            "PORT": str(self.ports[index]),
            "CRISIS_TICK_SECONDS": f"{self.tick:g}",
            "LOG_LEVEL": "INFO",
        }
        command = [sys.executable, "-m", "app", "serve"]
        app = await spawn(name, command, env, self.ports[index], self.folder, cwd=ROOT)
        self.apps[index] = app
        return app

    async def kill(self, index: int) -> None:
        """kill -9, as a crashed host would."""
        app = self.apps[index]
        if app is not None and app.process.returncode is None:
            os.kill(app.process.pid, signal.SIGKILL)
            await app.process.wait()
        self.apps[index] = None

    async def restart(self, index: int, give_up: float = 180.0) -> float:
        """Start the replica again on its port, as an orchestrator would: again one second
        after each exit during start (a database that refuses it at start stops it with exit
        code 2). Seconds until its /healthz said 200; `restart_exits` counts the exits."""
        began = time.monotonic()
        while True:
            try:
                await self._spawn(index)
                return time.monotonic() - began
            except RuntimeError as exited:
                self.restart_exits.append(_last_line(exited))
                if time.monotonic() - began > give_up:
                    raise
                await asyncio.sleep(1.0)

    def died(self) -> list[str]:
        """Names of replicas that died on their own (not killed by the bench)."""
        return [
            app.name for app in self.apps if app is not None and app.process.returncode is not None
        ]

    async def stop(self) -> None:
        await asyncio.gather(*(app.stop() for app in self.apps if app is not None))
        await self.proxy.stop()
        await self.door.shut()

    def logs(self) -> list[Path]:
        return sorted(self.folder.glob("replica-*.log"))


def _last_line(error: BaseException) -> str:
    lines = [line for line in str(error).splitlines() if line.strip()]
    return lines[-1][:160] if lines else type(error).__name__
