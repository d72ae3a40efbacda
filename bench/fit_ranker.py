"""Fit the second stage's weights and its confidence on the development sets, and say how well each carries over.

    python bench/fit_ranker.py [--sets dev,dev_spans,shipped,unanswerable_dev] [--features NAME ...] [--l2 1.0]
                               [--loss listwise|pointwise] [--cache FILE] [--calibration-only]

Every question of the training sets goes through stage one and the measuring half of stage two
(`clara.knowledge.search.candidates`) on a fresh app per set with that set's documents uploaded, as
`bench/knowledge_eval.py` does; a candidate is right when the eval would count it right. The weights minimise the
logistic loss of "this candidate is right" (L2-penalised, so a signal only some questions use cannot grow without
bound). That logistic is a probability over all of a question's candidates, not over the few search returns: it
read clear winners at 0.1 when seven in ten were right. So the hits' `confidence` is calibrated apart (`calibrate`): a
logistic on the returned hits' signals (`clara.knowledge.confidence.SIGNALS`), fitted on the answerable sets' hits
AND on those of `unanswerable_dev`, questions no document answers (every hit wrong; the ranker's weights are never
fitted on them), shown as a reliability table (confidence bucket against the fraction right) with each document's
hits calibrated by the others (each unanswerable question a group of its own), and per kind of first hit (right,
wrong, unanswerable) how many fall below the keyless reply's thresholds; and
`probabilities` shows, leave one document out, whether `probability` is calibrated and what the floor and the keyless
answer's runner-up rule make of it.

`--loss listwise` fits instead the softmax over each question's candidates (its mass on the right ones): what
search needs is which candidate comes first. A softmax cannot see a constant nor fix a scale, so `probability`'s
slope and zero are fitted after it (`scale`); search would need the slope (score = slope x the weighted sum) to
ship it. Tried in December 2026 (L2 0.3): leave-one-document-out on dev and dev_spans it put 96 of 118 right passages
first against 93, but right-first-or-said-as-runner-up stayed at 102-105 against 106 (its scores are steeper, so
the runner-up is said less often), it needed the floor moved to 0.003, and on the held-out sets recall@1 moved 0 net
while keyless answers fell on three of four sets. Not shipped.

Before fitting on everything, it estimates how each feature set does on documents it was not fitted on: the
questions are grouped by the document that answers them, and each group is ranked by weights fitted on the others
(leave one document out). That figure, not the fit on all of dev, is what to choose a feature set by; the held-out
set is only measured afterwards, by `bench/knowledge_eval.py`, never used here.
"""

from __future__ import annotations

import argparse
import asyncio
import pickle
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
from scipy.optimize import minimize

from knowledge_eval import HELD_OUT, _right, answerable, loaded  # noqa: I001  (sets up the import path)

from clara.knowledge import confidence, ranking, search

BASE = ("dense", "lexical", "span_dense", "span_lexical", "product", "other_product", "span_kind", "phrase")
MEASURED = ("dense", "span_dense", "lexical", "span_lexical")  # the signals tried relative to the best candidate
RELATIVE = tuple(f"{name}_gap" for name in MEASURED)
DOCUMENT = tuple(f"document_{name}_gap" for name in MEASURED)
HITS = 5  # the calibration is fitted on each question's best few candidates: what search returns
CALIBRATION_L2 = 1.0  # seven weights over a few thousand hits: a light penalty keeps a rare signal from running away
DOUBTS = ("unheard", "unheld")  # measured for the confidence only (`search._doubts`), never weighed by the ranker
BUCKETS = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.01)
FEATURE_SETS = {
    "base": BASE,
    "base+relative": BASE + RELATIVE,
    "base+document": BASE + DOCUMENT,
    "base+relative+document": BASE + RELATIVE + DOCUMENT,
}


@dataclass
class Question:
    group: str  # the document that answers it
    features: np.ndarray  # (candidates, all features)
    boost: np.ndarray
    right: np.ndarray  # bool per candidate
    answerable: bool = True  # False: asked of `unanswerable_dev`, fitted into the confidence only


def relative(found: Sequence[ranking.Candidate]) -> list[dict[str, float]]:
    """Each candidate's signals, plus each measured one as its distance from the question's best candidate's and
    from its document's best passage's (candidates for the ranker, tried and so far not adopted: search.py does not
    compute them).

    A cosine of 0.55 is a strong match for one question and a weak one for another: how far a passage is behind the
    question's best candidate might carry over to documents never seen better than the raw value; a document whose
    other passages also match is more likely the one asked about."""
    best = {name: max(c.features[name] for c in found) for name in MEASURED}
    documents: dict[int, dict[str, float]] = {}
    for c in found:
        held = documents.setdefault(int(c.row["document_id"]), dict.fromkeys(MEASURED, -1.0))
        for name in MEASURED:
            held[name] = max(held[name], c.features[name])
    out = []
    for c in found:
        document = documents[int(c.row["document_id"])]
        out.append({**c.features, **{f"{name}_gap": c.features[name] - best[name] for name in MEASURED},
                    **{f"document_{name}_gap": document[name] - best[name] for name in MEASURED}})
    return out


def _matrix(found: Sequence[ranking.Candidate], names: Sequence[str]) -> np.ndarray:
    rows = relative(found)
    return np.array([[row[n] for n in names] for row in rows], dtype=np.float64).reshape(-1, len(names))


async def collect(sets: list[str]) -> tuple[list[Question], list[str]]:
    names = sorted({n for fs in FEATURE_SETS.values() for n in fs} | set(DOUBTS))
    questions: list[Question] = []
    for name in sets:
        async with loaded(name) as run:  # each set over its own corpus, as the eval measures it
            stores, ids = run.app.state.stores, run.ids
            for question in run.questions:
                found, _ = await search.candidates(stores, question["query"], source=None, viewer=run.tech.id)
                if not found:
                    continue
                # what the confidence reads of a returned passage, measured here of every candidate (search reads
                # it of the few it returns)
                found = [replace(c, features={**c.features, **confidence.doubts(c.query, c.row)}) for c in found]
                right = np.array([_right(_as_hit(c), question, ids) for c in found])
                group = question.get("document") or question.get("expected_section") or question.get(
                    "expected_title") or question.get("expected_model") or f"unanswerable {question['id']}"
                questions.append(Question(str(group), _matrix(found, names), np.array([c.boost for c in found]),
                                          right, answerable(question)))
    return questions, names


def _as_hit(candidate: ranking.Candidate) -> dict[str, Any]:
    hit = search._hit(candidate, candidate.score, None, ranking.said([candidate])[0])
    return {"document_id": hit.document_id, "text": hit.text, "section": hit.section, "source": hit.source}


def fit(questions: Sequence[Question], columns: list[int], l2: float) -> tuple[np.ndarray, float]:
    x = np.vstack([q.features[:, columns] for q in questions])
    offset = np.concatenate([q.boost for q in questions])
    y = np.concatenate([q.right for q in questions]).astype(np.float64)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = x @ w + b + offset
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        value = float(np.sum(np.logaddexp(0.0, z) - y * z) + l2 * w @ w)
        grad = np.concatenate([x.T @ (p - y) + 2 * l2 * w, [np.sum(p - y)]])
        return value, grad

    result = minimize(loss, np.zeros(len(columns) + 1), jac=True, method="L-BFGS-B")
    return result.x[:-1], float(result.x[-1])


def fit_listwise(questions: Sequence[Question], columns: list[int], l2: float) -> tuple[np.ndarray, float]:
    """Weights under which each question's right candidates take the softmax's mass: -log of the right candidates'
    share, summed over questions that have one (a question none of whose candidates is right teaches no order). The
    bias is returned as 0: a softmax cannot see it (`scale` sets it)."""
    usable = [(q.features[:, columns], q.boost, q.right) for q in questions if q.right.any()]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = float(l2 * w @ w), 2 * l2 * w
        for x, boost, right in usable:
            z = x @ w + boost
            p = np.exp(z - z.max())
            p /= p.sum()
            held = p[right].sum()
            value -= float(np.log(max(held, 1e-300)))
            grad = grad + x.T @ p - x[right].T @ (p[right] / max(held, 1e-300))
        return value, grad

    result = minimize(loss, np.zeros(len(columns)), jac=True, method="L-BFGS-B")
    return result.x, 0.0


def scale(questions: Sequence[Question], columns: list[int], w: np.ndarray) -> tuple[float, float]:
    """`probability` for scores under `w`: the logistic of "this candidate is right" on the score alone, over every
    candidate of every question, as the pointwise ranker's own logistic was. Returns (slope, bias)."""
    scored = [Question(q.group, (q.features[:, columns] @ w + q.boost)[:, None], np.zeros(len(q.right)), q.right)
              for q in questions]
    a, c = fit(scored, [0], 0.0)
    return float(a[0]), c


FITS: dict[str, Callable[[Sequence[Question], list[int], float], tuple[np.ndarray, float]]] = {
    "pointwise": fit, "listwise": fit_listwise}


def fitted(questions: Sequence[Question], columns: list[int], l2: float, loss: str) -> tuple[np.ndarray, float, float]:
    """Weights, bias and slope as search uses them: the score is `slope * (w @ x + bias + boost)`, the log-odds
    `probability` reads. A listwise fit's bias and slope are set by `scale`; a pointwise fit's sum is its own
    logistic's log-odds already (slope 1)."""
    w, b = FITS[loss](questions, columns, l2)
    if loss == "pointwise":
        return w, b, 1.0
    slope, bias = scale(questions, columns, w)
    return w, bias / slope, slope


def ranks(questions: Sequence[Question], columns: list[int], w: np.ndarray, b: float) -> list[int | None]:
    out: list[int | None] = []
    for q in questions:
        score = q.features[:, columns] @ w + b + q.boost
        order = np.argsort(-score, kind="stable")
        right = [i for i, c in enumerate(order, 1) if q.right[c]]
        out.append(right[0] if right else None)
    return out


def figures(found: Sequence[int | None], n: int) -> str:
    at1 = sum(r == 1 for r in found) / n
    at3 = sum(r is not None and r <= 3 for r in found) / n
    mrr = sum(1 / r for r in found if r and r <= 10) / n
    return f"R@1 {at1:.3f}  R@3 {at3:.3f}  MRR@10 {mrr:.3f}"


def cross_validate(questions: Sequence[Question], columns: list[int], l2: float,
                   loss: str = "pointwise") -> list[int | None]:
    found: list[int | None] = []
    for group in sorted({q.group for q in questions}):
        train = [q for q in questions if q.group != group]
        test = [q for q in questions if q.group == group]
        w, b = FITS[loss](train, columns, l2)
        found += ranks(test, columns, w, b)
    return found


def returned(questions: Sequence[Question], columns: list[int], w: np.ndarray, b: float, slope: float,
             names: Sequence[str]) -> list[Question]:
    """Each question's `HITS` best candidates under weights `w`, described as `confidence.confidence` reads them
    (`confidence.SIGNALS`: the score, capped, its lead over the runner-up or its distance behind the best, and the
    measured signals). The calibration is fitted on what search returns, not on every candidate: a question's dozens
    of weak candidates would teach it nothing about its hits."""
    out = []
    for q in questions:
        score = slope * (q.features[:, columns] @ w + b + q.boost)
        top = np.argsort(-score, kind="stable")[:HITS]
        best, second = score[top[0]], (score[top[1]] if len(top) > 1 else None)
        described = [confidence.signals(float(score[i]), float(best), None if second is None else float(second),
                                        dict(zip(names, q.features[i]))) for i in top]
        matrix = np.array([[d[n] for n in confidence.SIGNALS] for d in described])
        out.append(Question(q.group, matrix, np.zeros(len(top)), q.right[top], q.answerable))
    return out


def _log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def reliability(hits: Sequence[Question], confidence: Sequence[np.ndarray]) -> str:
    """Per confidence bucket: how many hits, their mean confidence and the fraction of them right."""
    p, y = np.concatenate(confidence), np.concatenate([h.right for h in hits]).astype(np.float64)
    rows = [f"Brier {np.mean((p - y) ** 2):.4f}, log-loss {_log_loss(p, y):.4f} over {len(p)} hits"]
    for low, high in zip(BUCKETS, BUCKETS[1:]):
        inside = (p >= low) & (p < high)
        if inside.any():
            rows.append(f"  [{low:.1f}, {min(high, 1.0):.1f}): {inside.sum():4d} hits, confidence {p[inside].mean():.2f}, "
                        f"right {y[inside].mean():.2f}")
    return "\n".join(rows)


def calibrate(questions: Sequence[Question], columns: list[int], w: np.ndarray, b: float, slope: float,
              names: Sequence[str]) -> None:
    """Fit `confidence.CALIBRATION` on the returned hits of answerable and unanswerable questions, and show its
    reliability leave-one-document-out (an unanswerable question is a group of its own) beside the shipped
    calibration's, on every hit and on first hits, answerable and not."""
    hits = returned(questions, columns, w, b, slope, names)
    every = list(range(len(confidence.SIGNALS)))
    shipped = np.array([confidence.CALIBRATION[n] for n in confidence.SIGNALS])
    groups = sorted({h.group for h in hits})
    order = [h for g in groups for h in hits if h.group == g]
    held_out: list[np.ndarray] = []
    for group in groups:
        cw, cb = fit([h for h in hits if h.group != group], every, CALIBRATION_L2)
        held_out += [1 / (1 + np.exp(-(h.features @ cw + cb))) for h in hits if h.group == group]
    before = [1 / (1 + np.exp(-(h.features @ shipped + confidence.CALIBRATION["bias"]))) for h in order]
    cw, cb = fit(hits, every, CALIBRATION_L2)
    described = ", ".join(f'"{n}": {v:.3f}' for n, v in zip(confidence.SIGNALS, cw))
    print(f"\nthe shipped calibration: {reliability(order, before)}"
          f"\nrefitted, leave-one-document-out: {reliability(order, held_out)}"
          f'\n  CALIBRATION = {{{described}, "bias": {cb:.3f}}}')
    firsts = [Question(h.group, h.features[:1], h.boost[:1], h.right[:1], h.answerable) for h in order]
    for label, values in (("shipped", before), ("refitted, leave-one-document-out", held_out)):
        first = [v[:1] for v in values]
        print(f"first hits, {label}: {reliability(firsts, first)}")
        for kind, keep in (("answerable, right first", lambda q: q.answerable and q.right[0]),
                           ("answerable, wrong first", lambda q: q.answerable and not q.right[0]),
                           ("unanswerable", lambda q: not q.answerable)):
            chosen = [float(v[0]) for q, v in zip(firsts, first) if keep(q)]
            if chosen:
                print(f"  {kind}: {len(chosen)}, median {np.median(chosen):.3f}; below "
                      + ", ".join(f"{t}: {sum(c < t for c in chosen)}" for t in (0.05, 0.1, 0.15, 0.2, 0.3, 0.5)))


def probabilities(questions: Sequence[Question], columns: list[int], l2: float, loss: str) -> None:
    """Is `probability` calibrated on documents not fitted on? Each document's questions are scored by weights,
    bias and slope fitted on the others; shown over every candidate (what the floor reads) and over each question's
    first two (what the keyless answer reads: "I don't know" below `FLOOR`, the runner-up said when
    its probability is at least half the first's)."""
    every: list[Question] = []
    firsts: list[Question] = []
    values: list[np.ndarray] = []
    tops: list[np.ndarray] = []
    for group in sorted({q.group for q in questions}):
        w, b, slope = fitted([q for q in questions if q.group != group], columns, l2, loss)
        for q in (q for q in questions if q.group == group):
            score = slope * (q.features[:, columns] @ w + b + q.boost)
            p = 1 / (1 + np.exp(-np.clip(score, -3 * ranking.SCORE_CAP, ranking.SCORE_CAP)))
            top = np.argsort(-score, kind="stable")[:2]
            every.append(q)
            values.append(p)
            firsts.append(Question(q.group, q.features[top], q.boost[top], q.right[top]))
            tops.append(p[top])
    print(f"\nprobability, leave-one-document-out, every candidate: {reliability(every, values)}")
    first = [Question(q.group, q.features[:1], q.boost[:1], q.right[:1]) for q in firsts]
    print(f"probability of the first hit: {reliability(first, [t[:1] for t in tops])}")
    for floor in (0.003, 0.01, 0.03):
        below = [(t[0] < floor, bool(q.right[0])) for q, t in zip(firsts, tops)]
        print(f"  first hit below {floor}: {sum(b and r for b, r in below)} right, {sum(b and not r for b, r in below)}"
              f" wrong; candidates below it {sum(int((v < floor).sum()) for v in values)}, right among them "
              f"{sum(int(((v < floor) & q.right).sum()) for v, q in zip(values, every))}")
    said = [(q, t) for q, t in zip(firsts, tops) if len(t) > 1 and t[1] >= 0.5 * t[0]]
    rescued = sum(bool(q.right[1]) and not q.right[0] for q, _ in said)
    print(f"  runner-up said (probability >= half the first's) in {len(said)} of {len(firsts)} questions; right "
          f"there: first {sum(bool(q.right[0]) for q, _ in said)}, runner-up {sum(bool(q.right[1]) for q, _ in said)}"
          f"; right first or said as runner-up {sum(bool(q.right[0]) for q in firsts) + rescued}")


def _collected(sets: list[str], cache: Path | None) -> tuple[list[Question], list[str]]:
    """The training questions, from `cache` when it holds them (collecting takes minutes a set)."""
    if cache is not None and cache.exists():
        loaded_sets, questions, names = pickle.loads(cache.read_bytes())
        if loaded_sets == sets:
            return questions, names
    questions, names = asyncio.run(collect(sets))
    if cache is not None:
        cache.write_bytes(pickle.dumps((sets, questions, names)))
    return questions, names


def main(sets: list[str], chosen: list[str], l2: float, loss: str, cache: Path | None,
         calibration_only: bool = False) -> None:
    collected, names = _collected(sets, cache)
    questions = [q for q in collected if q.answerable]  # the ranker is fitted on answerable questions only
    n = len(questions)
    current = [names.index(f) for f in BASE]
    weights = np.array([search.WEIGHTS.get(f, 0.0) for f in BASE])  # a signal not shipped yet weighs nothing
    shipped = figures(ranks(questions, current, weights, search.BIAS), n)
    print(f"{n} questions with candidates; the weights in search.py on all of them: {shipped}")
    calibrate(collected, current, weights, search.BIAS, 1.0, names)
    if calibration_only:
        return
    for label in chosen:
        columns = [names.index(f) for f in FEATURE_SETS[label]]
        loo = figures(cross_validate(questions, columns, l2, loss), n)
        print(f"{label:<26} {loss} leave-one-document-out: {loo}")
    for label in chosen:
        columns = [names.index(f) for f in FEATURE_SETS[label]]
        w, b, slope = fitted(questions, columns, l2, loss)
        described = ", ".join(f'"{f}": {v:.3f}' for f, v in zip(FEATURE_SETS[label], w))
        print(f"\n{label}: fitted on all {figures(ranks(questions, columns, w, b), n)}\n  WEIGHTS = {{{described}}}"
              f"\n  BIAS = {b:.3f}\n  slope (score = slope x the sum; 1 for a pointwise fit) = {slope:.3f}")
        calibrate(collected, columns, w, b, slope, names)
        probabilities(questions, columns, l2, loss)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="dev,dev_spans,shipped,unanswerable_dev",
                        help="comma-separated training sets: dev, dev_spans, shipped, unanswerable_dev (never a "
                             "held-out set; unanswerable questions are fitted into the confidence only)")
    parser.add_argument("--calibration-only", action="store_true",
                        help="fit only the confidence, on the hits of the shipped weights")
    parser.add_argument("--features", nargs="*", default=list(FEATURE_SETS), choices=list(FEATURE_SETS))
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--loss", choices=sorted(FITS), default="pointwise")
    parser.add_argument("--cache", type=Path, help="keep the collected candidates here and reuse them")
    args = parser.parse_args()
    if set(args.sets.split(",")) & set(HELD_OUT):
        parser.error("the held-out set is measured, never fitted on")
    main(args.sets.split(","), args.features, args.l2, args.loss, args.cache, args.calibration_only)
