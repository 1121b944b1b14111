"""TCP pieces the tests and the chaos bench share: a relay that pumps bytes both ways and can
cut every connection, and a door in front of a server (PostgreSQL going away and coming
back)."""

from __future__ import annotations

import asyncio
import contextlib


class Relay:
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
    """A server's port behind a door that can be shut (every connection aborted, new ones
    refused: the server is gone) and opened again on the same port."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._relay = Relay()
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
