"""Which of the second stage's signals beat the plain baseline, measured on every set from one collection each.

    python bench/ablate_ranker.py [--sets dev,dev_spans,heldout,heldout2,heldout3,shipped] [--l2 1.0]
                                  [--loss listwise|pointwise] [--tuned dev,dev_spans,shipped] [--cache DIR]

Each set's questions go through stage one and the measuring half of stage two on its own fresh app, as
`bench/fit_ranker.py` collects them; then every ranker below orders the same candidates, so the figures differ by
the ranker alone:

- `dense`, `lexical`: MiniLM cosine alone, BM25 alone (over the chunk under its title and headings);
- `rrf`: the textbook baseline, reciprocal-rank fusion (k=60) of those two;
- `base` and `base-X`: the fitted logistic ranker with every signal search.py uses, and without signal group X,
  each fitted on the `--tuned` sets (dev, dev_spans and shipped unless told; all of them, by `--loss` as
  `bench/fit_ranker.py` fits) and applied unchanged to the other sets.

The exact-section boost applies to all of them, as in search. The `loo (tuned)` rows give leave-one-document-out
figures for the fitted rankers (`loo`), the estimate to choose by; the held-out sets are only ever totals.
Ranks are over all candidates (no per-document share, no confidence floor), so they can differ from
`bench/knowledge_eval.py` by a question or two.
"""

from __future__ import annotations

import argparse
import asyncio
import pickle
from pathlib import Path
from typing import Sequence

import numpy as np

from fit_ranker import BASE, FITS, Question, collect, cross_validate, figures, ranks  # noqa: I001  (import path)
from knowledge_eval import HELD_OUT

RRF_K = 60
TUNED = ("dev", "dev_spans", "shipped")  # the sets a ranker is fitted on unless told; every other set is only measured
GROUPS = {"span": ("span_dense", "span_lexical"), "product": ("product", "other_product"),
          "lexical": ("lexical", "span_lexical"), "dense": ("dense", "span_dense"), "kind": ("span_kind",),
          "phrase": ("phrase",)}


def _rank_of(values: np.ndarray) -> np.ndarray:
    order = np.argsort(-values, kind="stable")
    out = np.empty(len(values), dtype=np.int64)
    out[order] = np.arange(1, len(values) + 1)
    return out


def plain(questions: Sequence[Question], names: list[str], score: str) -> list[int | None]:
    """Ranks under one raw signal or their reciprocal-rank fusion, plus the exact-section boost."""
    found: list[int | None] = []
    for q in questions:
        dense, lexical = q.features[:, names.index("dense")], q.features[:, names.index("lexical")]
        if score == "rrf":
            value = 1 / (RRF_K + _rank_of(dense)) + 1 / (RRF_K + _rank_of(lexical))
        else:
            value = dense if score == "dense" else lexical
        order = np.argsort(-(value + q.boost), kind="stable")
        right = [i for i, c in enumerate(order, 1) if q.right[c]]
        found.append(right[0] if right else None)
    return found


def _collected(name: str, cache: Path | None) -> tuple[list[Question], list[str]]:
    """One set's candidates, from `cache` (a folder, one file a set) when it holds them: collecting takes minutes a
    set, and rankers are compared many times over the same candidates."""
    held = cache / f"{name}.pickle" if cache is not None else None
    if held is not None and held.exists():
        questions, names = pickle.loads(held.read_bytes())
        return questions, names
    questions, names = asyncio.run(collect([name]))
    if held is not None:
        held.parent.mkdir(parents=True, exist_ok=True)
        held.write_bytes(pickle.dumps((questions, names)))
    return questions, names


def main(sets: list[str], l2: float, loss: str, tuned_sets: Sequence[str], cache: Path | None) -> None:
    collected = {name: _collected(name, cache) for name in sets}
    names = next(iter(collected.values()))[1]
    tuned = [collected[name][0] for name in tuned_sets if name in collected]  # what the ranker may be fitted on
    train = [q for questions in tuned for q in questions] or None
    print(f"{'ranker':<18}" + "".join(f"{name:>38}" for name in sets))
    for score in ("dense", "lexical", "rrf"):
        print(f"{score:<18}" + "".join(f"{figures(plain(qs, names, score), len(qs)):>38}"
                                       for qs, _ in collected.values()))
    if train is None:
        return
    variants = {"base": BASE, **{f"base-{g}": tuple(f for f in BASE if f not in drop) for g, drop in GROUPS.items()}}
    for label, chosen in variants.items():
        columns = [names.index(f) for f in chosen]
        w, b = FITS[loss](train, columns, l2)
        row = "".join(f"{figures(ranks(qs, columns, w, b), len(qs)):>38}" for qs, _ in collected.values())
        print(f"{label:<18}{row}\n{'  loo (tuned)':<18}{figures(cross_validate(train, columns, l2, loss), len(train)):>38}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="dev,dev_spans,heldout,heldout2,heldout3,shipped")
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--loss", choices=sorted(FITS), default="pointwise")
    parser.add_argument("--tuned", default=",".join(TUNED),
                        help="the sets the rankers are fitted on: dev, dev_spans, shipped (never a held-out set)")
    parser.add_argument("--cache", type=Path, help="a folder keeping each set's collected candidates for reuse")
    args = parser.parse_args()
    if set(args.tuned.split(",")) & set(HELD_OUT):
        parser.error("a held-out set is measured, never fitted on")
    main(args.sets.split(","), args.l2, args.loss, args.tuned.split(","), args.cache)
