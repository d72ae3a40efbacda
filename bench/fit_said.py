"""Fits `clara.knowledge.confidence.SAID`: how sure a keyless knowledge reply sounds (states, hedges, or says it does
not know) from what it is about to say, on studied sets only.

Search's `confidence` says how likely the first passage carries the answer; a reply can still say a sentence of the
right product's document that never tells what was asked ("what's the pH of the EWC-20 agent" answered with its
storage sentence). So the reply's sureness is a logistic over the first hit's confidence (as log-odds) and `untold`,
the share of the question's own words that what is said leaves unsaid (`knowledge_said.sure`'s inputs). Each
question of the sets goes through the HTTP API as `bench/knowledge_eval.py` asks it: the search for the first hit,
and the keyless chat for the reply, which counts as right when it says the expected facts and names the document
(`knowledge_eval._answered`; a question of an unanswerable set never is). The fit has an L2 penalty of 0.5 on the
two weights (scipy's L-BFGS-B); it prints the weights to put in `SAID`, and for each threshold the right replies and
the unanswerable questions it would state as fact, to choose the "unsure" and "nothing" thresholds by.

    python bench/fit_said.py [--sets dev,heldout13,heldout14,unanswerable_dev]

A blind set (`knowledge_eval.UNSTUDIED`) is refused: fitting on it would make it a development set.
"""

from __future__ import annotations

import argparse
import asyncio

import numpy as np
from scipy.optimize import minimize

from knowledge_eval import DEPTH, UNSTUDIED, _answered, as_hit, loaded  # noqa: I001  (sets up the import path)

from clara.agent.knowledge_said import untold_by
from clara.knowledge.confidence import log_odds

STUDIED = ("dev", "heldout13", "heldout14", "unanswerable_dev")
THRESHOLDS = (0.3, 0.5, 0.7, 0.82, 0.9)


async def observed(sets: list[str]) -> list[tuple[float, float, bool, bool]]:
    """(confidence log-odds, untold, reply right, question answerable) for every question with a first hit."""
    rows = []
    for name in sets:
        async with loaded(name) as run:
            for question in run.questions:
                found = await run.client.get("/clara-server/knowledge/search", headers=run.tech_auth,
                                             params={"query": question["query"], "k": DEPTH})
                hits = found.json()["results"]
                if not hits:
                    continue
                first = as_hit(hits[0])
                reply = await run.client.post(f"/voice/chat/{run.tech.id}", headers=run.tech_auth,
                                              json={"message": question["query"], "new_session": True})
                answered = _answered(reply.json().get("reply", ""), question, run.titles)
                rows.append((log_odds(first.confidence), untold_by(first, question["query"]),
                             answered is True, answered is not None))
    return rows


def fit(rows: list[tuple[float, float, bool, bool]]) -> np.ndarray:
    """Weights (confidence, untold, bias) of the L2-penalised logistic regression of `right` on the two signals."""
    x = np.array([[r[0], r[1], 1.0] for r in rows])
    y = np.array([float(r[2]) for r in rows])
    penalty = np.array([0.5, 0.5, 0.0])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w
        p = 1.0 / (1.0 + np.exp(-z))
        return float(np.sum(np.logaddexp(0.0, z) - y * z) + np.sum(penalty * w * w)), x.T @ (p - y) + 2 * penalty * w

    return minimize(loss, np.zeros(3), jac=True, method="L-BFGS-B").x


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(STUDIED))
    sets = parser.parse_args().sets.split(",")
    blind = sorted(set(sets) & set(UNSTUDIED))
    if blind:
        parser.error(f"blind sets are never fitted on: {', '.join(blind)}")
    rows = asyncio.run(observed(sets))
    w = fit(rows)
    print(f'SAID = {{"confidence": {w[0]:.3f}, "untold": {w[1]:.3f}, "bias": {w[2]:.3f}}}')
    sure = 1.0 / (1.0 + np.exp(-(np.array([[r[0], r[1], 1.0] for r in rows]) @ w)))
    right = np.array([r[2] for r in rows])
    unanswerable = ~np.array([r[3] for r in rows])
    print(f"{len(rows)} first hits: {int(right.sum())} replies right, {int(unanswerable.sum())} unanswerable")
    for threshold in THRESHOLDS:
        above = sure >= threshold
        print(f"  stated at >= {threshold}: {int((above & right).sum())} right replies, "
              f"{int((above & unanswerable).sum())} unanswerable")


if __name__ == "__main__":
    main()
