"""Faults under load: Redis and PostgreSQL stopped and restarted, Google Maps and Gemini failing, while clients work.

    python bench/faults.py [--seconds 70] [--workers 8]

Clara runs as production does (`backend_server.py`) on stores this bench owns (bench/_clara_bench.py: its own
embedded PostgreSQL cluster and its own redis-server, never the machine's 5432/6379), with Google Maps and Gemini
pointed at the local fakes (tests/fakes). The workers mix cached reads (specs, search), priced job lists, travel
times, deficiency reports and analytics events (writes) and chat turns. The timeline, as fractions of the run:
Redis down 0.15-0.30, PostgreSQL down 0.40-0.50, Maps failing 0.60-0.70, Gemini failing 0.75-0.85.

Prints requests served, 5xx other than the contract's 503 JSON error (target 0), writes acknowledged but missing
from the database after a graceful stop (target 0), and for each fault the seconds from its end until the
dependency served again (target <= 5 s).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._clara_bench import TECHNICIAN, BenchClara, bench_clara  # noqa: E402
from tests.fakes import gemini  # noqa: E402
from tests.fakes.maps import FakeMaps  # noqa: E402

ORIGIN = (37.7793, -122.4193)
MODELS = ["50TCQA06", "48TCDD08", "40RUQA12", "LGH120H4B", "CR 3-8"]
QUERIES = ["NFPA 25 pressure gauge replacement", "quarterly alarm valve inspection", "fire pump churn test",
           "amp draw 50TCQA06", "sprinkler head replacement"]


@dataclass
class Tally:
    served: Counter[str] = field(default_factory=Counter)
    contract_503: Counter[str] = field(default_factory=Counter)
    unexpected: Counter[str] = field(default_factory=Counter)
    deficiencies: set[int] = field(default_factory=set)
    events: set[str] = field(default_factory=set)


class Run:
    def __init__(self, clara: BenchClara, maps: FakeMaps, fake_gemini: gemini.FakeGemini, seconds: float) -> None:
        self.clara, self.maps, self.gemini = clara, maps, fake_gemini
        self.seconds = seconds
        self.started = time.monotonic()
        self.tally = Tally()
        technician = clara.user(TECHNICIAN)
        self.user_id = technician.id
        self.headers = {"Authorization": f"Bearer {clara.token(TECHNICIAN)}"}
        with psycopg.connect(clara.database_url) as conn:
            self.jobs = [r[0] for r in conn.execute("SELECT id FROM jobs WHERE technician_id = %s", (self.user_id,))]
        self.gemini_failing = False
        self.recovery: dict[str, float] = {}
        self.counter = itertools.count()
        self.marker = f"faults-{uuid.uuid4().hex[:12]}"  # the session id of this run's analytics events

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def running(self) -> bool:
        return self.elapsed() < self.seconds

    async def request(self, client: httpx.AsyncClient, kind: str, method: str, url: str,
                      **kwargs: Any) -> httpx.Response | None:
        try:
            response = await client.request(method, url, headers=self.headers, timeout=30, **kwargs)
        except httpx.HTTPError as exc:
            self.tally.unexpected[f"{kind}: {type(exc).__name__}"] += 1
            return None
        if response.status_code == 503 and _contract_error(response):
            self.tally.contract_503[kind] += 1
        elif response.status_code >= 500:
            self.tally.unexpected[f"{kind}: {response.status_code}"] += 1
        else:
            self.tally.served[kind] += 1
        return response

    async def worker(self, client: httpx.AsyncClient, rng: random.Random) -> None:
        while self.running():
            roll = rng.random()
            if roll < 0.30:
                await self.request(client, "spec", "GET", f"/clara-server/equipment/{rng.choice(MODELS)}")
            elif roll < 0.50:
                await self.request(client, "search", "GET", "/clara-server/knowledge/search",
                                   params={"query": rng.choice(QUERIES), "k": 5})
            elif roll < 0.65:
                await self.request(client, "jobs", "GET", "/jobs",
                                   params={"latitude": ORIGIN[0], "longitude": ORIGIN[1]})
            elif roll < 0.75:
                destination = {"latitude": 37.70 + rng.random() / 10, "longitude": -122.30 + rng.random() / 10}
                await self.request(client, "travel", "POST", "/clara-server/travel-time",
                                   json={"origin": {"latitude": ORIGIN[0], "longitude": ORIGIN[1]},
                                         "destination": destination})
            elif roll < 0.85:
                response = await self.request(
                    client, "deficiency", "POST", f"/jobs/{rng.choice(self.jobs)}/deficiencies",
                    json={"severity": "suggested", "description": f"faults bench {next(self.counter)}"})
                if response is not None and response.status_code == 201:
                    self.tally.deficiencies.add(int(response.json()["id"]))
            elif roll < 0.97:
                event_id = str(uuid.uuid4())
                response = await self.request(client, "event", "POST", "/clara-server/analytics/event",
                                              json={"type": "faults_bench", "event_id": event_id,
                                                    "session_id": self.marker})
                if response is not None and response.status_code == 202:
                    self.tally.events.add(event_id)
            else:
                await self.request(client, "chat", "POST", f"/voice/chat/{self.user_id}",
                                   json={"message": "What's the amp draw on the 50TCQA06?"})

    async def keep_gemini_scripted(self) -> None:
        """The fake plays one reply per request: keep it stocked with answers, or with errors while failing."""
        while self.running():
            if len(self.gemini.script) < 50:
                reply = gemini.error(503) if self.gemini_failing else gemini.text("About 17 amps.")
                self.gemini.then(*[reply] * 50)
            await asyncio.sleep(0.05)

    async def fault(self, name: str, start: float, end: float, down: Callable[[], Awaitable[None]],
                    up: Callable[[], Awaitable[None]], healthy: Callable[[httpx.AsyncClient], Awaitable[bool]],
                    client: httpx.AsyncClient) -> None:
        await asyncio.sleep(max(0.0, start * self.seconds - self.elapsed()))
        print(f"{self.elapsed():6.1f} s  {name} down")
        await down()
        await asyncio.sleep(max(0.0, end * self.seconds - self.elapsed()))
        await up()
        restored = time.monotonic()
        print(f"{self.elapsed():6.1f} s  {name} back")
        while not await healthy(client):
            await asyncio.sleep(0.1)
        self.recovery[name] = time.monotonic() - restored

    async def redis_ok(self, client: httpx.AsyncClient) -> bool:
        body = (await client.get("/health", timeout=10)).json()
        return bool(body["checks"]["redis"]["state"] == "ok")

    async def postgres_ok(self, client: httpx.AsyncClient) -> bool:
        response = await self.request(client, "deficiency", "POST", f"/jobs/{self.jobs[0]}/deficiencies",
                                      json={"severity": "suggested", "description": "faults bench probe"})
        if response is not None and response.status_code == 201:
            self.tally.deficiencies.add(int(response.json()["id"]))
            return True
        return False

    async def maps_ok(self, client: httpx.AsyncClient) -> bool:
        spot = {"latitude": 37.6 + random.random() / 10, "longitude": -122.2}
        response = await self.request(client, "travel", "POST", "/clara-server/travel-time",
                                      json={"origin": {"latitude": ORIGIN[0], "longitude": ORIGIN[1]},
                                            "destination": spot})
        return response is not None and response.status_code == 200 and response.json()["source"] == "google"

    async def gemini_ok(self, client: httpx.AsyncClient) -> bool:
        body = (await client.get("/health", timeout=10)).json()
        return bool(body["checks"].get("llm", {}).get("state") == "ok")

    async def run(self, workers: int) -> None:
        clara = self.clara
        limits = httpx.Limits(max_connections=workers + 4)
        async with httpx.AsyncClient(base_url=clara.url, limits=limits) as client:

            async def set_gemini(failing: bool) -> None:
                self.gemini_failing = failing
                self.gemini.script.clear()

            async def set_maps(mode: str) -> None:
                self.maps.set(mode)  # type: ignore[arg-type]

            faults = [
                self.fault("redis", 0.15, 0.30, lambda: asyncio.to_thread(clara.redis.stop),
                           lambda: asyncio.to_thread(clara.redis.start), self.redis_ok, client),
                self.fault("postgres", 0.40, 0.50, lambda: asyncio.to_thread(clara.postgres.stop),
                           lambda: asyncio.to_thread(clara.postgres.start), self.postgres_ok, client),
                self.fault("maps", 0.60, 0.70, lambda: set_maps("unavailable"), lambda: set_maps("ok"),
                           self.maps_ok, client),
                self.fault("gemini", 0.75, 0.85, lambda: set_gemini(True), lambda: set_gemini(False),
                           self.gemini_ok, client),
            ]
            rngs = [random.Random(n) for n in range(workers)]
            await asyncio.gather(self.keep_gemini_scripted(), *faults,
                                 *(self.worker(client, rng) for rng in rngs))


def _contract_error(response: httpx.Response) -> bool:
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(error, dict) and {"code", "message"} <= set(error) and "retry-after" in response.headers


def missing_writes(clara: BenchClara, run: Run) -> tuple[int, int]:
    with psycopg.connect(clara.database_url) as conn:
        found = {r[0] for r in conn.execute("SELECT id FROM deficiencies WHERE id = ANY(%s)",
                                            (sorted(run.tally.deficiencies),))}
        row = conn.execute("SELECT count(*) FROM analytics_events WHERE session_id = %s", (run.marker,)).fetchone()
    stored = row[0] if row else 0
    return len(run.tally.deficiencies - found), max(0, len(run.tally.events) - stored)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=70)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    maps = FakeMaps().start()
    fake_gemini = await gemini.FakeGemini().start()
    fake_gemini.then(*[gemini.text("About 17 amps.")] * 50)
    try:
        with bench_clara(GOOGLE_MAPS_API_KEY=maps.api_key, GOOGLE_MAPS_BASE_URL=maps.base_url,
                         GOOGLE_API_KEY="fake-gemini-key", GOOGLE_GEMINI_BASE_URL=fake_gemini.url) as clara:
            print(f"clara up in {clara.startup_seconds:.0f} s; {args.workers} workers for {args.seconds:.0f} s")
            run = Run(clara, maps, fake_gemini, args.seconds)
            await run.run(args.workers)
            clara.process.terminate()  # SIGTERM, as a platform stops it: buffered analytics events are flushed
            lost_deficiencies, lost_events = missing_writes(clara, run)
    finally:
        await fake_gemini.stop()
        maps.stop()
    tally = run.tally
    served = ", ".join(f"{k} {v}" for k, v in sorted(tally.served.items()))
    print(f"requests served: {sum(tally.served.values())} ({served})")
    print(f"contract 503s while a store was down: {sum(tally.contract_503.values())} "
          f"({', '.join(f'{k} {v}' for k, v in sorted(tally.contract_503.items())) or 'none'})")
    print(f"unexpected 5xx or dropped connections: {sum(tally.unexpected.values())} "
          f"{dict(tally.unexpected) or ''} (target 0)")
    print(f"writes acknowledged: {len(tally.deficiencies)} deficiencies, {len(tally.events)} events; "
          f"lost: {lost_deficiencies} deficiencies, {lost_events} events (target 0)")
    for name in ("redis", "postgres", "maps", "gemini"):
        seconds = run.recovery.get(name)
        verdict = "did not recover" if seconds is None else f"{seconds:.1f} s ({'met' if seconds <= 5 else 'NOT met'})"
        print(f"recovery after {name} returned: {verdict} (target <= 5 s)")


if __name__ == "__main__":
    asyncio.run(main())
