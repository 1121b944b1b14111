"""TCP pieces of the chaos run: a door in front of PostgreSQL, a round-robin balancer.

`TcpDoor` relays to one server until it is shut (every connection aborted, new ones
refused: the database is gone) and opened again on the same port. `RoundRobin` hands each
new connection to the next replica its health checks find up and, like HAProxy's
`option redispatch`, to the one after when a replica refuses the connection (it was killed).
When no replica is up it still tries them all (HAProxy would answer 503: Slack retries both).
Clients that want one request per replica turn keep-alive off (`Connection: close`), since
balancing is per connection.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

import aiohttp


class _Relay:
    """Pumps bytes both ways between accepted clients and their server; can cut them all."""

    def __init__(self) -> None:
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def join(
        self,
        client: tuple[asyncio.StreamReader, asyncio.StreamWriter],
        server: tuple[asyncio.StreamReader, asyncio.StreamWriter],
    ) -> None:
        self._writers |= {client[1], server[1]}
        for source, sink in ((client[0], server[1]), (server[0], client[1])):
            task = asyncio.create_task(self._pump(source, sink))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def cut(self) -> None:
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        self._writers.discard(sink)
        with contextlib.suppress(ConnectionError, OSError, RuntimeError):
            sink.close()


class TcpDoor:
    """A server's port behind a door the bench shuts and opens."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._relay = _Relay()
        self.port = 0

    @property
    def is_open(self) -> bool:
        return self._server is not None

    async def open(self) -> int:
        """Listen (on the same port as before, once one was chosen); returns the port."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    async def shut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        await self._relay.cut()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            server = await asyncio.open_connection(*self._target)
        except OSError:
            writer.transport.abort()
            return
        self._relay.join((reader, writer), server)


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
        self._relay = _Relay()

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
