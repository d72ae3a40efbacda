"""Soak: mixed traffic against one Clara process for a while, with Redis and PostgreSQL each restarted once.

The load comes from this process (a second one, on loopback) and goes to a server on stores the bench owns
(bench/_clara_bench.py), never the machine's shared 5432/6379. Traffic: REST reads, chat over WebSockets,
knowledge uploads, analytics events, deficiency reports, and dispatcher job updates whose `job_updated` frame is
timed on the technician's socket. Redis goes down at 1/3 of the run, PostgreSQL at 2/3. Uploads are deleted again
as a client cleaning up would, the oldest once `KEEP_UPLOADS` are stored (and the rest at the end), so the corpus
stays the same size: what the server's memory does then is its own, not the data the soak piled up.

Prints requests served, the contract's retryable refusals while a store restarts (503 with Retry-After, or a
WebSocket `database_unavailable` error), unexpected errors by kind (target: none, `internal_error` included), the
server's own error lines, its RSS after warm-up and at the end (target: growth <= 10 %), live-update latency, and
events and deficiencies acknowledged (202/201) vs found in the database after a graceful stop (target: equal).

    python bench/soak.py [--seconds 600] [--workers 6] [--tracemalloc]

`--tracemalloc` runs the server with tracemalloc on (slower: for finding what grows, not for the figures) and
prints the source lines whose live allocations grew most between the warm-up and the end.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import psycopg
import websockets

from _clara_bench import DISPATCHER, TECHNICIAN, BenchClara, bench_clara

KEEP_UPLOADS = 8  # the soak's own notes stored at once: searches still meet some, the corpus does not grow


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
        self.uploads: deque[int] = deque()  # document ids uploaded and not yet deleted, oldest first

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
        response = await self.call(client, "POST upload", "POST", "/clara-server/knowledge/documents",
                                   headers=self.dispatch_headers,
                                   files={"file": ("note.md", text.encode(), "text/markdown")}, data={"source": "uploads"})
        if response is not None and response.status_code in (200, 201, 202):
            self.uploads.append(int(response.json()["document_id"]))
        while len(self.uploads) > KEEP_UPLOADS:
            await self.delete_upload(client, self.uploads.popleft())

    async def delete_upload(self, client: httpx.AsyncClient, document_id: int) -> None:
        response = await self.call(client, "DELETE upload", "DELETE", f"/clara-server/knowledge/documents/{document_id}",
                                   headers=self.dispatch_headers)
        if response is None or response.status_code == 503:  # a store restarting: try again with the next upload
            self.uploads.appendleft(document_id)

    async def clean_up(self) -> None:
        """Delete the notes still stored, as a client would before it goes."""
        remaining, self.uploads = list(self.uploads), deque()
        async with httpx.AsyncClient(base_url=self.clara.url) as client:
            for document_id in remaining:
                await self.delete_upload(client, document_id)

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


# Imported by the server's interpreter at start (PYTHONPATH): SIGUSR2 dumps a tracemalloc snapshot to a file.
_SNAPSHOT_ON_SIGNAL = """
import os, signal, tracemalloc

def _dump(signum, frame):
    path = os.environ["SOAK_SNAPSHOT_PATH"]
    tracemalloc.take_snapshot().dump(path + ".part")
    os.replace(path + ".part", path)

signal.signal(signal.SIGUSR2, _dump)
"""


class Snapshots:
    """tracemalloc snapshots of the server, taken on demand (`--tracemalloc`)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="soak-tracemalloc-"))
        (self.dir / "sitecustomize.py").write_text(_SNAPSHOT_ON_SIGNAL)
        self.path = self.dir / "snapshot"

    def env(self) -> dict[str, str]:
        path = os.pathsep.join(filter(None, [str(self.dir), os.environ.get("PYTHONPATH")]))
        return {"PYTHONPATH": path, "PYTHONTRACEMALLOC": "1", "SOAK_SNAPSHOT_PATH": str(self.path)}

    async def take(self, pid: int) -> tracemalloc.Snapshot:
        self.path.unlink(missing_ok=True)
        os.kill(pid, signal.SIGUSR2)
        while not self.path.exists():
            await asyncio.sleep(0.2)
        return tracemalloc.Snapshot.load(str(self.path))


def print_growth(warm: tracemalloc.Snapshot, end: tracemalloc.Snapshot, top: int = 15) -> None:
    ignore = [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen importlib._bootstrap>")]
    stats = end.filter_traces(ignore).compare_to(warm.filter_traces(ignore), "lineno")
    print(f"live allocations grown most from warm-up to end (tracemalloc, top {top}):")
    for stat in stats[:top]:
        frame = stat.traceback[0]
        print(f"  {stat.size_diff / 2**10:+9.0f} KiB {stat.count_diff:+7d} blocks  {frame.filename}:{frame.lineno}")


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


async def soak(clara: BenchClara, seconds: float, workers: int, snapshots: Snapshots | None) -> dict[str, Any]:
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

    async def snapshot_after_warm_up() -> tracemalloc.Snapshot | None:
        await asyncio.sleep(seconds / 10)
        return await snapshots.take(pid) if snapshots else None

    warm_snapshot, *_ = await asyncio.gather(snapshot_after_warm_up(), run.outages(seconds), *tasks)
    await run.clean_up()
    stop.set()
    if snapshots and warm_snapshot:
        print_growth(warm_snapshot, await snapshots.take(pid))
    warm = samples[min(len(samples) - 1, max(1, len(samples) // 10))]  # after a tenth of the run: caches filled
    return {"run": run, "rss_ready": rss_ready, "rss_warm": warm, "rss_end": rss_mb(pid), "rss_peak": max(samples)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--workers", type=int, default=6, help="concurrent REST clients (plus two chat sockets)")
    parser.add_argument("--tracemalloc", action="store_true", help="print what grew (the server runs slower)")
    args = parser.parse_args()
    snapshots = Snapshots() if args.tracemalloc else None
    with bench_clara(AGENT_WORKER_ENABLED="false", ANALYTICS_FLUSH_INTERVAL_SECONDS="1",
                     **(snapshots.env() if snapshots else {})) as clara:
        print(f"server ready in {clara.startup_seconds:.0f} s; soaking for {args.seconds:.0f} s", flush=True)
        figures = asyncio.run(soak(clara, args.seconds, args.workers, snapshots))
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
