"""TCP pieces of the chaos run: a door in front of PostgreSQL, a round-robin balancer.

`TcpDoor` (`app/harness/tcp.py`, shared with the tests) relays to one server until it is
shut (every connection aborted, new ones refused: the database is gone) and opened again on
the same port. `RoundRobin` hands each
new connection to the next replica its health checks find up and, like HAProxy's
`option redispatch`, to the one after when a replica refuses the connection (it was killed).
When no replica is up it still tries them all (HAProxy would answer 503: Slack retries both).
Clients that want one request per replica turn keep-alive off (`Connection: close`), since
balancing is per connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import aiohttp

from app.harness.tcp import Relay, TcpDoor

__all__ = ["RoundRobin", "TcpDoor"]


class RoundRobin:
    """A TCP balancer on 127.0.0.1: each connection to the next healthy replica that accepts
    it. Health as deploy/haproxy.cfg checks it (GET /healthz must answer 200; down after
    `fall` failed checks, up after `rise` good ones), every `inter` seconds."""

    def __init__(
        self, ports: Sequence[int], *, inter: float = 1.0, fall: int = 2, rise: int = 1
    ) -> None:
        self.ports = list(ports)
        self.port = 0
        self.refused = 0  # connections a replica refused (the next one got them)
        self.unserved = 0  # connections no replica accepted
        self.inter, self.fall, self.rise = inter, fall, rise
        self.up = dict.fromkeys(self.ports, True)
        self._streak = dict.fromkeys(self.ports, 0)  # checks in a row against the state
        self._next = 0
        self._server: asyncio.Server | None = None
        self._checks: asyncio.Task[None] | None = None
        self._relay = Relay()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        self._checks = asyncio.create_task(self._check_forever())

    async def stop(self) -> None:
        if self._checks is not None:
            self._checks.cancel()
            await asyncio.gather(self._checks, return_exceptions=True)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        await self._relay.cut()

    async def _check_forever(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.inter * 2)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while True:
                await asyncio.gather(*(self._check(http, port) for port in self.ports))
                await asyncio.sleep(self.inter)

    async def _check(self, http: aiohttp.ClientSession, port: int) -> None:
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                healthy = response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            healthy = False
        if healthy == self.up[port]:
            self._streak[port] = 0
            return
        self._streak[port] += 1
        if self._streak[port] >= (self.rise if healthy else self.fall):
            self.up[port], self._streak[port] = healthy, 0

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        healthy = [port for port in self.ports if self.up[port]] or self.ports
        for _ in range(len(healthy)):
            port = healthy[self._next % len(healthy)]
            self._next += 1
            try:
                server = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                self.refused += 1
                continue
            self._relay.join((reader, writer), server)
            return
        self.unserved += 1
        writer.transport.abort()
