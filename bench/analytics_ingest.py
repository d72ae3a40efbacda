"""Analytics ingest with durable acknowledgement: how many events a second Clara accepts when every 202 waits for
its group commit, and at what latency.

    python bench/analytics_ingest.py [--seconds 20] [--clients 1 16 64] [--batch 1]

Clara runs as production does (bench/_clara_bench.py: its own PostgreSQL and Redis). For each number of concurrent
clients, each client posts events (`--batch` per request: 1 uses POST /event, more POST /events) one request after
another for `--seconds`; requests waiting together share one transaction and one COPY. Prints events/s, request
latency p50/p99, and the acknowledged events found in PostgreSQL afterwards (target: all).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._clara_bench import TECHNICIAN, bench_clara  # noqa: E402


async def load(url: str, token: str, clients: int, seconds: float, batch: int) -> tuple[int, list[float], str]:
    marker = f"ingest-{uuid.uuid4().hex[:8]}"
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    acknowledged = 0

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal acknowledged
        while time.monotonic() < deadline:
            events = [{"type": "ingest_bench", "session_id": marker, "properties": {"n": n}} for n in range(batch)]
            started = time.monotonic()
            if batch == 1:
                response = await http.post("/clara-server/analytics/event", json=events[0])
            else:
                response = await http.post("/clara-server/analytics/events", json={"events": events})
            latencies.append(time.monotonic() - started)
            if response.status_code == 202:
                acknowledged += batch

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, limits=limits,
                                 timeout=30) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    return acknowledged, latencies, marker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--batch", type=int, default=1, help="events per request (at most 500)")
    args = parser.parse_args()
    with bench_clara(AGENT_WORKER_ENABLED="false") as clara:
        token = clara.token(TECHNICIAN)
        for clients in args.clients:
            acknowledged, latencies, marker = asyncio.run(load(clara.url, token, clients, args.seconds, args.batch))
            with psycopg.connect(clara.database_url) as conn:
                row = conn.execute("SELECT count(*) FROM analytics_events WHERE session_id = %s", (marker,)).fetchone()
            stored = row[0] if row else 0
            ordered = sorted(latencies)
            p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
            print(f"{clients:3} clients x {args.batch} event(s)/request: {acknowledged / args.seconds:7.0f} events/s, "
                  f"p50 {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms; "
                  f"acknowledged {acknowledged}, in PostgreSQL {stored}", flush=True)


if __name__ == "__main__":
    main()
