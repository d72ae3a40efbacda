"""How sure a returned passage is to carry the answer: search's `confidence`, calibrated in [0, 1].

The ranker's own logistic (`ranking.probability`) orders candidates; it does not say whether any of them answers.
A question the documents do not answer still has a best passage, and scored as the answerable questions' hits were,
it read about 0.4 ("what's the gate code" on an igniter flash-code passage). So the confidence is fitted by
`bench/fit_ranker.py` on the hits search returns for answerable questions (dev, dev_spans, shipped) AND for
questions no document answers (`unanswerable_dev`), on signals that say "this is about something else" in general:

- `lead`, `trail`: how far the passage's score is ahead of the next best candidate's (for the first hit) or behind
  the best (for the others), capped: a clear winner is surer than the winner of a close race, and an exact section
  match (+20 to the score) leads by the cap;
- `dense`, `lexical`, `span_kind`: how close in meaning the passage is, how much of the question's rare vocabulary
  it holds, and how much the sentence said is of the kind asked (a figure for "how much", a rule for "can I");
- `unheld`: the share of the model numbers and codes the question writes ("XR14", "F-40", "KX-3-9.0") that the
  passage, its headings and its document's title never write: a passage about the 50TC answers nothing about the
  48TC;
- `unheard`: the share of the question's own words no document holds at all ("gate", "sones", "lockbox"): what is
  asked about is not in the library.

The score itself weighed -0.02 beside these and was dropped, as was the best sentence's share of the rare words
(`span_lexical`, 0.25: leave-one-document-out Brier 0.0496 with both, 0.0492 without).

That is how sure search is of the passage. Whether what is SAID of it answers is another matter (`said_confidence`):
a question about the right product whose asked fact the document never gives ("what's the pH of the EWC-20 agent"
on the EWC-20 data sheet) finds its product's words in the title, so `lexical`, `dense` and `product` read high,
while the sentence said never names what was asked (`untold`).
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any, Iterable

from clara.knowledge.asked_parts import stems
from clara.knowledge.identifiers import model_key
from clara.knowledge.question import Query
from clara.knowledge.ranking import SCORE_CAP
from clara.stores.lexical import Matrix

# Fitted by bench/fit_ranker.py (leave-one-document-out figures there and in the commit that set them).
CALIBRATION = {"lead": 0.850, "trail": 1.899, "dense": 1.305, "lexical": 0.475, "span_kind": 0.467, "unheld": -1.006,
               "unheard": -0.766, "bias": -2.361}
SIGNALS = tuple(name for name in CALIBRATION if name != "bias")

_WRITTEN_ID = re.compile(r"\b[A-Za-z0-9]+(?:[-./][A-Za-z0-9]+)*\b")


def written_identifiers(text: str) -> list[str]:
    """The model numbers and codes a question writes, as keys: a token holding a letter and a digit ("XR14",
    "F-40", "KX-3-9.0"); a bare figure ("170", "4.5") is an amount asked about, not a name."""
    keys = (model_key(t) for t in _WRITTEN_ID.findall(text))
    return list(dict.fromkeys(k for k in keys if len(k) > 1 and re.search(r"\d", k) and re.search(r"[A-Z]", k)))


@functools.lru_cache(maxsize=256)
def _written(question: str) -> tuple[re.Pattern[str], ...]:
    """Each identifier the question writes as a pattern that finds it however a passage punctuates it ("XR14" in
    "XR-14", "xr 14"): one search of the passage per identifier, not a copy of it stripped of punctuation."""
    return tuple(re.compile(r"[\W_]*".join(map(re.escape, key)), re.IGNORECASE) for key in written_identifiers(question))


def unheld(question: str, row: dict[str, Any]) -> float:
    """The share of the models and codes `question` writes that the passage, its headings and its title never
    write. Read for the returned passages only."""
    patterns = _written(question)
    if not patterns:
        return 0.0
    fields = [str(row.get(k) or "") for k in ("title", "heading", "section", "text")]
    return sum(not any(p.search(f) for f in fields) for p in patterns) / len(patterns)


def unheard(matrix: Matrix, lexemes: Iterable[str]) -> float:
    """The share of the question's own lexemes that no document holds."""
    own = [t for t in dict.fromkeys(lexemes) if len(t) > 1 and not t.isdigit()]
    return sum(matrix.documents_with(t) == 0 for t in own) / len(own) if own else 0.0


def doubts(query: Query, row: dict[str, Any]) -> dict[str, float]:
    """What says a passage may be about something else: the share of the question's own words no document holds
    (read once, with the question) and of the models and codes it writes that this passage does not."""
    return {"unheard": query.unheard, "unheld": unheld(query.text, row)}


def signals(score: float, best: float, second: float | None, features: dict[str, float]) -> dict[str, float]:
    """What the calibration reads of a returned passage, from its score, the question's two best scores and its
    measured features."""
    first = score >= best
    lead = min(score - second, SCORE_CAP) if first and second is not None else (SCORE_CAP if first else 0.0)
    ranked = {"lead": lead, "trail": max(score - best, -SCORE_CAP)}
    return {name: ranked[name] if name in ranked else features.get(name, 0.0) for name in SIGNALS}


def confidence(score: float, best: float, second: float | None, features: dict[str, float]) -> float:
    """The calibrated probability that a returned passage carries the answer."""
    measured = signals(score, best, second, features)
    z = CALIBRATION["bias"] + sum(CALIBRATION[name] * measured[name] for name in SIGNALS)
    return round(1.0 / (1.0 + math.exp(-z)), 4)


# How sure the keyless reply is that what it says answers (`said_confidence`): a logistic over the first hit's
# `confidence` (as log-odds) and `untold`, fitted on the keyless replies to the studied sets (dev, heldout13,
# heldout14 answerable; unanswerable_dev none), a reply counting as sure when it said the expected fact. Of 609 first
# hits, 478 replies right and 78 unanswerable, it said 294 right replies and 12 unanswerable ones above 0.82, where
# the hit's confidence alone said 281 and 15 above its 0.5. `python bench/fit_said.py` fits the same regression
# through the HTTP API on the question as asked (these were fitted on the query the reply saw, after routing): over
# the same sets it gives confidence 0.719, untold -1.499, bias 2.064, which with these thresholds says "I don't know"
# far less often; adopting it means choosing the thresholds again.
SAID = {"confidence": 0.946, "untold": -1.179, "bias": 2.063}


def untold(question: str, title: str, said: str) -> float:
    """The share of the question's own words (not those that only ask, nor its document's title, which names the
    product rather than the fact) that what is said never says: "what's the pH of the EWC-20 agent" said from the
    EWC-20 data sheet's storage sentence leaves "ph" untold. Words compared by their first five letters
    (`asked_parts.stems`), so "registered" is told by "registration"."""
    own = stems(question) - stems(title)
    return sum(word not in stems(said) for word in own) / len(own) if own else 0.0


def said_confidence(hit_confidence: float, untold_share: float) -> float:
    """The probability that a reply saying a passage's answer says the fact asked: the passage's calibrated
    `confidence`, lowered as more of the question goes untold by what is said."""
    z = SAID["bias"] + SAID["confidence"] * log_odds(hit_confidence) + SAID["untold"] * untold_share
    return round(1.0 / (1.0 + math.exp(-z)), 4)


def log_odds(probability: float) -> float:
    """A probability as log-odds, kept off 0 and 1 (a confidence is rounded to four places, so it can be either)."""
    p = min(max(probability, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))
