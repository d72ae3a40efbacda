"""Real server processes a test (or a bench) owns outright, so it may stop and restart them at will.

Never the machine's shared services: those stay up for everyone else's tests.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable

import redis
from psycopg.conninfo import conninfo_to_dict
import uvicorn
from starlette.types import ASGIApp


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ThreadedServer:
    """A uvicorn server on its own thread: a fake outside service that answers whichever loop (or thread) calls it."""

    def __init__(self, app: ASGIApp, *, port: int, name: str) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                                timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name=name, daemon=True)

    def start(self) -> "ThreadedServer":
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"{self._thread.name} did not start")
            threading.Event().wait(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(5)


class RedisServer:
    """A `redis-server` on its own port, without persistence: a restart comes back empty, like a crashed cache."""

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not on PATH")
        self.binary = binary
        self.workdir = workdir
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2, socket_timeout=0.5)  # never a hung ping
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except (redis.ConnectionError, redis.TimeoutError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.02)
        client.close()
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        self.process = None


def upstream(database_url: str) -> tuple[str, int] | str:
    """Where a PostgreSQL URL's server listens: (host, port), or the path of its unix socket."""
    info = conninfo_to_dict(database_url)
    host, port = str(info.get("host") or "127.0.0.1"), int(info.get("port") or 5432)
    return f"{host}/.s.PGSQL.{port}" if host.startswith("/") else (host, port)


def proxied(database_url: str, port: int) -> str:
    """The same database, reached through a proxy listening on `port`."""
    info = conninfo_to_dict(database_url)
    password = f":{info['password']}" if info.get("password") else ""
    return f"postgresql://{info.get('user', 'postgres')}{password}@127.0.0.1:{port}/{info['dbname']}"


class PostgresWire:
    """The requests clients send a PostgreSQL server, read off the wire (frontend protocol 3.0) by a `TcpProxy`.

    A request is what a client then waits for the server to answer: a simple Query, or the extended-protocol
    messages up to a Sync (a pipeline of several statements is one request). Each is recorded as the SQL it runs
    (the statements of a pipeline joined by "; "); the empty string is the pool's connection check. Connecting
    and authenticating are not requests.
    """

    STARTUP = 196_608  # protocol 3.0; an SSLRequest or GSSENCRequest may come before it

    def __init__(self) -> None:
        self.requests: list[str] = []

    def connection(self) -> Callable[[bytes], None]:
        """A reader for one connection's client-to-server bytes, fed as they pass."""
        buffer = bytearray()
        started = False
        statements: dict[str, str] = {}  # prepared statement name -> SQL (psycopg prepares what it runs often)
        pipeline: list[str] = []

        def feed(data: bytes) -> None:
            nonlocal started
            buffer.extend(data)
            while True:
                if not started:  # untyped: length, then a code
                    if len(buffer) < 8 or len(buffer) < int.from_bytes(buffer[:4], "big"):
                        return
                    length, code = int.from_bytes(buffer[:4], "big"), int.from_bytes(buffer[4:8], "big")
                    del buffer[:length]
                    started = code == self.STARTUP
                    continue
                if len(buffer) < 5 or len(buffer) < 1 + int.from_bytes(buffer[1:5], "big"):
                    return
                kind, length = chr(buffer[0]), int.from_bytes(buffer[1:5], "big")
                fields = bytes(buffer[5:1 + length]).split(b"\0")
                del buffer[:1 + length]
                if kind == "Q":
                    self.requests.append(fields[0].decode())
                elif kind == "P":  # Parse: statement name, SQL
                    statements[fields[0].decode()] = fields[1].decode()
                elif kind == "B":  # Bind: portal, statement name
                    sql = statements.get(fields[1].decode(), "?")
                    if sql not in pipeline:
                        pipeline.append(sql)
                elif kind == "S":
                    self.requests.append("; ".join(pipeline))
                    pipeline.clear()

        return feed


class TcpProxy:
    """A TCP proxy to a real server that a test can cut and restore, or hang and resume: the server "goes away"
    (or stops answering) for the app only.

    Cutting closes the listening socket and every proxied connection, exactly what an app sees when its database
    host dies; hanging keeps every connection open and accepts new ones but forwards nothing, what an app sees when
    its database is stopped (SIGSTOP) or its network drops packets. The real server (the machine's shared
    PostgreSQL, say) keeps running for everyone else.
    """

    def __init__(self, upstream: tuple[str, int] | str, *, wire: "PostgresWire | None" = None) -> None:
        self.upstream = upstream  # (host, port), or the path of a unix socket
        self.wire = wire  # reads what clients send, when the upstream is PostgreSQL and a test counts requests
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()

    def hang(self) -> None:
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    async def start(self) -> "TcpProxy":
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        return self

    async def cut(self) -> None:
        """Close everything, and return once the sockets are closed: an abort only closes one on the loop's next
        turn, and a client that looks at its connection before then would still find it open."""
        if self._server is not None:
            self._server.close()
            self._server = None
        writers = list(self._writers)
        for writer in writers:
            writer.transport.abort()
        self._writers.clear()
        await asyncio.gather(*(writer.wait_closed() for writer in writers), return_exceptions=True)

    async def restore(self) -> None:
        await self.start()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        await self._flowing.wait()
        try:
            if isinstance(self.upstream, str):
                server_reader, server_writer = await asyncio.open_unix_connection(self.upstream)
            else:
                server_reader, server_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_writer.transport.abort()
            return
        self._writers |= {client_writer, server_writer}
        watch = self.wire.connection() if self.wire is not None else None
        await asyncio.gather(self._pipe(client_reader, server_writer, watch),
                             self._pipe(server_reader, client_writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    watch: Callable[[bytes], None] | None = None) -> None:
        try:
            while data := await reader.read(65536):
                await self._flowing.wait()
                if watch is not None:
                    watch(data)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            writer.transport.abort()


class ThreadedProxy:
    """A `TcpProxy` on its own thread and loop, for a server in another process (a `ClaraProcess`)."""

    def __init__(self, upstream: tuple[str, int] | str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-proxy", daemon=True)
        self._thread.start()
        self.proxy = self._call(self._make(upstream))

    @staticmethod
    async def _make(upstream: tuple[str, int] | str) -> TcpProxy:
        return await TcpProxy(upstream).start()

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    @property
    def port(self) -> int:
        return self.proxy.port

    def cut(self) -> None:
        self._call(self.proxy.cut())

    def restore(self) -> None:
        self._call(self.proxy.restore())

    def hang(self) -> None:
        self._loop.call_soon_threadsafe(self.proxy.hang)

    def resume(self) -> None:
        self._loop.call_soon_threadsafe(self.proxy.resume)

    def close(self) -> None:
        self._call(self.proxy.cut())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
