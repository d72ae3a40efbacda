"""Faults under load, one scenario at a time, each checked for lost writes, recovery time and /health latency.

    python bench/faults.py [--workers 8] [--down 8] [--only redis_kill postgres_hang ...]

Clara runs as production does (`backend_server.py`) on stores this bench owns (bench/_clara_bench.py: its own
embedded PostgreSQL cluster and redis-server, never the machine's 5432/6379), with Google Maps and Gemini pointed
at the local fakes (tests/fakes). Workers mix cached reads (specs, search), priced job lists, travel times,
deficiency reports and analytics events (writes) and chat turns, while a process of its own asks /health every
100 ms (bench/_health_probe.py).

Scenarios, in order (DOWN is --down seconds):
- redis_kill: redis-server SIGKILLed, started again (empty) after DOWN.
- postgres_kill: PostgreSQL stopped in immediate mode (a crash: no checkpoint, recovery at start), back after DOWN.
- postgres_hang: every PostgreSQL process SIGSTOPped (connections stay open, nothing answers), SIGCONT after DOWN.
- postgres_down_at_sigterm: PostgreSQL stopped, Clara SIGTERMed while it is down, then both started again.
- clara_sigkill: Clara SIGKILLed under load, then started again.
- external_apis: Google Maps failing for DOWN, then Gemini failing for DOWN.

Per scenario: requests served, the contract's 503s, unexpected 5xx or dropped connections (target 0; refused
connections while Clara itself restarts are counted apart), writes acknowledged (201 deficiencies, 202 events)
and how many are missing from PostgreSQL once the scenario settled (target 0), recovery: seconds from the
fault's end until the dependency serves again (target <= 5 s; after a Clara restart, from the moment it serves),
and /health latency p50/p99/max (target p99 <= 1 s).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._clara_bench import TECHNICIAN, BenchClara, bench_clara  # noqa: E402
from bench._fault_report import Scenario, report, summary  # noqa: E402
from bench._health_probe import HealthPoller, Sample  # noqa: E402
from clara.analytics.events import event_uuid  # noqa: E402
from tests.fakes import gemini  # noqa: E402
from tests.fakes.maps import FakeMaps  # noqa: E402

ORIGIN = (37.7793, -122.4193)
MODELS = ["50TCQA06", "48TCDD08", "40RUQA12", "LGH120H4B", "CR 3-8"]
QUERIES = ["NFPA 25 pressure gauge replacement", "quarterly alarm valve inspection", "fire pump churn test",
           "amp draw 50TCQA06", "sprinkler head replacement"]
HEALTH_TIMEOUT = 10.0  # a /health slower than this counts as this long
SETTLE_SECONDS = 60.0  # how long acknowledged writes may take to show up once a scenario ends


class Bench:
    def __init__(self, clara: BenchClara, maps: FakeMaps, fake_gemini: gemini.FakeGemini, workers: int,
                 down: float) -> None:
        self.clara, self.maps, self.gemini = clara, maps, fake_gemini
        self.workers = workers
        self.down = down
        technician = clara.user(TECHNICIAN)
        self.user_id = technician.id
        self.headers = {"Authorization": f"Bearer {clara.token(TECHNICIAN)}"}
        with psycopg.connect(clara.database_url) as conn:
            self.jobs = [r[0] for r in conn.execute("SELECT id FROM jobs WHERE technician_id = %s", (self.user_id,))]
        self.gemini_failing = False
        self.clara_away = False
        self.away: list[tuple[float, float]] = []  # (from, to) monotonic seconds while Clara itself restarted
        self.loading = False
        self.counter = itertools.count()
        self.started = time.monotonic()
        self.scenario = Scenario("start", "faults-start")
        self.client = httpx.AsyncClient(base_url=clara.url, limits=httpx.Limits(max_connections=workers + 4))
        self.prober = httpx.AsyncClient(base_url=clara.url)  # the recovery checks' /health

    def say(self, text: str) -> None:
        print(f"{time.monotonic() - self.started:7.1f} s  {self.scenario.name}: {text}", flush=True)

    # -- load ---------------------------------------------------------------------------------------------------

    async def request(self, kind: str, method: str, url: str, **kwargs: Any) -> httpx.Response | None:
        scenario = self.scenario
        try:
            response = await self.client.request(method, url, headers=self.headers, timeout=30, **kwargs)
        except httpx.HTTPError as exc:
            if self.clara_away:
                scenario.clara_away += 1
            else:
                scenario.unexpected[f"{kind}: {type(exc).__name__}"] += 1
            return None
        if response.status_code == 503 and _contract_error(response):
            scenario.contract_503[kind] += 1
        elif response.status_code >= 500:
            scenario.unexpected[f"{kind}: {response.status_code}"] += 1
        else:
            scenario.served[kind] += 1
        return response

    async def worker(self, rng: random.Random) -> None:
        while self.loading:
            if self.clara_away:
                await asyncio.sleep(0.05)
                continue
            roll = rng.random()
            if roll < 0.30:
                await self.request("spec", "GET", f"/clara-server/equipment/{rng.choice(MODELS)}")
            elif roll < 0.50:
                await self.request("search", "GET", "/clara-server/knowledge/search",
                                   params={"query": rng.choice(QUERIES), "k": 5})
            elif roll < 0.65:
                await self.request("jobs", "GET", "/jobs", params={"latitude": ORIGIN[0], "longitude": ORIGIN[1]})
            elif roll < 0.75:
                destination = {"latitude": 37.70 + rng.random() / 10, "longitude": -122.30 + rng.random() / 10}
                await self.request("travel", "POST", "/clara-server/travel-time",
                                   json={"origin": {"latitude": ORIGIN[0], "longitude": ORIGIN[1]},
                                         "destination": destination})
            elif roll < 0.85:
                await self.deficiency(rng.choice(self.jobs))
            elif roll < 0.97:
                await self.event()
            else:
                await self.request("chat", "POST", f"/voice/chat/{self.user_id}",
                                   json={"message": "What's the amp draw on the 50TCQA06?"})

    async def deficiency(self, job_id: int) -> bool:
        scenario = self.scenario
        response = await self.request("deficiency", "POST", f"/jobs/{job_id}/deficiencies",
                                      json={"severity": "suggested", "description": f"faults {next(self.counter)}"})
        if response is not None and response.status_code == 201:
            scenario.deficiencies.add(int(response.json()["id"]))
            return True
        return False

    async def event(self) -> None:
        scenario = self.scenario
        event_id = f"{scenario.marker}-{next(self.counter)}"
        response = await self.request("event", "POST", "/clara-server/analytics/event",
                                      json={"type": "faults_bench", "event_id": event_id,
                                            "session_id": scenario.marker})
        if response is not None and response.status_code == 202:
            scenario.events.add(event_id)

    async def keep_gemini_scripted(self) -> None:
        """The fake plays one reply per request: keep it stocked with answers, or with errors while failing."""
        while True:
            if len(self.gemini.script) < 50:
                reply = gemini.error(503) if self.gemini_failing else gemini.text("About 17 amps.")
                self.gemini.then(*[reply] * 50)
            await asyncio.sleep(0.05)

    def count_health(self, samples: list[Sample]) -> None:
        """The poller's answers, less those asked or cut while Clara itself was restarting (refused, as expected)."""
        for started, ended, seconds in samples:
            if any(since <= started <= until or since <= ended <= until for since, until in self.away):
                continue
            if seconds is None:
                self.scenario.unexpected["health: no answer"] += 1
            else:
                self.scenario.health.append(seconds)

    # -- checks -------------------------------------------------------------------------------------------------

    async def health(self) -> dict[str, Any]:
        try:
            return dict((await self.prober.get("/health", timeout=HEALTH_TIMEOUT)).json())
        except (httpx.HTTPError, ValueError):
            return {}

    async def check(self, name: str) -> bool:
        return bool((await self.health()).get("checks", {}).get(name, {}).get("state") == "ok")

    async def writes_ok(self) -> bool:
        return await self.deficiency(self.jobs[0])

    async def maps_ok(self) -> bool:
        spot = {"latitude": 37.6 + random.random() / 10, "longitude": -122.2}
        response = await self.request("travel", "POST", "/clara-server/travel-time",
                                      json={"origin": {"latitude": ORIGIN[0], "longitude": ORIGIN[1]},
                                            "destination": spot})
        return response is not None and response.status_code == 200 and response.json()["source"] == "google"

    async def recovered(self, since: float, checks: dict[str, Callable[[], Awaitable[bool]]]) -> None:
        """Seconds from `since` until each check passes (None after a minute)."""
        async def one(label: str, check: Callable[[], Awaitable[bool]]) -> None:
            deadline = since + 60
            while not await check():
                if time.monotonic() > deadline:
                    self.scenario.recovery[label] = None
                    return
                await asyncio.sleep(0.1)
            self.scenario.recovery[label] = time.monotonic() - since

        await asyncio.gather(*(one(label, check) for label, check in checks.items()))

    def missing(self) -> tuple[set[int], set[uuid.UUID]]:
        scenario = self.scenario
        with psycopg.connect(self.clara.database_url) as conn:
            found = {r[0] for r in conn.execute("SELECT id FROM deficiencies WHERE id = ANY(%s)",
                                                (sorted(scenario.deficiencies),))}
            stored = {r[0] for r in conn.execute("SELECT id FROM analytics_events WHERE session_id = %s",
                                                 (scenario.marker,))}
        acknowledged = {event_uuid(self.user_id, e) for e in scenario.events}
        return scenario.deficiencies - found, acknowledged - stored

    async def settle(self) -> None:
        ended = time.monotonic()
        while True:
            deficiencies, events = await asyncio.to_thread(self.missing)
            if not deficiencies and not events:
                self.scenario.settled_seconds = time.monotonic() - ended
                break
            if time.monotonic() - ended > SETTLE_SECONDS:
                break
            await asyncio.sleep(0.5)
        self.scenario.lost_deficiencies, self.scenario.lost_events = len(deficiencies), len(events)

    # -- scenarios ----------------------------------------------------------------------------------------------

    async def run(self, name: str, body: Callable[[], Awaitable[None]]) -> Scenario:
        self.scenario = Scenario(name, f"faults-{name}-{uuid.uuid4().hex[:8]}")
        self.loading = True
        rngs = [random.Random(f"{name}-{n}") for n in range(self.workers)]
        poller = HealthPoller(self.clara.url, every=0.1, timeout=HEALTH_TIMEOUT)
        tasks = [asyncio.create_task(self.worker(rng)) for rng in rngs]
        try:
            await body()
        finally:
            self.loading = False
            await asyncio.gather(*tasks)
            self.count_health(await asyncio.to_thread(poller.stop))
        await self.settle()
        report(self.scenario)
        return self.scenario

    async def redis_kill(self) -> None:
        redis = self.clara.redis
        await asyncio.sleep(5)
        self.say("redis-server SIGKILLed")
        await asyncio.to_thread(redis.stop)
        await asyncio.sleep(self.down)
        await asyncio.to_thread(redis.start)
        self.say("redis-server back")
        await self.recovered(time.monotonic(), {"redis": lambda: self.check("redis")})
        await asyncio.sleep(3)

    async def postgres_outage(self, stop: Callable[[], None], start: Callable[[], None], what: str) -> None:
        await asyncio.sleep(5)
        self.say(what)
        await asyncio.to_thread(stop)
        await asyncio.sleep(self.down)
        await asyncio.to_thread(start)
        self.say("PostgreSQL back")
        await self.recovered(time.monotonic(), {
            "writes": self.writes_ok,
            "health": lambda: self.check("postgres"),
            "analytics journal drained": lambda: self.check("analytics"),
        })
        await asyncio.sleep(3)

    async def postgres_kill(self) -> None:
        pg = self.clara.postgres
        await self.postgres_outage(pg.kill, pg.start, "PostgreSQL killed (immediate stop)")

    async def postgres_hang(self) -> None:
        pg = self.clara.postgres
        await self.postgres_outage(pg.hang, pg.resume, "PostgreSQL hung (SIGSTOP)")

    async def postgres_down_at_sigterm(self) -> None:
        pg, process = self.clara.postgres, self.clara.process
        await asyncio.sleep(5)
        self.say("PostgreSQL stopped")
        await asyncio.to_thread(pg.stop)
        await asyncio.sleep(self.down / 2)
        self.say("Clara SIGTERMed")
        self.clara_away, away_since = True, time.monotonic()
        code, seconds = await asyncio.to_thread(process.terminate)
        self.scenario.notes.append(f"SIGTERM with PostgreSQL down: exit {code} in {seconds:.1f} s")
        await asyncio.to_thread(pg.start)
        await self.restart_clara(away_since)

    async def clara_sigkill(self) -> None:
        process = self.clara.process
        await asyncio.sleep(6)
        self.say("Clara SIGKILLed")
        self.clara_away, away_since = True, time.monotonic()
        assert process.process is not None
        process.process.kill()
        await asyncio.to_thread(process.process.wait)
        await self.restart_clara(away_since)

    async def restart_clara(self, away_since: float) -> None:
        started = time.monotonic()
        await asyncio.to_thread(self.clara.process.start, timeout=300)
        self.clara_away = False
        serving = time.monotonic()
        self.away.append((away_since, serving))
        self.say(f"Clara serving again ({serving - started:.0f} s to start)")
        await self.recovered(serving, {
            "writes": self.writes_ok,
            "analytics journal replayed": lambda: self.check("analytics"),
        })
        await asyncio.sleep(3)

    async def external_apis(self) -> None:
        await asyncio.sleep(3)
        self.say("Google Maps failing")
        self.maps.set("unavailable")
        await asyncio.sleep(self.down)
        self.maps.set("ok")
        await self.recovered(time.monotonic(), {"maps": self.maps_ok})
        self.say("Gemini failing")
        self.gemini_failing = True
        self.gemini.script.clear()
        await asyncio.sleep(self.down)
        self.gemini_failing = False
        self.gemini.script.clear()
        await self.recovered(time.monotonic(), {"gemini": lambda: self.check("llm")})
        await asyncio.sleep(3)

    async def close(self) -> None:
        await self.client.aclose()
        await self.prober.aclose()


SCENARIOS = ["redis_kill", "postgres_kill", "postgres_hang", "postgres_down_at_sigterm", "clara_sigkill",
             "external_apis"]


def _contract_error(response: httpx.Response) -> bool:
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(error, dict) and {"code", "message"} <= set(error) and "retry-after" in response.headers


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--down", type=float, default=8, help="seconds each fault lasts")
    parser.add_argument("--only", nargs="*", choices=SCENARIOS, help="run only these scenarios")
    args = parser.parse_args()
    maps = FakeMaps().start()
    fake_gemini = await gemini.FakeGemini().start()
    fake_gemini.then(*[gemini.text("About 17 amps.")] * 50)
    results: list[Scenario] = []
    try:
        with bench_clara(GOOGLE_MAPS_API_KEY=maps.api_key, GOOGLE_MAPS_BASE_URL=maps.base_url,
                         GOOGLE_API_KEY="fake-gemini-key", GOOGLE_GEMINI_BASE_URL=fake_gemini.url) as clara:
            print(f"clara up in {clara.startup_seconds:.0f} s; {args.workers} workers; faults last {args.down:g} s",
                  flush=True)
            bench = Bench(clara, maps, fake_gemini, args.workers, args.down)
            scripted = asyncio.create_task(bench.keep_gemini_scripted())
            try:
                for name in args.only or SCENARIOS:
                    results.append(await bench.run(name, getattr(bench, name)))
            finally:
                scripted.cancel()
                await bench.close()
            code, seconds = clara.process.terminate()
            print(f"final SIGTERM: exit {code} in {seconds:.1f} s")
    finally:
        await fake_gemini.stop()
        maps.stop()
    summary(results)

if __name__ == "__main__":
    asyncio.run(main())
