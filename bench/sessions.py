"""How many technicians can talk to one Clara process at once: concurrent WebSocket sessions, keyless.

A real `python backend_server.py` (its own PostgreSQL and Redis, see _clara_bench.py). The bench creates distinct
technicians directly in the database, each with two jobs later today at two demo sites, and opens one WebSocket per
technician (`Sec-WebSocket-Protocol: bearer, <token>`, then a `location` frame at the first job's site). Every session
sends a turn every `--interval` seconds (phases spread evenly), cycling through questions that resolve context: "my
next job", "the customer at my next site", "there", a spec and its follow-up by pronoun. Sessions are added in steps
and stay open; at each step the bench measures, over `--window` seconds, every turn's time from send to `done`, errors
(error frames, timeouts, closed sockets), the server's RSS per open session (RSS growth since before the first step,
divided by the sessions open), and the server process's CPU use and the bench's own, in cores (a bench near one core
adds its own wait to the turns' times).

Each step also prints what the turns cost PostgreSQL's write-ahead log, figures that hardly move with the machine's
load: durable commits per turn (the WAL's commit records over the window, read with pg_walinspect, divided by the
turns done) and WAL fsyncs per turn (pg_stat_io, PostgreSQL 18; pg_stat_wal before it). Each commit waits for a WAL
flush: at 300 sessions the turns queued behind those flushes (the same code at synchronous_commit=off held p95 41
ms where it had missed at 637 ms), so fewer commits per turn is what lets more sessions hold.

Before the steps, one more technician talks alone, turn after turn (`--solo-turns`): the offline turn's own time,
context resolution included, with nothing else running. (Its one-off warm-ups, the first turn's especially, are
then in the RSS baseline rather than counted per session.)

    python bench/sessions.py [--counts 100,200,300,400,500] [--window 60] [--interval 10] [--db-pool N]
                             [--no-suggestions] [--solo-turns 60]

Targets: the offline turn alone p50 <= 50 ms; at least 300 concurrent sessions with turn p95 <= 150 ms, no errors,
RSS per open session <= 1 MB. It prints the solo turn, each step and the largest count that holds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, time as clock, timedelta
from zoneinfo import ZoneInfo

import psycopg
from _clara_bench import BenchClara, bench_clara
from websockets.asyncio.client import ClientConnection, connect

from clara.web.caller import CurrentUser
from clara.auth.tokens import issue_token

TARGET_P95 = 0.150
TARGET_SOLO_P50 = 0.050
TARGET_RSS_PER_SESSION_MB = 1.0
TURN_TIMEOUT = 30.0
QUESTIONS = [
    "What's my next job?",
    "Who's the customer at my next site?",
    "Anything special I need to know before I show up there?",
    "What's the max fuse size on the 48TCDA12?",
    "And its MCA?",
    "What's due for inspection at this site?",
]


@dataclass
class Step:
    sessions: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rss_mb: float = 0.0
    cpu: float = 0.0  # the server process's CPU use over the window, in cores
    client_cpu: float = 0.0  # this bench's own, in cores: near 1.0, its event loop (not the server) adds the wait
    commits: int = 0  # durable commits (WAL commit records) over the window, every writer's
    fsyncs: int | None = None  # WAL fsyncs over the window (None: not readable on this server)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def per_turn(count: int | None, latencies: list[float]) -> str:
    return "n/a" if count is None or not latencies else f"{count / len(latencies):.2f}"


def server_rss_mb(clara: BenchClara) -> float:
    assert clara.process.process is not None
    with open(f"/proc/{clara.process.process.pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def server_cpu_seconds(clara: BenchClara) -> float:
    """User plus system CPU time the server process has used so far."""
    assert clara.process.process is not None
    with open(f"/proc/{clara.process.process.pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class WalCounters:
    """The bench database's WAL: where it ends now, and how many times it has been fsync'd so far."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect")  # contrib, shipped with PostgreSQL 15+

    def now(self) -> tuple[str, int | None]:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            lsn = conn.execute("SELECT pg_current_wal_flush_lsn()::text").fetchone()[0]  # type: ignore[index]
            try:  # PostgreSQL 18 counts WAL I/O in pg_stat_io; earlier versions in pg_stat_wal
                syncs = conn.execute("SELECT sum(fsyncs)::bigint FROM pg_stat_io WHERE object = 'wal'").fetchone()
            except psycopg.errors.UndefinedColumn:
                syncs = conn.execute("SELECT wal_sync FROM pg_stat_wal").fetchone()
        return lsn, None if syncs is None or syncs[0] is None else int(syncs[0])

    def commits(self, start: str, end: str) -> int:
        """Transactions that wrote and committed between two WAL positions (read-only ones log no commit)."""
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            row = conn.execute(
                'SELECT coalesce(sum(count), 0)::bigint FROM pg_get_wal_stats(%s::pg_lsn, %s::pg_lsn, true)'
                ' WHERE "resource_manager/record_type" = \'Transaction/COMMIT\'', (start, end)).fetchone()
        return int(row[0])  # type: ignore[index]


def technicians(database_url: str, count: int) -> list[tuple[CurrentUser, tuple[float, float]]]:
    """`count` new technicians, each standing at a demo site where a job of theirs is due later today, with another
    job at another site after it; returns them with where they stand. (With one job, where they stand, "my next
    site" was no job at all: every session's second question was a refusal, not the customer card it measures.)"""
    tz = ZoneInfo("America/Los_Angeles")
    now = datetime.now(tz)
    midnight = datetime.combine(now.date() + timedelta(days=1), clock(0, 0), tz)
    # Later today, whenever the bench runs: 22:00 and 23:00, or a third and two thirds of the way to midnight once
    # that has passed ("my next job" is then still today's job, not "no more scheduled jobs").
    start = max(midnight - timedelta(hours=2), now + (midnight - now) / 3)
    after = start + (midnight - start) / 2
    created = []
    with psycopg.connect(database_url, autocommit=True) as conn:
        sites = conn.execute("SELECT id, latitude, longitude FROM sites ORDER BY id").fetchall()
        first = conn.execute("SELECT count(*) FROM users").fetchone()[0]  # type: ignore[index]
        for n in range(count):
            email = f"bench.tech.{first + n}@clara.dev"
            user_id = conn.execute(
                "INSERT INTO users (email, name, role, password_hash, home_latitude, home_longitude)"
                " VALUES (%s, %s, 'technician', 'x', 37.7793, -122.4193) RETURNING id",
                (email, f"Bench Tech {first + n}"),
            ).fetchone()[0]  # type: ignore[index]
            conn.execute("INSERT INTO user_preferences (user_id) VALUES (%s)", (user_id,))
            (site_id, lat, lng), (then_id, _, _) = random.sample(sites, 2)
            for at, when in ((site_id, start), (then_id, after)):
                conn.execute(
                    "INSERT INTO jobs (site_id, technician_id, type, priority, scheduled_start, duration_minutes,"
                    " systems, notes) VALUES (%s, %s, 'inspection', 'normal', %s, 30, %s, 'bench job')",
                    (at, user_id, when, ["sprinkler"]),
                )
            created.append((CurrentUser(id=user_id, role="technician", email=email), (lat, lng)))
    return created


class Session:
    """One technician's socket, sending a turn every interval from its phase on."""

    def __init__(self, clara: BenchClara, user: CurrentUser, position: tuple[float, float]) -> None:
        self.clara = clara
        self.user = user
        self.position = position
        self.ws: ClientConnection | None = None
        self.turn = 0

    async def open(self) -> None:
        token = issue_token(self.user, secret=self.clara.jwt_secret, ttl_seconds=24 * 3600)
        self.ws = await connect(f"{self.clara.ws_url}/voice/ws/{self.user.id}", open_timeout=30,
                                subprotocols=["bearer", token])  # type: ignore[list-item]
        await self.ws.send(json.dumps({"type": "location", "latitude": self.position[0],
                                       "longitude": self.position[1]}))

    async def ask(self, step: Step) -> None:
        assert self.ws is not None
        question = QUESTIONS[self.turn % len(QUESTIONS)]
        self.turn += 1
        started = time.perf_counter()
        try:
            await self.ws.send(json.dumps({"type": "message", "text": question}))
            while True:
                # Not asyncio.wait_for: on Python 3.11 it swallows a cancellation that arrives as the frame does,
                # so a session task outlived the bench's teardown and the run never exited.
                async with asyncio.timeout(TURN_TIMEOUT):
                    event = json.loads(await self.ws.recv())
                if event["type"] == "done":
                    step.latencies.append(time.perf_counter() - started)
                    return
                if event["type"] == "error":
                    step.errors.append(f"{event['code']}: {event['message']}")
                    return
        except Exception as exc:  # a timeout or a closed socket is an error of the step, not of the bench
            step.errors.append(type(exc).__name__)

    async def run(self, phase: float, interval: float, steps: list[Step]) -> None:
        await asyncio.sleep(phase)
        while True:
            await self.ask(steps[-1])
            await asyncio.sleep(interval)


async def alone(clara: BenchClara, wal: WalCounters, user: CurrentUser, position: tuple[float, float],
                turns: int) -> None:
    """One session with the server to itself, asking the questions in turn, each as soon as the last is done."""
    session = Session(clara, user, position)
    await session.open()
    step = Step(1)
    wal_before, _ = await asyncio.to_thread(wal.now)
    used = server_cpu_seconds(clara)
    try:
        for _ in range(turns):
            await session.ask(step)
    finally:
        used = server_cpu_seconds(clara) - used
        assert session.ws is not None
        await session.ws.close()
    p50 = percentile(step.latencies, 0.5)
    print(f"one session alone, {len(step.latencies)} turns: p50 {p50 * 1000:.1f} ms, "
          f"p95 {percentile(step.latencies, 0.95) * 1000:.1f} ms, errors {len(step.errors)} "
          f"(target p50 <= {TARGET_SOLO_P50 * 1000:.0f} ms: {'met' if p50 <= TARGET_SOLO_P50 else 'not met'})")
    # On a shared machine the wall figures follow the load; the server's CPU per turn much less.
    wal_after, _ = await asyncio.to_thread(wal.now)
    commits = await asyncio.to_thread(wal.commits, wal_before, wal_after)
    print(f"  server CPU per turn: mean {used * 1000 / max(turns, 1):.1f} ms (load {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores); durable commits per turn {per_turn(commits, step.latencies)}")


async def measure(counts: list[int], window: float, interval: float, settings: dict[str, str],
                  solo_turns: int) -> None:
    with bench_clara(**settings) as clara:
        print(f"clara up in {clara.startup_seconds:.1f} s (seeded, corpus embedded); pid {clara.process.process.pid}")
        people = technicians(clara.database_url, max(counts) + 1)
        await asyncio.sleep(5)  # start-up work (corpus sync, warm-ups) out of the way
        wal = WalCounters(clara.database_url)
        if solo_turns:
            await alone(clara, wal, *people.pop(), solo_turns)
        baseline = server_rss_mb(clara)
        print(f"server RSS before the steps: {baseline:.0f} MB\n")
        print(f"{'sessions':>8} {'turns':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} "
              f"{'RSS MB':>8} {'MB/session':>10} {'CPU':>5} {'bench':>5} {'commits/turn':>12} {'fsyncs/turn':>11}")
        sessions: list[Session] = []
        tasks: list[asyncio.Task[None]] = []
        steps: list[Step] = []
        holds: list[int] = []
        try:
            for count in counts:
                step = Step(count)
                steps.append(step)
                added = [Session(clara, user, where) for user, where in people[len(sessions):count]]
                for session in added:  # connect gradually, as technicians start their day
                    await session.open()
                    await asyncio.sleep(0.01)
                sessions += added
                for index, session in enumerate(added):
                    phase = interval * index / max(1, len(added))
                    tasks.append(asyncio.create_task(session.run(phase, interval, steps)))
                await asyncio.sleep(interval)  # every new session has had its first turn
                step.latencies.clear()
                step.errors.clear()
                cpu_before, client_before = server_cpu_seconds(clara), time.process_time()
                wal_before, fsyncs_before = await asyncio.to_thread(wal.now)
                await asyncio.sleep(window)
                step.cpu = (server_cpu_seconds(clara) - cpu_before) / window
                step.client_cpu = (time.process_time() - client_before) / window
                wal_after, fsyncs_after = await asyncio.to_thread(wal.now)
                step.commits = await asyncio.to_thread(wal.commits, wal_before, wal_after)
                if fsyncs_before is not None and fsyncs_after is not None:
                    step.fsyncs = fsyncs_after - fsyncs_before
                step.rss_mb = server_rss_mb(clara)
                per_session = (step.rss_mb - baseline) / count
                p95 = percentile(step.latencies, 0.95)
                ok = p95 <= TARGET_P95 and not step.errors and per_session <= TARGET_RSS_PER_SESSION_MB
                holds += [count] if ok else []
                print(f"{count:8d} {len(step.latencies):6d} {percentile(step.latencies, 0.5) * 1000:8.1f} "
                      f"{p95 * 1000:8.1f} {percentile(step.latencies, 0.99) * 1000:8.1f} {len(step.errors):7d} "
                      f"{step.rss_mb:8.0f} {per_session:10.2f} {step.cpu:5.2f} {step.client_cpu:5.2f} "
                      f"{per_turn(step.commits, step.latencies):12} {per_turn(step.fsyncs, step.latencies):11}  "
                      f"{'holds' if ok else 'misses'}"
                      + (f"  ({sorted(set(step.errors))[:3]})" if step.errors else ""))
            failures = [line for line in clara.logs().splitlines() if '"level": "error"' in line]
            if failures:
                print(f"\nserver errors logged: {len(failures)}; the last: {failures[-1][:600]}")
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.gather(*(s.ws.close() for s in sessions if s.ws is not None), return_exceptions=True)
    target = "met" if any(c >= 300 for c in holds) else "not met"
    print(f"\nlargest count that holds (p95 <= {TARGET_P95 * 1000:.0f} ms, no errors, <= "
          f"{TARGET_RSS_PER_SESSION_MB:.0f} MB per session): {max(holds) if holds else 'none'} "
          f"(target >= 300: {target})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", default="100,200,300,400,500")
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--interval", type=float, default=10.0)
    parser.add_argument("--db-pool", type=int, help="DATABASE_POOL_SIZE of the server (default: Clara's)")
    parser.add_argument("--no-suggestions", action="store_true", help="PATTERN_LEARNING_ENABLED=false on the server")
    parser.add_argument("--solo-turns", type=int, default=60, help="turns of the session alone (0: none)")
    args = parser.parse_args()
    counts = sorted(int(c) for c in args.counts.split(","))
    settings = {"DATABASE_POOL_SIZE": str(args.db_pool)} if args.db_pool else {}
    if args.no_suggestions:
        settings["PATTERN_LEARNING_ENABLED"] = "false"
    asyncio.run(measure(counts, args.window, args.interval, settings, args.solo_turns))


if __name__ == "__main__":
    main()
