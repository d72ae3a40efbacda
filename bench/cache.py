"""What the cache buys: latency of an L1 hit, an L2 (Redis) hit and a miss, and the hit ratio over a day of questions.

    python bench/cache.py [--questions 2000]

Latencies go through the real services (`knowledge.service.equipment_spec` and `.search`) over a throwaway
database and Chroma index (bench/_knowledge_stores.py; the shipped corpus is embedded first, a minute or two) and
the bench's own redis-server.
The replay draws technicians' questions from a Zipf-like mix (s = 1.1 over the spec models and the 104 knowledge
questions of bench/data, a third re-typed with other case and spacing, 8% one-off questions no one repeats), spread
over an 8-hour day on a simulated clock, so TTLs expire as they would. Target: hit ratio >= 80%.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._knowledge_stores import bench_stores  # noqa: E402
from clara.platform import cache as cache_module  # noqa: E402
from clara.platform.cache import Cache  # noqa: E402
from clara.knowledge import corpus, service  # noqa: E402
from clara.platform.logging import configure_logging  # noqa: E402
from clara.ops.seed import seed_if_empty  # noqa: E402
from clara.stores import Stores  # noqa: E402
from tests.servers import RedisServer  # noqa: E402

QUESTIONS = Path(__file__).parent / "data" / "knowledge_questions.json"
DAY_SECONDS = 8 * 3600
REPEATS = 300


class SimulatedClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def median_us(call: Callable[[], Awaitable[Any]], before: Callable[[], Awaitable[Any]] | None = None,
                    repeats: int = REPEATS) -> float:
    samples = []
    for _ in range(repeats):
        if before is not None:
            await before()
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1e6)
    return statistics.median(samples)


async def latencies(stores: Stores) -> None:
    """Median of each path for one spec lookup and one search: L1 hit, L2 hit (a second process), miss."""
    assert stores.redis is not None
    second_process = Cache(redis=stores.redis, prefix=stores.settings.redis_key_prefix)
    fresh_process = dataclasses.replace(stores, cache=second_process)
    query = "NFPA 25 pressure gauge replacement"
    cases = {
        "spec 50TCQA06": ("specs", "50TCQA06", lambda s: service.equipment_spec(s, model="50TCQA06")),
        f"search '{query}'": ("knowledge", f"all:5:{query.casefold()}", lambda s: service.search(s, query=query, k=5)),
    }
    print(f"{'latency (median of %d, microseconds)' % REPEATS:46} {'L1 hit':>9} {'L2 hit':>9} {'miss':>10} "
          f"{'miss/L1':>8} {'miss/L2':>8}")
    for name, (namespace, key, lookup) in cases.items():
        await lookup(stores)

        async def forget_everywhere() -> None:
            await stores.cache.invalidate(namespace, key)

        async def forget_in_memory() -> None:
            fresh_process.cache._apply(cache_module._Invalidation(namespace, key, None))

        l1 = await median_us(lambda: lookup(stores))
        await lookup(stores)  # back in Redis
        l2 = await median_us(lambda: lookup(fresh_process), before=forget_in_memory)
        miss = await median_us(lambda: lookup(stores), before=forget_everywhere, repeats=REPEATS // 3)
        print(f"{name:46} {l1:9.1f} {l2:9.1f} {miss:10.1f} {miss / l1:7.0f}x {miss / l2:7.0f}x")


def question_mix(models: list[str], queries: list[str], n: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, text) pairs: Zipf-ranked popular questions, some re-typed, and a tail of one-off questions."""
    pool = [("spec", m) for m in models] + [("search", q) for q in queries]
    rng.shuffle(pool)
    weights = [1 / rank ** 1.1 for rank in range(1, len(pool) + 1)]
    asked = []
    for i in range(n):
        if rng.random() < 0.08:
            base = rng.choice(queries)
            asked.append(("search", f"{base} for unit {rng.randint(100, 99999)} on site {i}"))
            continue
        kind, text = rng.choices(pool, weights)[0]
        if rng.random() < 0.33:
            text = retyped(text, rng)
        asked.append((kind, text))
    return asked


def retyped(text: str, rng: random.Random) -> str:
    """The same question as another technician types it: other case, stray spaces, dashes in a model number."""
    choice = rng.randrange(3)
    if choice == 0:
        return text.lower()
    if choice == 1:
        return "  " + text.upper().replace(" ", "  ") + " "
    return "-".join([text[:2], text[2:]]) if " " not in text else text.replace(" ", "   ")


async def replay(stores: Stores, n: int, knowledge_ttl: float | None = None) -> dict[str, Any]:
    clock = SimulatedClock()
    ttls = dict(cache_module.TTLS)
    if knowledge_ttl is not None:
        ttls["knowledge"] = knowledge_ttl
    day = dataclasses.replace(stores, cache=Cache(clock=clock, ttls=ttls))  # L1 only: Redis TTLs run on real time
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT model FROM equipment_specs ORDER BY model")
        models = [row["model"] for row in await cur.fetchall()]
    queries = [q["query"] for q in json.loads(QUESTIONS.read_text())]
    rng = random.Random(2026)
    asked = question_mix(models, queries, n, rng)
    arrivals = sorted(rng.uniform(0, DAY_SECONDS) for _ in asked)
    for at, (kind, text) in zip(arrivals, asked):
        clock.now = at
        if kind == "spec":
            await service.equipment_spec(day, model=text)
        else:
            await service.search(day, query=text, k=5)
    stats = await day.cache.stats()
    return {"stats": stats, "distinct": len({(k, " ".join(t.split()).casefold()) for k, t in asked})}


async def prepare(stores: Stores) -> None:
    """Demo data and the shipped corpus in the throwaway database and index."""
    started = time.perf_counter()
    await seed_if_empty(stores.db)
    report = await corpus.sync_corpus(stores)
    print(f"(prepared: {report.added} corpus documents embedded in {time.perf_counter() - started:.0f} s)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=2000)
    args = parser.parse_args()
    configure_logging("warning", "json")
    with tempfile.TemporaryDirectory(prefix="clara-bench-cache-") as scratch:
        redis = RedisServer(Path(scratch)).start()
        try:
            await measure(redis, args.questions)
        finally:
            redis.stop()


async def measure(redis: RedisServer, questions: int) -> None:
    async with bench_stores(redis_url=redis.url) as stores:
        await prepare(stores)
        await latencies(stores)
        print()
        result = await replay(stores, questions)
        stats = result["stats"]
        print(f"replayed day: {stats['requests']} questions ({result['distinct']} distinct as typed, normalised "
              f"for case and spacing), {stats['loads']} loads, hit ratio {stats['hit_rate']:.1%} "
              f"(target >= 80%: {'met' if stats['hit_rate'] >= 0.8 else 'NOT met'})")
        for ttl in (15 * 60, 24 * 3600):
            other = (await replay(stores, questions, knowledge_ttl=ttl))["stats"]["hit_rate"]
            print(f"  the same day with a knowledge TTL of {ttl / 3600:g} h instead of "
                  f"{cache_module.TTLS['knowledge'] / 3600:g} h: hit ratio {other:.1%}")


if __name__ == "__main__":
    asyncio.run(main())
