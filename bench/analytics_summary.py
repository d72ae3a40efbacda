"""How long GET /clara-server/analytics/summary's queries take over a million events.

Loads 1,000,000 synthetic events (30 days, 50 users, 12 tools) with COPY into a database of its own, then times
`clara.analytics.service.summarize` for the windows a dashboard asks for. Prints medians of several runs.

    python bench/analytics_summary.py [--events 1000000] [--runs 7]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from datetime import datetime, timedelta, timezone

from _analytics_db import bench_database, copy_rows

from clara.analytics import service

TOOLS = ["next_job", "get_job", "daily_brief", "travel_time", "get_customer", "customer_by_location",
         "equipment_spec", "search_knowledge", "log_deficiency", "update_job", "inspections_due", "preferences"]
TYPES = [("tool_called", 40), ("user_message", 18), ("assistant_reply", 18), ("knowledge_search", 6),
         ("cache_hit", 8), ("cache_miss", 3), ("session_started", 2), ("session_ended", 2), ("tool_failed", 1),
         ("knowledge_miss", 1), ("job_status_changed", 1)]


def synthetic(count: int, now: datetime, rng: random.Random) -> list[tuple[object, ...]]:
    names, weights = zip(*TYPES)
    types = rng.choices(names, weights, k=count)
    start = now - timedelta(days=30)
    step = timedelta(days=30) / count
    rows: list[tuple[object, ...]] = []
    for i, kind in enumerate(types):  # in time order, as the buffer writes them
        user = rng.randint(1, 50)
        props: dict[str, object] = {}
        if kind == "tool_called":
            tool = rng.choice(TOOLS)
            props = {"name": tool, "duration": round(rng.lognormvariate(-1.8, 0.7), 4), "ok": rng.random() > 0.03}
        elif kind == "user_message":
            props = {"chars": rng.randint(5, 200)}
        elif kind == "cache_hit" or kind == "cache_miss":
            props = {"layer": rng.choice(["l1", "l2"])}
        rows.append((uuid.uuid4(), start + step * i, kind, user, f"s{user}-{i // 40}", props))
    return rows


async def main(events: int, runs: int) -> None:
    now = datetime.now(timezone.utc)
    rng = random.Random(42)
    async with bench_database() as pool:
        started = time.perf_counter()
        rows = synthetic(events, now, rng)
        await copy_rows(pool, rows)
        print(f"loaded {events:,} events with COPY in {time.perf_counter() - started:.1f} s")
        cases = {
            "everyone, last 30 days": dict(since=now - timedelta(days=31), until=now, user_id=None),
            "everyone, last 7 days": dict(since=now - timedelta(days=7), until=now, user_id=None),
            "everyone, last 24 hours": dict(since=now - timedelta(days=1), until=now, user_id=None),
            "one technician, last 30 days": dict(since=now - timedelta(days=31), until=now, user_id=7),
        }
        print(f"{'summary window':<32}{'events':>10}{'median ms':>12}{'min ms':>10}")
        for label, args in cases.items():
            timings = []
            for _ in range(runs):
                t0 = time.perf_counter()
                result = await service.summarize(pool, **args)  # type: ignore[arg-type]
                timings.append((time.perf_counter() - t0) * 1000)
            print(f"{label:<32}{result.total:>10,}{statistics.median(timings):>12.1f}{min(timings):>10.1f}")
        tools = result.tools
        print(f"(one technician: {len(tools)} tools, e.g. {tools[0].name}: {tools[0].calls} calls, "
              f"success {tools[0].success_rate:.1%}, p50 {tools[0].p50_seconds}s, p95 {tools[0].p95_seconds}s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.runs))
