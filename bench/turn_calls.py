"""What one keyless WebSocket turn costs the server, counted so that other work on the machine cannot move it.

bench/sessions.py measures capacity in milliseconds, which a loaded machine inflates several times over. This bench
serves the app in this process (uvicorn, Redis of its own, a fresh database, demo data and corpus) and talks to it
from a client thread with its own event loop, at sessions.py's pace: `--sessions` distinct technicians, each with a
job today at a demo site and a `location` frame, asking sessions.py's questions in turn every `--interval` seconds.
After one unmeasured round (sessions opened, caches warm as in a running shift), it profiles the server's thread
(cProfile, which sees only the thread that enables it: the client's work is not counted) for `--rounds` rounds and
prints the Python function calls per turn, in total and for the top functions by cumulative calls, plus the
process's CPU seconds per turn in an unprofiled round (load-dependent, for orientation only).

    python bench/turn_calls.py [--sessions 30] [--interval 10] [--rounds 6] [--top 25] [--save turns.prof]

`--save` writes the profile for `python -m pstats` (callers, callees, other orders).

Needs TEST_DATABASE_URL (a server the bench may create a database on) and `redis-server` on PATH.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from _knowledge_stores import bench_database
from pydantic import SecretStr
from sessions import QUESTIONS, technicians
from websockets.asyncio.client import ClientConnection, connect

from clara.app import create_app
from clara.web.caller import CurrentUser
from clara.auth.tokens import issue_token
from clara.platform.logging import configure_logging
from clara.settings import Settings
from tests.servers import RedisServer


class Client:
    """The technicians' sockets, driven from a thread of their own so the server's profile holds only its work."""

    def __init__(self, port: int, secret: SecretStr, people: list[tuple[CurrentUser, tuple[float, float]]]) -> None:
        self.port = port
        self.secret = secret
        self.people = people
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="bench-client", daemon=True)
        self.sockets: list[ClientConnection] = []
        self.turns = 0
        self.errors: list[str] = []

    async def open(self) -> None:
        for user, (lat, lng) in self.people:
            token = issue_token(user, secret=self.secret, ttl_seconds=24 * 3600)
            ws = await connect(f"ws://127.0.0.1:{self.port}/voice/ws/{user.id}", open_timeout=60,
                               subprotocols=["bearer", token])  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "location", "latitude": lat, "longitude": lng}))
            self.sockets.append(ws)

    async def round(self, question: str, interval: float) -> None:
        """Every technician asks `question`, spread evenly over `interval` seconds, as sessions.py's phases are."""
        async def ask(ws: ClientConnection, delay: float) -> None:
            await asyncio.sleep(delay)
            await ws.send(json.dumps({"type": "message", "text": question}))
            while True:
                event = json.loads(await asyncio.wait_for(ws.recv(), 60))
                if event["type"] == "error":
                    self.errors.append(f"{event['code']}: {event['message']}")
                if event["type"] in ("done", "error"):
                    self.turns += 1
                    return

        count = len(self.sockets)
        await asyncio.gather(*(ask(ws, interval * i / count) for i, ws in enumerate(self.sockets)))

    async def close(self) -> None:
        await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def main(sessions: int, interval: float, rounds: int, top: int, save: str | None) -> None:
    configure_logging("info", "json")  # as a deployed server logs (bench/sessions.py's runs at info): its cost counts
    scratch = Path(tempfile.mkdtemp(prefix="clara-turn-calls-"))
    redis = RedisServer(scratch / "redis").start()
    try:
        async with bench_database() as (database_url, data_dir):
            settings = Settings(env="test", database_url=database_url, redis_url=redis.url, data_dir=data_dir,
                                agent_worker_enabled=False, log_level="info", log_format="json",
                                rate_limit_default="1000000/minute")
            app = create_app(settings)
            async with app.router.lifespan_context(app):
                await measure(app, settings, database_url, sessions, interval, rounds, top, save)
    finally:
        redis.stop()
        shutil.rmtree(scratch, ignore_errors=True)


async def measure(app: object, settings: Settings, database_url: str, sessions: int, interval: float, rounds: int,
                  top: int, save: str | None) -> None:
    port = free_port()
    # As backend_server.py configures it (logging, no per-message deflate), minus the lifespan run above.
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None,
                                           ws_per_message_deflate=False, loop="asyncio"))  # type: ignore[arg-type]
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    client = Client(port, settings.jwt_secret, technicians(database_url, sessions))
    client.thread.start()

    async def in_client(coro: object) -> None:
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, client.loop))  # type: ignore[arg-type]

    try:
        await in_client(client.open())
        for question in QUESTIONS:  # warm: every session has asked each question once
            await in_client(client.round(question, interval))
        cpu, turns = time.process_time(), client.turns
        await in_client(client.round(QUESTIONS[0], interval))
        cpu_per_turn = (time.process_time() - cpu) / (client.turns - turns)
        profile = cProfile.Profile(time.thread_time)  # the server thread's CPU: waits and other load do not count
        turns = client.turns
        profile.enable()
        for n in range(rounds):
            await in_client(client.round(QUESTIONS[(1 + n) % len(QUESTIONS)], interval))
        profile.disable()
        measured = client.turns - turns
        await in_client(client.close())
    finally:
        server.should_exit = True
        await serving
        client.loop.call_soon_threadsafe(client.loop.stop)
    stats = pstats.Stats(profile)
    if save:
        stats.dump_stats(save)
    total = sum(entry[1] for entry in stats.stats.values())  # type: ignore[attr-defined]
    print(f"{sessions} sessions, a turn every {interval:g} s each, {measured} turns profiled ({rounds} rounds of "
          f"sessions.py's questions), errors {len(client.errors)}{': ' + client.errors[0] if client.errors else ''}")
    print(f"Python function calls per turn (server thread): {total / measured:,.0f}")
    print(f"process CPU per turn, unprofiled round (load-dependent): {cpu_per_turn * 1000:.1f} ms")
    for title, column in (("cumulative time (profiled)", 3), ("own calls", 1)):
        rows = sorted(stats.stats.items(), key=lambda item: item[1][column], reverse=True)  # type: ignore[attr-defined]
        print(f"\n{'calls/turn':>10} {'cum ms/turn':>11}  top {top} by {title}")
        for (filename, line, name), (_, calls, _, cumulative, _) in rows[:top]:
            short = "/".join(Path(filename).parts[-2:])
            print(f"{calls / measured:10.1f} {cumulative / measured * 1000:11.2f}  {short}:{line} {name}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--interval", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--save", help="write the profile to this file")
    args = parser.parse_args()
    asyncio.run(main(args.sessions, args.interval, args.rounds, args.top, args.save))
