"""Retrieval quality of knowledge search over the shipped corpus: recall@1, recall@3 and MRR@10.

Runs every question in bench/data/knowledge_questions.json through `clara.knowledge.service.search` (the function
the route and the agent's tool call) and prints the figures overall and per kind (exact identifiers, paraphrases,
equipment specs), then the questions whose answer was not in the top 3. Target: recall@3 >= 0.90.

    python bench/knowledge_eval.py [--questions bench/data/knowledge_questions.json] [--misses]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from dataclasses import dataclass
from pathlib import Path

from _knowledge_stores import bench_stores

from clara.knowledge import ingest, service
from clara.knowledge.models import SearchHit

DEPTH = 10


@dataclass(frozen=True)
class Outcome:
    question: dict[str, str]
    rank: int | None  # 1-based rank of the expected chunk within DEPTH, None when absent
    top: list[str]


def expected(question: dict[str, str]) -> str:
    return question.get("expected_section") or question.get("expected_title") or question["expected_model"]


def matches(hit: SearchHit, question: dict[str, str]) -> bool:
    if "expected_section" in question:
        return hit.section == question["expected_section"]
    if "expected_title" in question:
        return hit.title == question["expected_title"]
    return hit.source == "specs" and hit.section == question["expected_model"]


def figures(outcomes: list[Outcome]) -> tuple[float, float, float]:
    n = len(outcomes) or 1
    at1 = sum(o.rank == 1 for o in outcomes) / n
    at3 = sum(o.rank is not None and o.rank <= 3 for o in outcomes) / n
    mrr = sum(1 / o.rank for o in outcomes if o.rank) / n
    return at1, at3, mrr


async def main(path: Path, show_misses: bool) -> None:
    questions = json.loads(path.read_text())
    async with bench_stores() as stores:
        started = time.perf_counter()
        report = await ingest.sync_corpus(stores)
        took = time.perf_counter() - started
        chunks = (await service.stats(stores)).chunks
        print(f"corpus: {report.added} files, {chunks} chunks ingested in {took:.1f} s ({chunks / took:.0f} chunks/s)")
        outcomes = []
        for question in questions:
            hits = await service.search(stores, query=question["query"], k=DEPTH)
            rank = next((i for i, hit in enumerate(hits, start=1) if matches(hit, question)), None)
            outcomes.append(Outcome(question, rank, [hit.section or hit.title for hit in hits[:3]]))
    print(f"\n{'questions':<12}{'n':>5}{'recall@1':>10}{'recall@3':>10}{'MRR@10':>9}")
    kinds = sorted({o.question["kind"] for o in outcomes})
    for kind in [*kinds, "all"]:
        group = [o for o in outcomes if kind == "all" or o.question["kind"] == kind]
        at1, at3, mrr = figures(group)
        print(f"{kind:<12}{len(group):>5}{at1:>10.3f}{at3:>10.3f}{mrr:>9.3f}")
    at3 = figures(outcomes)[1]
    print(f"\nrecall@3 {at3:.3f} (target >= 0.90: {'met' if at3 >= 0.90 else 'NOT met'})")
    misses = [o for o in outcomes if o.rank is None or o.rank > 3]
    if show_misses or misses:
        print(f"\nnot in the top 3 ({len(misses)}):")
        for o in misses:
            print(f"  [{o.question['kind']}] {o.question['query']!r}: want {expected(o.question)!r}, "
                  f"rank {o.rank}, got {o.top}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path,
                        default=Path(__file__).resolve().parent / "data" / "knowledge_questions.json")
    parser.add_argument("--misses", action="store_true", help="list misses even when the target is met")
    args = parser.parse_args()
    asyncio.run(main(args.questions, args.misses))
