"""Why a right passage never reaches the top 10: stage one's misses on the studied sets, each with its likely cause.

The second stage (`clara.knowledge.ranking`) can only reorder what stage one found, so a question whose answering
passage is not among the candidates is lost before ranking starts. For every question of the named sets whose right
passage ranks below 3 (or is absent), this prints where that passage stood in each of stage one's lists (dense
similarity, BM25, identifiers), whether it was a candidate at all, and a guessed cause:

- `split`: no single chunk holds the evidence (the chunker cut the answer, or the parser lost it);
- `not candidate`: a chunk holds it but neither list reached it; with the dense and BM25 ranks, the chunk's length
  (a long passage dilutes its vector) and the question's words the chunk lacks (lay words, a pruned term);
- `ranked low`: a candidate, but stage two put it below 3 (the ranker's share, not this stage's).

    python bench/recall_misses.py --sets heldout,heldout2 [--all]

Blind sets (`knowledge_eval.UNSTUDIED`, heldout15 onwards) are refused: their misses are never listed.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from typing import Any

import numpy as np

import knowledge_eval as ke  # noqa: I001  (sets up the import path)

from clara.knowledge import embedding, search
from clara.knowledge.glossary import trade_terms
from clara.knowledge.question import lexical_text
from clara.knowledge.ranking import FLOOR, probability, rank as rank_candidates

BLIND = set(ke.UNSTUDIED)  # one list of the blind sets: the harness's
DEEP = 400  # how far down each list a right passage is looked for


async def _right_chunks(stores: Any, document_id: int, evidence: str) -> tuple[list[dict[str, Any]], bool]:
    """The chunks of the document that hold the evidence, and whether the document's text holds it at all."""
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT id, text, heading, section FROM knowledge_chunks WHERE document_id = %s "
                                 "ORDER BY id", (document_id,))
        rows = await cur.fetchall()
    wanted = ke._norm(evidence)
    holding = [r for r in rows if wanted in ke._norm(r["text"])]
    whole = wanted in ke._norm("".join(r["text"] for r in rows))
    return holding, whole


async def _diagnose(run: ke.Loaded, question: dict[str, Any], rank: int | None) -> tuple[str, str]:
    stores = run.app.state.stores
    document_id = run.ids.get(question.get("document", ""))
    if document_id is None or "evidence" not in question:
        return "other", "no evidence to trace"
    right, whole = await _right_chunks(stores, document_id, question["evidence"])
    if not right:
        return ("split" if whole else "lost in parsing"), f"evidence {question['evidence'][:70]!r}"
    right_ids = {int(r["id"]) for r in right}
    found, _ = await search.candidates(stores, question["query"], source=None, viewer=run.tech.id)
    if right_ids & {int(c.row["id"]) for c in found}:
        ranked = rank_candidates(found, search.WEIGHTS, search.BIAS)
        place = next(i for i, c in enumerate(ranked, 1) if int(c.row["id"]) in right_ids)
        chance = probability(ranked[place - 1].score)
        return "ranked low", (f"rank {rank}, stage two's #{place} of {len(ranked)}, p {chance:.4f}"
                              + (" (under the floor)" if chance < FLOOR else ""))
    matrix = await stores.lexical.current()
    own = lexical_text(question["query"])
    expanded = " ".join([own, *trade_terms(question["query"])])
    lexemes, _, _ = await search._analyse(stores, expanded, own, set(), None)
    bm25 = matrix.scores(lexemes)
    order = np.argsort(-bm25)
    bm25_rank = min((i + 1 for i, r in enumerate(order[:DEEP]) if int(matrix.ids[r]) in right_ids), default=None)
    vector = await embedding.embed_query(stores, question["query"])
    dense = await stores.chroma.query(vector, source=None, n=DEEP)
    dense_rank = min((i + 1 for i, h in enumerate(dense) if h.chunk_id in right_ids), default=None)
    best = right[0]
    row = matrix.row_of(int(best["id"]))
    held = set(matrix.chunks[row].terms) if row is not None else set()
    lacking = [t for t in dict.fromkeys(lexemes) if t not in held]
    size = len(best["text"].split())
    return "not candidate", (f"dense #{dense_rank} bm25 #{bm25_rank} words {size} lacks {lacking} "
                             f"heading {best['heading'][-60:]!r}")


async def main(sets: list[str], show_all: bool) -> None:
    tally: dict[str, Counter[str]] = {}
    at: dict[str, tuple[int, int, int]] = {}  # set -> (first, in the top 3, questions)
    for name in sets:
        if name in BLIND:
            raise SystemExit(f"{name} is blind: its misses are never listed")
        async with ke.loaded(name) as run:
            tally[name] = Counter()
            for question in run.questions:
                response = await run.client.get("/clara-server/knowledge/search", headers=run.tech_auth,
                                                params={"query": question["query"], "k": ke.DEPTH})
                response.raise_for_status()
                hits = response.json()["results"]
                rank = next((i for i, hit in enumerate(hits, 1) if ke._right(hit, question, run.ids)), None)
                first, top3, n = at.get(name, (0, 0, 0))
                at[name] = (first + (rank == 1), top3 + (rank is not None and rank <= 3), n + 1)
                if rank is not None and rank <= 3:
                    continue
                cause, detail = await _diagnose(run, question, rank)
                tally[name][cause] += 1
                if show_all or cause != "ranked low":
                    print(f"{name} [{cause}] {question['query']!r} ({question.get('kind')})\n    {detail}")
    print()
    for name, counts in tally.items():
        first, top3, n = at[name]
        print(f"{name}: R@1 {first}/{n} R@3 {top3}/{n}; misses at 3: "
              + ", ".join(f"{cause} {k}" for cause, k in counts.most_common()))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", required=True, help="comma-separated studied sets")
    parser.add_argument("--all", action="store_true", help="also list the misses stage two ranked low")
    args = parser.parse_args()
    asyncio.run(main(args.sets.split(","), args.all))
