"""Soak: mixed traffic against one Clara process for a while, with Redis and PostgreSQL each restarted once.

The load comes from this process (a second one, on loopback) and goes to a server on stores the bench owns
(bench/_clara_bench.py), never the machine's shared 5432/6379. Traffic: REST reads, chat over WebSockets,
knowledge uploads, analytics events, deficiency reports, and dispatcher job updates whose `job_updated` frame is
timed on the technician's socket. Redis goes down at 1/3 of the run, PostgreSQL at 2/3.

Prints requests served, the contract's retryable refusals while a store restarts (503 with Retry-After, or a
WebSocket `database_unavailable` error), unexpected errors by kind (target: none, `internal_error` included), the
server's own error lines, its RSS after warm-up and at the end (target: growth <= 10 %), live-update latency, and
events and deficiencies acknowledged (202/201) vs found in the database after a graceful stop (target: equal).

    python bench/soak.py [--seconds 600] [--workers 6]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import re
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import psutil
import psycopg
import websockets

from _clara_bench import DISPATCHER, TECHNICIAN, BenchClara, bench_clara


@dataclass
class Tally:
    served: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)  # the contract's retryable answers during an outage
    errors: Counter[str] = field(default_factory=Counter)
    events_acked: set[str] = field(default_factory=set)
    deficiencies_acked: set[int] = field(default_factory=set)
    live_latencies: list[float] = field(default_factory=list)
    chat_turns: int = 0

    def result(self, kind: str, status: int | None, error: str | None = None) -> None:
        if status is not None and status < 500 and status not in (401, 403, 404, 429):
            self.served[kind] += 1
        else:
            self.errors[f"{kind}: {error or status}"] += 1


class Soak:
    def __init__(self, clara: BenchClara, seconds: float, marker: str) -> None:
        self.clara = clara
        self.deadline = time.monotonic() + seconds
        self.marker = marker
        self.tally = Tally()
        self.technician = clara.user(TECHNICIAN)
        self.tech_headers = {"Authorization": f"Bearer {clara.token(TECHNICIAN)}"}
        self.dispatch_headers = {"Authorization": f"Bearer {clara.token(DISPATCHER)}"}
        with psycopg.connect(clara.database_url) as conn:
            self.jobs = [r[0] for r in conn.execute(
                "SELECT id FROM jobs WHERE technician_id = %s ORDER BY id", (self.technician.id,))]
        self.pending_live: dict[str, float] = {}
        self.counter = itertools.count()

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    async def call(self, client: httpx.AsyncClient, kind: str, method: str, url: str, **kwargs: Any) -> httpx.Response | None:
        try:
            response = await client.request(method, url, timeout=30, **kwargs)
        except httpx.HTTPError as exc:
            self.tally.result(kind, None, type(exc).__name__)
            return None
        if response.status_code == 503 and "retry-after" in response.headers and _contract_error(response):
            self.tally.refused[f"{kind}: {response.json()['error']['code']}"] += 1
        else:
            self.tally.result(kind, response.status_code)
        return response

    async def rest_worker(self, seed: int) -> None:
        rng = random.Random(seed)
        async with httpx.AsyncClient(base_url=self.clara.url) as client:
            while self.running():
                action = rng.choices(["read", "event", "deficiency", "upload", "patch"], [60, 20, 8, 4, 8])[0]
                await getattr(self, f"do_{action}")(client, rng)

    async def do_read(self, client: httpx.AsyncClient, rng: random.Random) -> None:
        url = rng.choice(["/jobs?latitude=37.79&longitude=-122.39", "/daily-brief", "/clara-server/crm/customers",
                          "/clara-server/knowledge/search?query=sprinkler%20inspection", "/clara-server/equipment/50TCQA06",
                          f"/jobs/{rng.choice(self.jobs)}", f"/clara-server/users/{self.technician.id}/preferences"])
        await self.call(client, "GET " + url.split("?")[0].rsplit("/", 1)[0] + "/...", "GET", url, headers=self.tech_headers)

    async def do_event(self, client: httpx.AsyncClient, rng: random.Random) -> None:
        event_id = f"{self.marker}-{next(self.counter)}"
        response = await self.call(client, "POST event", "POST", "/clara-server/analytics/event", headers=self.tech_headers,
                                   json={"type": "soak_probe", "session_id": self.marker, "event_id": event_id})
        if response is not None and response.status_code == 202:
            self.tally.events_acked.add(event_id)

    async def do_deficiency(self, client: httpx.AsyncClient, rng: random.Random) -> None:
        response = await self.call(client, "POST deficiency", "POST", f"/jobs/{rng.choice(self.jobs)}/deficiencies",
                                   headers=self.tech_headers, json={"severity": "deficient",
                                   "description": f"{self.marker} gauge out of date #{next(self.counter)}"})
        if response is not None and response.status_code == 201:
            self.tally.deficiencies_acked.add(int(response.json()["id"]))

    async def do_upload(self, client: httpx.AsyncClient, rng: random.Random) -> None:
        text = f"# Soak note {uuid.uuid4().hex}\n\nRiser room {rng.randint(1, 99)}: check the gauge and the FDC caps.\n"
        await self.call(client, "POST upload", "POST", "/clara-server/knowledge/documents", headers=self.dispatch_headers,
                        files={"file": ("note.md", text.encode(), "text/markdown")}, data={"source": "uploads"})

    async def do_patch(self, client: httpx.AsyncClient, rng: random.Random) -> None:
        note = f"{self.marker} note {next(self.counter)}"
        self.pending_live[note] = time.monotonic()
        await self.call(client, "PATCH job", "PATCH", f"/jobs/{rng.choice(self.jobs)}", headers=self.dispatch_headers,
                        json={"notes": note})

    async def chat_worker(self, seed: int) -> None:
        """One technician socket: chat turns, and the live job updates the patches above cause."""
        rng = random.Random(seed)
        url = f"{self.clara.ws_url}/voice/ws/{self.technician.id}?token={self.tech_headers['Authorization'][7:]}"
        questions = ["What's my next job?", "What's the amp draw on the Carrier 50TCQA06?",
                     "What does NFPA 25 say about quarterly alarm valve inspections?", "Who's the customer at WeWork?"]
        while self.running():
            try:
                async with websockets.connect(url, open_timeout=10) as ws:
                    while self.running():
                        await ws.send(json.dumps({"type": "message", "text": rng.choice(questions)}))
                        while True:
                            frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
                            if frame["type"] == "job_updated":
                                sent = self.pending_live.pop(frame["job"].get("notes") or "", None)
                                if sent is not None:
                                    self.tally.live_latencies.append(time.monotonic() - sent)
                            elif frame["type"] == "done":
                                self.tally.chat_turns += 1
                                self.tally.result("WS chat turn", 200)
                                break
                            elif frame["type"] == "error" and frame.get("retry_after"):
                                self.tally.refused[f"WS chat turn: {frame['code']}"] += 1
                                break
                            elif frame["type"] == "error":
                                self.tally.result("WS chat turn", None, frame.get("code"))
                                break
            except (OSError, asyncio.TimeoutError, websockets.WebSocketException) as exc:
                self.tally.result("WS connection", None, type(exc).__name__)
                await asyncio.sleep(0.5)

    async def outages(self, seconds: float) -> None:
        await asyncio.sleep(seconds / 3)
        print(f"[{time.strftime('%X')}] restarting Redis", flush=True)
        self.clara.redis.stop()
        await asyncio.sleep(2)
        await asyncio.to_thread(self.clara.redis.start)
        await asyncio.sleep(seconds / 3)
        print(f"[{time.strftime('%X')}] restarting PostgreSQL", flush=True)
        await asyncio.to_thread(self.clara.postgres.restart, 3.0)
        print(f"[{time.strftime('%X')}] PostgreSQL is back", flush=True)


def _contract_error(response: httpx.Response) -> bool:
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(error, dict) and {"code", "message"} <= set(error)


def server_errors(log_text: str) -> Counter[str]:
    """The server's own error lines, by event and the exception's last line (what an `internal_error` hid)."""
    found: Counter[str] = Counter()
    for line in log_text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict) or entry.get("level") not in ("error", "critical"):
            continue
        cause = (entry.get("exception") or "").strip().splitlines()[-1:] or [entry.get("error", "")]
        found[re.sub(r"\d+(\.\d+)?", "N", f"{entry.get('event')}: {cause[0]}")[:200]] += 1
    return found


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


async def soak(clara: BenchClara, seconds: float, workers: int) -> dict[str, Any]:
    marker = f"soak-{uuid.uuid4().hex[:8]}"
    run = Soak(clara, seconds, marker)
    assert clara.process.process is not None
    pid = clara.process.process.pid
    rss_ready = rss_mb(pid)
    samples: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(1.0):
            samples.append(rss_mb(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    tasks = [run.rest_worker(i) for i in range(workers)] + [run.chat_worker(100 + i) for i in range(2)]
    await asyncio.gather(run.outages(seconds), *tasks)
    stop.set()
    warm = samples[min(len(samples) - 1, max(1, len(samples) // 10))]  # after a tenth of the run: caches filled
    return {"run": run, "rss_ready": rss_ready, "rss_warm": warm, "rss_end": rss_mb(pid), "rss_peak": max(samples)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--workers", type=int, default=6, help="concurrent REST clients (plus two chat sockets)")
    args = parser.parse_args()
    with bench_clara(AGENT_WORKER_ENABLED="false", ANALYTICS_FLUSH_INTERVAL_SECONDS="1") as clara:
        print(f"server ready in {clara.startup_seconds:.0f} s; soaking for {args.seconds:.0f} s", flush=True)
        figures = asyncio.run(soak(clara, args.seconds, args.workers))
        code, stop_seconds = clara.process.terminate()  # graceful stop: the analytics buffer flushes
        with psycopg.connect(clara.database_url) as conn:  # PostgreSQL is still ours and still up
            run: Soak = figures["run"]
            events_written = conn.execute("SELECT count(*) FROM analytics_events WHERE session_id = %s",
                                          (run.marker,)).fetchone()[0]  # type: ignore[index]
            deficiencies_written = conn.execute("SELECT count(*) FROM deficiencies WHERE id = ANY(%s)",
                                                (list(run.tally.deficiencies_acked),)).fetchone()[0]  # type: ignore[index]
        errors_logged = server_errors(clara.logs())
    tally = figures["run"].tally
    served = sum(tally.served.values())
    growth = (figures["rss_end"] / figures["rss_warm"] - 1) * 100
    print(f"requests served: {served} ({dict(tally.served.most_common())}); chat turns {tally.chat_turns}")
    print(f"retryable refusals while a store restarted: {dict(tally.refused.most_common()) or 'none'}")
    print(f"unexpected errors by kind: {dict(tally.errors.most_common()) or 'none'} (target: none)")
    print(f"server error lines: {dict(errors_logged.most_common(10)) or 'none'}")
    print(f"server RSS: {figures['rss_ready']:.0f} MB ready, {figures['rss_warm']:.0f} MB after warm-up, "
          f"{figures['rss_end']:.0f} MB at the end (peak {figures['rss_peak']:.0f}); growth {growth:+.1f} % (target <= 10 %)")
    if tally.live_latencies:
        lat = sorted(tally.live_latencies)
        print(f"live job updates: {len(lat)} delivered, p50 {statistics.median(lat) * 1000:.0f} ms, "
              f"p95 {lat[int(len(lat) * 0.95) - 1] * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms")
    print(f"events: {len(tally.events_acked)} acknowledged, {events_written} written; "
          f"deficiencies: {len(tally.deficiencies_acked)} acknowledged, {deficiencies_written} written")
    print(f"graceful stop: exit {code} in {stop_seconds:.1f} s")
    ok = (events_written == len(tally.events_acked) and deficiencies_written == len(tally.deficiencies_acked)
          and growth <= 10 and code == 0 and not tally.errors)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
