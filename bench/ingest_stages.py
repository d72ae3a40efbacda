"""Where an upload's CPU goes, stage by stage: parse, embed, the Postgres + Chroma write, the lexical refresh.

Each stage runs alone (in this process, so its CPU is measured: the server parses in a worker process) on a long
manufacturer PDF (bench/_manual_pdf.py) into stores that already hold the shipped corpus. Figures are CPU time of
this process (every thread), not wall time: on a machine shared with other work, CPU per chunk is what the code
costs, where wall time says what share of the cores it was given (bench/knowledge_latency.py times the lexical
refresh at 50,000 chunks). The embed stage includes packing the vectors for PostgreSQL.

    python bench/ingest_stages.py [--pages 200] [--runs 3] [--profile stage]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Awaitable, Callable, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _knowledge_stores import bench_stores  # noqa: E402
from _manual_pdf import manual_pdf  # noqa: E402

from clara.knowledge import corpus, ingest, records  # noqa: E402
from clara.knowledge.parsing import parse_document  # noqa: E402
from clara.stores import Stores  # noqa: E402

T = TypeVar("T")
STAGES = ("parse", "embed", "store", "refresh")


async def timed(name: str, profile: str | None, work: Callable[[], Awaitable[T]],
                into: dict[str, list[tuple[float, float]]]) -> T:
    """Run `work`, adding (CPU s, wall s) to `into[name]`; under cProfile when `profile` names this stage."""
    profiler = cProfile.Profile() if profile == name else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    try:
        return await work()
    finally:
        if profiler:
            profiler.disable()
        into.setdefault(name, []).append((time.process_time() - cpu, time.perf_counter() - wall))
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)


async def one_upload(stores: Stores, data: bytes, serial: int, profile: str | None,
                     into: dict[str, list[tuple[float, float]]]) -> int:
    async def parse() -> object:
        return parse_document(data, media_type="application/pdf", filename=f"kx400-{serial}.pdf", source="uploads",
                              title=f"KX-400 manual {serial}", may_name_standard=False)

    parsed = await timed("parse", profile, parse, into)
    origin = records.Origin(len(data), f"bench-{serial}-{time.time_ns()}", f"kx400-{serial}.pdf")
    new = [ingest.NewDocument(parsed, origin)]  # type: ignore[arg-type]
    embedded = await timed("embed", profile, lambda: ingest.embed_round(stores, new), into)
    await timed("store", profile, lambda: ingest.store_round(stores, embedded), into)
    await timed("refresh", profile, lambda: ingest.corpus_changed(stores), into)
    return len(parsed.chunks)  # type: ignore[attr-defined]


async def main(pages: int, runs: int, profile: str | None) -> None:
    data = manual_pdf(pages)
    async with bench_stores() as stores:
        await corpus.sync_corpus(stores)
        into: dict[str, list[tuple[float, float]]] = {}
        chunks = [await one_upload(stores, data, serial, profile, into) for serial in range(runs)]
    n = statistics.median(chunks)
    print(f"{pages}-page PDF, {n:.0f} chunks, median of {runs} uploads into the shipped corpus's stores:")
    total_cpu = 0.0
    for name in STAGES:
        cpu = statistics.median(c for c, _ in into[name]) * 1000
        wall = statistics.median(w for _, w in into[name]) * 1000
        total_cpu += cpu
        print(f"  {name:<8} CPU {cpu / n:6.2f} ms/chunk ({cpu:7.0f} ms)   wall {wall:7.0f} ms")
    print(f"  total    CPU {total_cpu / n:6.2f} ms/chunk: at most {2000 / (total_cpu / n):.0f} chunks/s on 2 cores")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", choices=STAGES, help="print cProfile's top functions of this stage")
    args = parser.parse_args()
    asyncio.run(main(args.pages, args.runs, args.profile))
